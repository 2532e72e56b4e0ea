package io.ganeshaha.e2e;

import io.ganeshaha.agent.testing.ProjectPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The operator as `mvn package` builds it, run against an API server, as its Deployment would. */
final class OperatorProcess implements AutoCloseable {

    private final Path log;
    private final List<String> argv;
    private Process process;

    OperatorProcess(String apiServerUrl, Path log, List<String> settings) {
        this.log = log;
        Path jar = ProjectPaths.root().resolve("operator/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the tests through `mvn verify`");
        }
        argv = new ArrayList<>(List.of("java", "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.kubernetes-client.api-server-url=" + apiServerUrl,
                "-Dquarkus.kubernetes-client.trust-certs=true",
                // The test registers the CRDs, as the Helm chart would.
                "-Dquarkus.operator-sdk.crd.apply=false",
                "-Dquarkus.http.port=0"));
        settings.forEach(s -> argv.add("-D" + s));
        argv.addAll(List.of("-jar", jar.toString()));
    }

    OperatorProcess start() {
        try {
            process = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start the operator", e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the operator exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (logTail().contains("started in")) {
                return this;
            }
            sleep(100);
        }
        throw new AssertionError("the operator did not start within 60 s:\n" + logTail());
    }

    /** SIGKILL: an operator pod lost with its node. */
    void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitGone();
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void waitGone() {
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        if (process != null && process.isAlive()) {
            process.destroy();
            waitGone();
            if (process.isAlive()) {
                kill();
            }
        }
    }
}
