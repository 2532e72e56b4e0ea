package io.ganeshaha.agent.mirror;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;

/** The agent's Kubernetes client: the pod's service account (or kubeconfig), every call bounded. */
public final class KubernetesMirrorClient {

    private KubernetesMirrorClient() {}

    public static KubernetesClient create(String namespace, Duration requestTimeout) {
        int ms = (int) requestTimeout.toMillis();
        Config config = new ConfigBuilder(Config.autoConfigure(null))
                .withNamespace(namespace)
                .withConnectionTimeout(ms)
                .withRequestTimeout(ms)
                // The mirror retries on its next tick; a retry loop inside one call would hold
                // the tick (and the log line) for the whole back-off.
                .withRequestRetryBackoffLimit(0)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
