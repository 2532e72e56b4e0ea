package io.ganeshaha.operator.startup;

import java.util.Optional;

/**
 * What the operator checks before it starts its controllers: that it was told where the
 * Kubernetes API server is, and that the server answers. Without this a first run on a machine
 * with no kubeconfig waits about 20 s and ends in a hundred lines of stack trace naming
 * {@code kubernetes.default.svc}; here each case is one line saying what is wrong and what to do.
 */
public final class ApiServerCheck {

    /** Where the client's configuration came from. */
    public record Sources(boolean kubeconfigFound, boolean inCluster, Optional<String> explicitUrl) {
        boolean any() {
            return kubeconfigFound || inCluster || explicitUrl.isPresent();
        }
    }

    /** One request to the API server, bounded by short timeouts. */
    @FunctionalInterface
    public interface Probe {
        /**
         * The HTTP status the server answered (any answer counts, 404 included).
         *
         * @throws Exception when no answer came: the exception's root cause says why
         */
        int status() throws Exception;
    }

    private ApiServerCheck() {}

    /** The one line to tell the user, or empty when the operator can start. */
    public static Optional<String> problem(Sources sources, String masterUrl, Probe probe) {
        if (!sources.any()) {
            return Optional.of("no Kubernetes API server configured: no kubeconfig (KUBECONFIG, ~/.kube/config), not"
                    + " running in a pod (KUBERNETES_SERVICE_HOST is unset) and no quarkus.kubernetes-client.api-server-url;"
                    + " point KUBECONFIG at your cluster's kubeconfig, or install the operator with the Helm chart");
        }
        int status;
        try {
            status = probe.status();
        } catch (Exception e) {
            return Optional.of("the Kubernetes API server at " + masterUrl + " does not answer (" + rootCause(e)
                    + "): check that the cluster is up and that " + where(sources) + " points at it");
        }
        if (status == 401 || status == 403) {
            return Optional.of("the Kubernetes API server at " + masterUrl + " refused the operator's credentials (HTTP "
                    + status + "): check the user of " + where(sources));
        }
        return Optional.empty();
    }

    private static String where(Sources sources) {
        if (sources.explicitUrl().isPresent()) {
            return "quarkus.kubernetes-client.api-server-url";
        }
        return sources.kubeconfigFound() ? "the current context of your kubeconfig" : "the pod's service account";
    }

    static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
