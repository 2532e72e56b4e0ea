package io.ganeshaha.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterStatus;
import io.ganeshaha.api.v1alpha1.NodeObservation;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Turns what one reconciliation found into the status: {@code observedGeneration}, the per-node
 * entries and the five conditions. A condition's lastTransitionTime moves only when its status
 * does, as Kubernetes conventions ask.
 *
 * <ul>
 * <li>{@code Ready}: every virtual IP is held by exactly one member serving NFS.
 * <li>{@code Degraded}: the spec cannot be applied, a member node does not exist, a member's nfsd
 * failed, or its agent stopped reporting; ganesha refused an export on a member; the members do not
 * present one NFSv4 server scope. The service may still be available (failed over).
 * <li>{@code Progressing}: the agents are rolling out, have not all reported yet, or have not
 * written the current rendering into the CIB.
 * <li>{@code FailoverInProgress}: a member is in its grace window (survivors entering grace) or a
 * failed member's virtual IP is not served yet.
 * <li>{@code Fencing}: Pacemaker fences lost nodes ({@code stonith-enabled}, as the agents read it);
 * False when any agent reads it off, Unknown while none could read it. A cluster without fencing
 * may be Ready: the condition says what a node loss will mean, not how the service is now.
 * <li>{@code ExportsApplied}: every member's ganesha.nfsd serves the exports of this generation as
 * specified; False with the nodes still applying them, or with ganesha's words for an export it
 * refused (which also makes the cluster Degraded: the nodes do not serve the same exports).
 * </ul>
 */
public final class StatusAggregator {

    public static final String READY = "Ready";
    public static final String DEGRADED = "Degraded";
    public static final String PROGRESSING = "Progressing";
    public static final String FAILOVER_IN_PROGRESS = "FailoverInProgress";
    public static final String FENCING = "Fencing";
    public static final String EXPORTS_APPLIED = "ExportsApplied";
    public static final String NFSV4_SETTINGS = "Nfsv4Settings";

    public static final String REASON_ALL_SERVED = "AllVirtualIpsServed";
    public static final String REASON_UNSERVED = "VirtualIpsUnserved";
    public static final String REASON_AWAITING_AGENTS = "AwaitingAgents";
    public static final String REASON_AS_SPECIFIED = "AsSpecified";
    public static final String REASON_NODE_NOT_FOUND = "NodeNotFound";
    public static final String REASON_NODE_FAILED = "NodeFailed";
    public static final String REASON_AGENT_NOT_REPORTING = "AgentNotReporting";
    public static final String REASON_ROLLING_OUT = "RollingOutAgents";
    public static final String REASON_UP_TO_DATE = "AgentsUpToDate";
    public static final String REASON_CONFIGURING_PACEMAKER = "ConfiguringPacemaker";
    public static final String REASON_AWAITING_GRACE = "AwaitingGrace";
    public static final String REASON_VIPS_MOVING = "VirtualIpsMoving";
    public static final String REASON_FAILED_OVER = "FailedOver";
    public static final String REASON_NO_FAILOVER = "NoFailover";
    public static final String REASON_STONITH_ENABLED = "StonithEnabled";
    public static final String REASON_STONITH_DISABLED = "StonithDisabled";
    public static final String REASON_FENCING_NOT_REPORTED = "FencingNotReported";
    public static final String REASON_RECONCILE_FAILED = "ReconcileFailed";
    public static final String REASON_INVALID_SPEC = "InvalidSpec";
    public static final String REASON_EXPORTS_SERVED = "ExportsServed";
    public static final String REASON_APPLYING_EXPORTS = "ApplyingExports";
    public static final String REASON_EXPORT_REFUSED = "ExportRefused";
    public static final String REASON_SERVER_SCOPE_DIFFERS = "ServerScopeDiffers";
    public static final String REASON_NFSV4_IN_EFFECT = "Nfsv4InEffect";
    public static final String REASON_NFSV4_NOT_IN_GANESHA_CONF = "Nfsv4NotInGaneshaConf";
    public static final String REASON_NFSV4_RESTART_PENDING = "Nfsv4RestartPending";
    public static final String REASON_NFSV4_NOT_REPORTED = "Nfsv4NotReported";
    public static final String REASON_NFSV4_NOT_MANAGED = "Nfsv4NotManaged";
    public static final String REASON_NFSV4_DIFFERS = "Nfsv4Differs";

    private final Clock clock;

    public StatusAggregator() {
        this(Clock.systemUTC());
    }

    public StatusAggregator(Clock clock) {
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /**
     * The configuration of this generation is in place; the rest is what the agents report.
     *
     * @param missingNodes messages naming the member nodes Kubernetes does not know, by field path
     * @param pacemakerGeneration the generation of the rendering the CIB should be configured from
     */
    public GaneshaClusterStatus applied(GaneshaCluster cluster, ClusterHealth health, AgentRollout rollout,
            List<String> missingNodes, long pacemakerGeneration) {
        return applied(cluster, health, rollout, missingNodes, pacemakerGeneration, cluster.getMetadata().getGeneration());
    }

    /** @param exportsGeneration the generation of the exports the agents are asked to serve */
    public GaneshaClusterStatus applied(GaneshaCluster cluster, ClusterHealth health, AgentRollout rollout,
            List<String> missingNodes, long pacemakerGeneration, long exportsGeneration) {
        List<Condition> conditions = new ArrayList<>();
        List<String> refusals = health.exportRefusals();
        java.util.Optional<String> scopeProblem = health.serverScopeProblem();
        List<String> unserved = health.unservedVips();
        List<String> notReported = health.notReported();

        if (unserved.isEmpty()) {
            conditions.add(condition(cluster, READY, "True", REASON_ALL_SERVED, "All " + health.placement().size()
                    + " virtual IPs are served (" + health.placementSummary() + "); " + health.readyNodes()
                    + " nodes serving."));
        } else if (!notReported.isEmpty() && health.failed().isEmpty()) {
            conditions.add(condition(cluster, READY, "False", REASON_AWAITING_AGENTS,
                    "No report yet from the node agents on " + String.join(", ", notReported) + "; "
                            + rollout.describe() + "."));
        } else {
            conditions.add(condition(cluster, READY, "False", REASON_UNSERVED, "Virtual IPs not served by a "
                    + "healthy node: " + String.join(", ", unserved) + " (" + health.placementSummary() + ")."));
        }

        if (!missingNodes.isEmpty()) {
            conditions.add(condition(cluster, DEGRADED, "True", REASON_NODE_NOT_FOUND, String.join("; ", missingNodes)));
        } else if (!health.failed().isEmpty()) {
            conditions.add(condition(cluster, DEGRADED, "True", REASON_NODE_FAILED, "nfsd is not serving on "
                    + describeFailed(cluster, health) + "; virtual IPs: " + health.placementSummary() + "."));
        } else if (!health.stale().isEmpty()) {
            conditions.add(condition(cluster, DEGRADED, "True", REASON_AGENT_NOT_REPORTING,
                    "The node agents on " + String.join(", ", health.stale())
                            + " stopped reporting; their last state is not trusted."));
        } else if (!refusals.isEmpty()) {
            conditions.add(condition(cluster, DEGRADED, "True", REASON_EXPORT_REFUSED, describeRefusals(refusals)));
        } else if (scopeProblem.isPresent()) {
            conditions.add(condition(cluster, DEGRADED, "True", REASON_SERVER_SCOPE_DIFFERS, "The members' ganesha.nfsd "
                    + "do not present one NFSv4 server scope (" + scopeProblem.get() + "): an NFSv4.1 "
                    + "client cannot reclaim its opens and locks on the node that takes its address over. Set the same "
                    + "Server_Scope in the NFSV4 block of every node's ganesha.conf and restart ganesha.nfsd there."));
        } else {
            conditions.add(condition(cluster, DEGRADED, "False", REASON_AS_SPECIFIED,
                    "The spec is applied and no member has failed."));
        }

        if (!rollout.complete()) {
            conditions.add(condition(cluster, PROGRESSING, "True", REASON_ROLLING_OUT, rollout.describe() + "."));
        } else if (!notReported.isEmpty()) {
            conditions.add(condition(cluster, PROGRESSING, "True", REASON_AWAITING_AGENTS,
                    "Waiting for the first report of the node agents on " + String.join(", ", notReported) + "."));
        } else if (health.pacemakerConfigGeneration().orElse(0L) < pacemakerGeneration) {
            conditions.add(condition(cluster, PROGRESSING, "True", REASON_CONFIGURING_PACEMAKER,
                    "Pacemaker's resources and constraints are from generation "
                            + health.pacemakerConfigGeneration().map(Object::toString).orElse("(none)")
                            + "; the agents are writing generation " + pacemakerGeneration + " into the CIB."));
        } else {
            conditions.add(condition(cluster, PROGRESSING, "False", REASON_UP_TO_DATE,
                    "Every node agent runs the current configuration and reports, and Pacemaker is configured "
                            + "from generation " + pacemakerGeneration + "."));
        }

        if (!health.awaitingGrace().isEmpty()) {
            conditions.add(condition(cluster, FAILOVER_IN_PROGRESS, "True", REASON_AWAITING_GRACE,
                    "grace-active was removed on " + String.join(", ", health.awaitingGrace())
                            + ": the survivors enter NFS grace before its virtual IPs move."));
        } else if (health.failoverInProgress()) {
            conditions.add(condition(cluster, FAILOVER_IN_PROGRESS, "True", REASON_VIPS_MOVING,
                    "Virtual IPs of " + String.join(", ", health.failedOrSilent()) + " are not served yet: "
                            + String.join(", ", unserved) + "."));
        } else if (!health.failed().isEmpty()) {
            conditions.add(condition(cluster, FAILOVER_IN_PROGRESS, "False", REASON_FAILED_OVER,
                    String.join(", ", health.failed()) + " failed over; virtual IPs: " + health.placementSummary() + "."));
        } else {
            conditions.add(condition(cluster, FAILOVER_IN_PROGRESS, "False", REASON_NO_FAILOVER,
                    "No member is failing over."));
        }

        conditions.add(fencing(cluster, health));
        conditions.add(exports(cluster, health, refusals, exportsGeneration));
        conditions.add(nfsv4(cluster, health));

        GaneshaClusterStatus status = next(cluster, conditions);
        status.setExportsApplied(health.exportsApplied(exportsGeneration));
        status.setNodes(health.nodeStatuses());
        status.setReadyNodes(health.readyNodes());
        status.setVirtualIpPlacement(health.placementSummary());
        status.setLastFailover(health.lastFailover().orElse(null));
        return status;
    }

    /** Fencing is the administrator's to configure; what its absence means for node loss is ours to say. */
    private Condition fencing(GaneshaCluster cluster, ClusterHealth health) {
        List<String> disabled = health.reportingFencing(NodeObservation.FENCING_DISABLED);
        List<String> enabled = health.reportingFencing(NodeObservation.FENCING_ENABLED);
        if (!disabled.isEmpty()) {
            return condition(cluster, FENCING, "False", REASON_STONITH_DISABLED, "Pacemaker does not fence lost nodes "
                    + "(stonith-enabled=false, as read on " + String.join(", ", disabled) + "): the clients of a lost "
                    + "node are protected only by the takeover gate and NFS grace, and a node that is only cut off "
                    + "keeps serving. Configure a fence device and stonith-enabled=true to have lost nodes fenced.");
        }
        if (!enabled.isEmpty()) {
            return condition(cluster, FENCING, "True", REASON_STONITH_ENABLED, "Pacemaker fences lost nodes "
                    + "(stonith-enabled, as read on " + String.join(", ", enabled) + ").");
        }
        return condition(cluster, FENCING, "Unknown", REASON_FENCING_NOT_REPORTED,
                "No node agent has read stonith-enabled yet: whether Pacemaker fences lost nodes is not known.");
    }

    private Condition exports(GaneshaCluster cluster, ClusterHealth health, List<String> refusals, long generation) {
        int count = cluster.getSpec().getExports() == null ? 0 : cluster.getSpec().getExports().size();
        if (!refusals.isEmpty()) {
            return condition(cluster, EXPORTS_APPLIED, "False", REASON_EXPORT_REFUSED, describeRefusals(refusals));
        }
        List<String> behind = health.exportsBehind(generation);
        if (!behind.isEmpty()) {
            return condition(cluster, EXPORTS_APPLIED, "False", REASON_APPLYING_EXPORTS, bounded("The exports of "
                    + "generation " + generation + " are not served yet on " + String.join(", ", behind) + "."));
        }
        return condition(cluster, EXPORTS_APPLIED, "True", REASON_EXPORTS_SERVED, "Every member serves the " + count
                + " export" + (count == 1 ? "" : "s") + " of generation " + generation + ".");
    }

    /**
     * Whether every member's ganesha.nfsd runs with the cluster's NFSV4 settings: the spec's when it
     * sets {@code ganesha.nfsv4}, else one set for all (Grace_Period and Lease_Lifetime; the scope
     * has Degraded's ServerScopeDiffers).
     */
    private Condition nfsv4(GaneshaCluster cluster, ClusterHealth health) {
        List<ClusterHealth.Nfsv4Observed> observed = health.nfsv4Settings();
        var spec = cluster.getSpec().getGanesha() == null ? null : cluster.getSpec().getGanesha().getNfsv4();
        if (spec == null) {
            var differ = observed.stream().map(o -> o.gracePeriodSeconds() + "/" + o.leaseLifetimeSeconds())
                    .distinct().count() > 1;
            String each = observed.stream().map(o -> o.node() + ": " + o.describe()).collect(Collectors.joining("; "));
            if (differ) {
                return condition(cluster, NFSV4_SETTINGS, "False", REASON_NFSV4_DIFFERS, bounded("The members' "
                        + "ganesha.conf set different NFSV4 grace periods or leases (" + each + "): a client that moves "
                        + "to a node with a shorter grace may not get to reclaim. Set spec.ganesha.nfsv4 to have the "
                        + "node agents write one block for every node."));
            }
            return condition(cluster, NFSV4_SETTINGS, "True", REASON_NFSV4_NOT_MANAGED, bounded("spec.ganesha.nfsv4 "
                    + "is unset: each node's ganesha.conf sets its own NFSV4 settings"
                    + (each.isEmpty() ? "." : " (" + each + ").")));
        }
        String scope = spec.serverScopeOrDefault(cluster.getMetadata().getName());
        var wanted = new ClusterHealth.Nfsv4Observed("", scope, spec.gracePeriodOrDefault(),
                spec.leaseLifetimeOrDefault(), false);
        List<String> elsewhere = observed.stream().filter(o -> o.gracePeriodSeconds() != wanted.gracePeriodSeconds()
                || o.leaseLifetimeSeconds() != wanted.leaseLifetimeSeconds() || !o.serverScope().equals(scope))
                .map(o -> o.node() + " (" + o.describe() + ")").toList();
        if (!elsewhere.isEmpty()) {
            return condition(cluster, NFSV4_SETTINGS, "False", REASON_NFSV4_NOT_IN_GANESHA_CONF, bounded("ganesha.conf "
                    + "does not resolve to the cluster's NFSV4 block (" + wanted.describe() + ") on "
                    + String.join(", ", elsewhere) + ": %include \"" + cluster.getSpec().getGanesha().getExportsFile()
                    .replaceAll("[^/]*$", "") + io.ganeshaha.api.agent.AgentSettings.NFSV4_FILE_NAME
                    + "\" after any NFSV4 block of its own (ganesha keeps the last one, whole)."));
        }
        List<String> pending = observed.stream().filter(ClusterHealth.Nfsv4Observed::restartPending)
                .map(ClusterHealth.Nfsv4Observed::node).toList();
        if (!pending.isEmpty()) {
            return condition(cluster, NFSV4_SETTINGS, "False", REASON_NFSV4_RESTART_PENDING, bounded("ganesha.nfsd on "
                    + String.join(", ", pending) + " started before its NFSV4 settings became " + wanted.describe()
                    + ": ganesha reads them only at start. Restart nfsd one node at a time (each restart is a "
                    + "failover for that node's clients), waiting for each node to serve again."));
        }
        List<String> silent = health.nfsv4NotReported();
        if (!silent.isEmpty()) {
            return condition(cluster, NFSV4_SETTINGS, "Unknown", REASON_NFSV4_NOT_REPORTED, bounded("No fresh report of "
                    + "the NFSV4 settings from " + String.join(", ", silent) + "."));
        }
        return condition(cluster, NFSV4_SETTINGS, "True", REASON_NFSV4_IN_EFFECT, "Every member's ganesha.nfsd runs "
                + "with " + wanted.describe() + ".");
    }

    /** Refusals in ganesha's words; bounded, as a condition's message is. */
    private static String describeRefusals(List<String> refusals) {
        return bounded("ganesha.nfsd refused exports, which are served as they were before (or not at all if new): "
                + String.join(" | ", refusals));
    }

    private static String bounded(String text) {
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE - 1) + "…" : text;
    }

    /** Kept well under the API's 32768 characters for a condition's message. */
    private static final int MAX_MESSAGE = 4000;

    private static String describeFailed(GaneshaCluster cluster, ClusterHealth health) {
        List<String> parts = new ArrayList<>();
        for (var s : health.nodeStatuses()) {
            if (health.failed().contains(s.getName())) {
                parts.add(s.getName() + " (nfsd " + s.getNfsd() + ", ganesha-active "
                        + (Boolean.TRUE.equals(s.getGaneshaActive()) ? "set" : "unset") + ")");
            }
        }
        return String.join(", ", parts);
    }

    /**
     * The spec cannot be applied as written: nothing was created or changed, and what ran before
     * keeps running. {@code reason} names the problem, {@code message} the field.
     */
    public GaneshaClusterStatus invalidSpec(GaneshaCluster cluster, String reason, String message) {
        return next(cluster, List.of(
                condition(cluster, READY, "False", REASON_INVALID_SPEC,
                        "The spec was not applied; the previous configuration, if any, is unchanged."),
                condition(cluster, DEGRADED, "True", reason, message),
                condition(cluster, PROGRESSING, "False", REASON_INVALID_SPEC,
                        "Nothing is rolled out until the spec is fixed.")));
    }

    /**
     * A dependent could not be reconciled (API error): JOSDK retries with back-off. The service is
     * as it was, so {@code Ready} and the observed generation stay; {@code Degraded} says why the
     * spec is not (fully) applied.
     */
    public GaneshaClusterStatus failed(GaneshaCluster cluster, Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        GaneshaClusterStatus status = next(cluster, List.of(
                condition(cluster, DEGRADED, "True", REASON_RECONCILE_FAILED, message)));
        status.setObservedGeneration(cluster.getStatus() == null ? null : cluster.getStatus().getObservedGeneration());
        return status;
    }

    /** The new status: these conditions, the others and the node entries carried over. */
    private GaneshaClusterStatus next(GaneshaCluster cluster, List<Condition> conditions) {
        GaneshaClusterStatus previous = cluster.getStatus();
        GaneshaClusterStatus status = new GaneshaClusterStatus();
        status.setObservedGeneration(cluster.getMetadata().getGeneration());
        Map<String, Condition> merged = new LinkedHashMap<>();
        if (previous != null) {
            status.setNodes(previous.getNodes());
            status.setReadyNodes(previous.getReadyNodes());
            status.setVirtualIpPlacement(previous.getVirtualIpPlacement());
            status.setLastFailover(previous.getLastFailover());
            status.setPacemakerConfiguration(previous.getPacemakerConfiguration());
            status.setExportsApplied(previous.getExportsApplied());
            status.setExportsConfiguration(previous.getExportsConfiguration());
            if (previous.getConditions() != null) {
                previous.getConditions().forEach(c -> merged.put(c.getType(), c));
            }
        }
        for (Condition c : conditions) {
            Condition old = merged.get(c.getType());
            if (old != null && Objects.equals(old.getStatus(), c.getStatus()) && old.getLastTransitionTime() != null) {
                c.setLastTransitionTime(old.getLastTransitionTime());
            }
            merged.put(c.getType(), c);
        }
        status.setConditions(new ArrayList<>(merged.values()));
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

    public static Condition find(GaneshaClusterStatus status, String type) {
        if (status == null || status.getConditions() == null) {
            return null;
        }
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }
}
