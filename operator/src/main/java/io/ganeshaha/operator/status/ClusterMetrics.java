package io.ganeshaha.operator.status;

import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * Each GaneshaCluster's state on the operator's {@code /q/metrics}, as its status says it, for
 * alerts that need no Kubernetes API: Ready, Degraded, a failover in progress, nodes serving of
 * nodes. Tagged with the cluster's namespace and name; gone when the cluster is.
 */
@ApplicationScoped
public class ClusterMetrics {

    public static final String READY = "ganesha_ha_cluster_ready";
    public static final String DEGRADED = "ganesha_ha_cluster_degraded";
    public static final String FAILOVER_IN_PROGRESS = "ganesha_ha_cluster_failover_in_progress";
    public static final String NODES_READY = "ganesha_ha_cluster_nodes_ready";
    public static final String NODES = "ganesha_ha_cluster_nodes";

    /** The state the gauges read, replaced at each reconciliation. */
    record State(boolean ready, boolean degraded, boolean failoverInProgress, int nodesReady, int nodes) {

        static State of(GaneshaClusterStatus status) {
            int ready = 0;
            int nodes = 0;
            String readyNodes = status.getReadyNodes();
            if (readyNodes != null && readyNodes.matches("\\d+/\\d+")) {
                ready = Integer.parseInt(readyNodes.substring(0, readyNodes.indexOf('/')));
                nodes = Integer.parseInt(readyNodes.substring(readyNodes.indexOf('/') + 1));
            }
            return new State(isTrue(status, "Ready"), isTrue(status, "Degraded"), isTrue(status, "FailoverInProgress"),
                    ready, nodes);
        }

        private static boolean isTrue(GaneshaClusterStatus status, String type) {
            return status.getConditions() != null && status.getConditions().stream()
                    .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
        }
    }

    private record Registered(AtomicReference<State> state, List<Meter> meters) {}

    private final MeterRegistry registry;
    private final Map<String, Registered> clusters = new ConcurrentHashMap<>();

    public ClusterMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The cluster's state is now what {@code status} says. */
    public void record(GaneshaCluster cluster, GaneshaClusterStatus status) {
        clusters.computeIfAbsent(key(cluster), k -> register(cluster)).state().set(State.of(status));
    }

    /** The cluster is deleted: its gauges go with it. */
    public void forget(GaneshaCluster cluster) {
        Registered gone = clusters.remove(key(cluster));
        if (gone != null) {
            gone.meters().forEach(registry::remove);
        }
    }

    private Registered register(GaneshaCluster cluster) {
        AtomicReference<State> state = new AtomicReference<>(new State(false, false, false, 0, 0));
        Tags tags = Tags.of("namespace", cluster.getMetadata().getNamespace(), "ganeshacluster",
                cluster.getMetadata().getName());
        List<Meter> meters = new ArrayList<>();
        meters.add(gauge(READY, "1 while the GaneshaCluster is Ready: every virtual IP served by a node whose nfsd serves",
                tags, state, s -> s.ready() ? 1 : 0));
        meters.add(gauge(DEGRADED, "1 while the GaneshaCluster is Degraded: a member failed, is not reporting or "
                + "did not apply the configuration", tags, state, s -> s.degraded() ? 1 : 0));
        meters.add(gauge(FAILOVER_IN_PROGRESS, "1 while a failover or fail-back of a member is between its two "
                + "attribute changes (survivors entering grace, the virtual IP moving)", tags, state,
                s -> s.failoverInProgress() ? 1 : 0));
        meters.add(gauge(NODES_READY, "Members whose nfsd serves and whose agent reports", tags, state,
                State::nodesReady));
        meters.add(gauge(NODES, "Members of the GaneshaCluster", tags, state, State::nodes));
        return new Registered(state, meters);
    }

    private Gauge gauge(String name, String help, Tags tags, AtomicReference<State> state,
            ToDoubleFunction<State> value) {
        return Gauge.builder(name, state, s -> value.applyAsDouble(s.get())).description(help).tags(tags)
                .register(registry);
    }

    private static String key(GaneshaCluster cluster) {
        return cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
    }
}
