package io.ganeshaha.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns what one reconciliation found into the status: {@code observedGeneration} and the
 * {@code Ready} and {@code Degraded} conditions. A condition's lastTransitionTime moves only when its
 * status does, as Kubernetes conventions ask.
 */
public final class StatusAggregator {

    public static final String READY = "Ready";
    public static final String DEGRADED = "Degraded";

    public static final String REASON_CONFIGURED = "ConfigurationApplied";
    public static final String REASON_AS_SPECIFIED = "AsSpecified";
    public static final String REASON_RECONCILE_FAILED = "ReconcileFailed";
    public static final String REASON_INVALID_SPEC = "InvalidSpec";

    private final Clock clock;

    public StatusAggregator() {
        this(Clock.systemUTC());
    }

    StatusAggregator(Clock clock) {
        this.clock = clock;
    }

    /** Every dependent is in place with the configuration rendered from this generation. */
    public GaneshaClusterStatus applied(GaneshaCluster cluster, String message) {
        return next(cluster,
                condition(cluster, READY, "True", REASON_CONFIGURED, message),
                condition(cluster, DEGRADED, "False", REASON_AS_SPECIFIED, "The spec is valid and applied."));
    }

    /**
     * The spec cannot be applied as written: nothing was created or changed, and what ran before
     * keeps running. {@code reason} names the problem, {@code message} the field.
     */
    public GaneshaClusterStatus invalidSpec(GaneshaCluster cluster, String reason, String message) {
        return next(cluster,
                condition(cluster, READY, "False", REASON_INVALID_SPEC,
                        "The spec was not applied; the previous configuration, if any, is unchanged."),
                condition(cluster, DEGRADED, "True", reason, message));
    }

    /** A dependent could not be reconciled (API error): JOSDK retries with back-off. */
    public GaneshaClusterStatus failed(GaneshaCluster cluster, Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return next(cluster,
                condition(cluster, READY, "False", REASON_RECONCILE_FAILED, message),
                condition(cluster, DEGRADED, "True", REASON_RECONCILE_FAILED, message));
    }

    private GaneshaClusterStatus next(GaneshaCluster cluster, Condition... conditions) {
        GaneshaClusterStatus previous = cluster.getStatus();
        GaneshaClusterStatus status = new GaneshaClusterStatus();
        status.setObservedGeneration(cluster.getMetadata().getGeneration());
        if (previous != null && previous.getNodes() != null) {
            status.setNodes(previous.getNodes());
        }
        List<Condition> merged = new ArrayList<>();
        for (Condition c : conditions) {
            Condition old = find(previous, c.getType());
            if (old != null && Objects.equals(old.getStatus(), c.getStatus()) && old.getLastTransitionTime() != null) {
                c.setLastTransitionTime(old.getLastTransitionTime());
            }
            merged.add(c);
        }
        status.setConditions(merged);
        return status;
    }

    private Condition condition(GaneshaCluster cluster, String type, String status, String reason, String message) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(cluster.getMetadata().getGeneration())
                .withLastTransitionTime(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString())
                .build();
    }

    private static Condition find(GaneshaClusterStatus status, String type) {
        if (status == null || status.getConditions() == null) {
            return null;
        }
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }
}
