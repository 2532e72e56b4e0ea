package io.ganeshaha.e2e;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.ganeshaha.agent.testing.JvmProcess;
import io.ganeshaha.agent.testing.ProjectPaths;
import io.ganeshaha.agent.testing.TwoNodeLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The operator as `mvn package` builds it, run against an API server, as its Deployment would. */
final class OperatorProcess implements AutoCloseable {

    private final JvmProcess jvm;

    OperatorProcess(String apiServerUrl, Path log, List<String> settings) {
        Path jar = ProjectPaths.root().resolve("operator/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the tests through `mvn verify`");
        }
        List<String> argv = new ArrayList<>(List.of("java", "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.kubernetes-client.api-server-url=" + apiServerUrl,
                "-Dquarkus.kubernetes-client.trust-certs=true",
                // The test registers the CRDs, as the Helm chart would.
                "-Dquarkus.operator-sdk.crd.apply=false",
                "-Dquarkus.http.port=0"));
        settings.forEach(s -> argv.add("-D" + s));
        argv.addAll(List.of("-jar", jar.toString()));
        jvm = new JvmProcess("the operator", argv, log);
    }

    /**
     * The operator for a {@link TwoNodeLab}: its two hosts registered as
     * Kubernetes nodes first, then the operator started against the lab's API server and handed to
     * the lab to stop.
     */
    static OperatorProcess forLab(TwoNodeLab two) {
        var client = two.api.client();
        for (String node : List.of(TwoNodeLab.K1, TwoNodeLab.K2)) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node)
                    .endMetadata().build()).create();
        }
        return two.own(new OperatorProcess(two.api.hostUrl(), two.work.resolve("operator.log"), List.of()).start());
    }

    OperatorProcess start() {
        jvm.start(Duration.ofSeconds(60), () -> jvm.loggedSinceStart("started in"));
        return this;
    }

    /** SIGKILL: an operator pod lost with its node. */
    void kill() {
        jvm.kill();
    }

    String logTail() {
        return jvm.logTail();
    }

    @Override
    public void close() {
        jvm.close();
    }
}
