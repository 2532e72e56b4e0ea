package io.ganeshaha.operator.startup;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.operator.ModulePaths;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged operator started the way a new user first starts it, with nothing to talk to: it
 * must end at once with status 1 and one line saying what is wrong and what to do, no stack trace.
 */
@Tag("integration")
class FirstUseIT {

    @TempDir
    Path home;

    record Run(int exit, long millis, List<String> output) {
        List<String> errors() {
            return output.stream().filter(l -> l.contains(" ERROR ")).toList();
        }

        List<String> traceLines() {
            return output.stream().filter(l -> l.startsWith("\tat ") || l.startsWith("Caused by")).toList();
        }
    }

    Run run(List<String> properties) throws IOException, InterruptedException {
        Path jar = ModulePaths.repositoryRoot().resolve("operator/target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("the packaged operator (mvn verify builds it)").isRegularFile();
        List<String> argv = new ArrayList<>(List.of("java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.port=0", "-Dquarkus.operator-sdk.crd.apply=false"));
        properties.forEach(p -> argv.add("-D" + p));
        argv.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.equals("KUBECONFIG") || k.startsWith("KUBERNETES_"));
        builder.environment().put("HOME", home.toString());
        Path out = home.resolve("operator.out");
        builder.redirectOutput(out.toFile());
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the operator did not exit within 60 s:\n" + Files.readString(out));
        }
        Run run = new Run(process.exitValue(), (System.nanoTime() - start) / 1_000_000, Files.readAllLines(out));
        System.out.printf("operator exit %d after %d ms: %s%n", run.exit(), run.millis(), run.errors());
        return run;
    }

    @Test
    void withoutAnyKubernetesConfigurationItSaysSoInOneLine() throws Exception {
        Run run = run(List.of());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errors()).singleElement().asString().contains("no Kubernetes API server configured")
                .contains("KUBECONFIG");
        assertThat(run.traceLines()).isEmpty();
    }

    @Test
    void withAServerThatDoesNotAnswerItNamesItInOneLine() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        Run run = run(List.of("quarkus.kubernetes-client.api-server-url=https://127.0.0.1:" + port));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errors()).singleElement().asString()
                .contains("the Kubernetes API server at https://127.0.0.1:" + port + "/ does not answer")
                .contains("quarkus.kubernetes-client.api-server-url");
        assertThat(run.traceLines()).isEmpty();
    }
}
