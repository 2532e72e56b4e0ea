package io.ganeshaha.operator.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiServerCheckTest {

    static final ApiServerCheck.Sources NOTHING = new ApiServerCheck.Sources(false, false, Optional.empty());
    static final ApiServerCheck.Sources KUBECONFIG = new ApiServerCheck.Sources(true, false, Optional.empty());
    static final String URL = "https://10.0.0.1:6443/";

    @Test
    void noConfigurationAtAllSaysSoWithoutAskingAnyServer() {
        Optional<String> problem = ApiServerCheck.problem(NOTHING, "https://kubernetes.default.svc/", () -> {
            throw new AssertionError("no server to ask");
        });
        assertThat(problem).get().asString().startsWith("no Kubernetes API server configured")
                .contains("KUBECONFIG").contains("Helm chart").doesNotContain("\n");
    }

    @Test
    void aServerThatDoesNotAnswerIsNamedWithTheRootCause() {
        Optional<String> problem = ApiServerCheck.problem(KUBECONFIG, URL, () -> {
            throw new IllegalStateException("outer", new ConnectException("Connection refused"));
        });
        assertThat(problem).contains("the Kubernetes API server at https://10.0.0.1:6443/ does not answer"
                + " (ConnectException: Connection refused): check that the cluster is up and that the current context"
                + " of your kubeconfig points at it");
    }

    @Test
    void refusedCredentialsAreTheirOwnProblem() {
        assertThat(ApiServerCheck.problem(new ApiServerCheck.Sources(false, true, Optional.empty()), URL, () -> 403))
                .get().asString().contains("refused the operator's credentials (HTTP 403)")
                .contains("the pod's service account");
    }

    @Test
    void anyOtherAnswerMeansTheServerIsThere() {
        assertThat(ApiServerCheck.problem(KUBECONFIG, URL, () -> 200)).isEmpty();
        assertThat(ApiServerCheck.problem(new ApiServerCheck.Sources(false, false, Optional.of(URL)), URL, () -> 404))
                .as("a server without /version (the mock API server) still answers").isEmpty();
    }
}
