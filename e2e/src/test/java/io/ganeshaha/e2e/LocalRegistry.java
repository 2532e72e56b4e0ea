package io.ganeshaha.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An image registry on a loopback port: Debian's docker-registry (the CNCF Distribution registry,
 * the one most private registries run), storing under a directory of the test's. It is the registry
 * a user names to {@code scripts/images --push}, and the one the lab's nodes pull the agent image
 * from as the pod's image and pull policy say. Plain HTTP: Docker pushes to a loopback registry
 * without TLS, and the nodes' runtime is told the registry is insecure.
 */
final class LocalRegistry implements AutoCloseable {

    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    LocalRegistry(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:%d
                """.formatted(dir.resolve("data"), port));
        process = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile()).start();
        Instant deadline = Instant.now().plusSeconds(30);
        while (get("/v2/") != 200) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                close();
                throw new IllegalStateException("docker-registry did not answer on " + address() + " (log: "
                        + Files.readString(dir.resolve("registry.log")).strip() + ")");
            }
            sleep(100);
        }
    }

    /** host:port, as an image name's registry part. */
    String address() {
        return "127.0.0.1:" + port;
    }

    /** The tags the registry holds for {@code repository} (e.g. ganesha-ha/node-agent). */
    List<String> tags(String repository) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + address() + "/v2/" + repository
                    + "/tags/list")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return List.of();
            }
            JsonNode tags = Serialization.jsonMapper().readTree(r.body()).path("tags");
            List<String> out = new ArrayList<>();
            tags.forEach(t -> out.add(t.asText()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private int get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + address() + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
