package io.ganeshaha.operator;

import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import java.util.Map;

/**
 * The one place the labels and names of the objects the operator owns come from, so every object of
 * a cluster is found by {@link #of} (the finalizer's cleanup deletes by it).
 */
public final class Labels {

    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

    public static final String AGENT_APP = "ganesha-ha-node-agent";
    public static final String OPERATOR = "ganesha-ha-operator";
    /** Selects every object the operator made, for its informers. */
    public static final String MANAGED_BY_SELECTOR = MANAGED_BY + "=" + OPERATOR;

    /** Pod-template annotation: SHA-256 of the rendered configuration the agents run with. */
    public static final String CONFIG_HASH = GaneshaCluster.GROUP + "/config-hash";

    private Labels() {}

    public static Map<String, String> of(GaneshaCluster cluster) {
        return Map.of(NAME, AGENT_APP, INSTANCE, cluster.getMetadata().getName(), MANAGED_BY, OPERATOR);
    }

    /** The DaemonSet's selector: immutable once created, so it holds no label that could change. */
    public static Map<String, String> selector(GaneshaCluster cluster) {
        return Map.of(NAME, AGENT_APP, INSTANCE, cluster.getMetadata().getName());
    }

    public static String configMapName(GaneshaCluster cluster) {
        return cluster.getMetadata().getName() + "-ha-config";
    }

    /** The ServiceAccount, Role, RoleBinding and DaemonSet of the node agents share this name. */
    public static String agentName(GaneshaCluster cluster) {
        return cluster.getMetadata().getName() + "-node-agent";
    }
}
