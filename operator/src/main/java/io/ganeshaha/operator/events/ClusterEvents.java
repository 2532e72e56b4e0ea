package io.ganeshaha.operator.events;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.ganeshaha.api.v1alpha1.FailoverRecord;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterStatus;
import io.ganeshaha.api.v1alpha1.NodeStatus;
import io.ganeshaha.operator.status.ClusterHealth;
import io.ganeshaha.operator.status.StatusAggregator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Kubernetes events on a GaneshaCluster, for {@code kubectl describe}: one per change that someone
 * on call wants in the timeline (a failover starting and ending, a node failing or recovering, a
 * spec rejected, fencing found off or on again), never one per reconciliation. What changed is decided from the old and the new
 * status alone; a failure to record an event is logged and does not fail the reconciliation.
 */
public final class ClusterEvents {

    private static final Logger LOG = Logger.getLogger(ClusterEvents.class);
    public static final String COMPONENT = "ganesha-ha-operator";

    /** An event to record: Normal or Warning, a CamelCase reason, a sentence. */
    public record Change(String type, String reason, String message) {}

    private final KubernetesClient client;

    public ClusterEvents(KubernetesClient client) {
        this.client = client;
    }

    /** The changes between two statuses worth an event. Pure. */
    public static List<Change> changes(GaneshaClusterStatus before, GaneshaClusterStatus after) {
        List<Change> out = new ArrayList<>();
        Condition failoverBefore = StatusAggregator.find(before, StatusAggregator.FAILOVER_IN_PROGRESS);
        Condition failoverAfter = StatusAggregator.find(after, StatusAggregator.FAILOVER_IN_PROGRESS);
        if (isTrue(failoverAfter) && !isTrue(failoverBefore)) {
            out.add(new Change("Warning", "FailoverStarted", failoverAfter.getMessage()));
        } else if (isTrue(failoverBefore) && failoverAfter != null && !isTrue(failoverAfter)) {
            out.add(new Change("Normal", "FailoverFinished", failoverAfter.getMessage()));
        }

        Condition degradedBefore = StatusAggregator.find(before, StatusAggregator.DEGRADED);
        Condition degradedAfter = StatusAggregator.find(after, StatusAggregator.DEGRADED);
        // A failed node is an event of its own, below, so a second node failing is one too.
        if (isTrue(degradedAfter) && !StatusAggregator.REASON_NODE_FAILED.equals(degradedAfter.getReason())
                && (!isTrue(degradedBefore) || !Objects.equals(degradedBefore.getReason(), degradedAfter.getReason()))) {
            out.add(new Change("Warning", degradedAfter.getReason(), degradedAfter.getMessage()));
        } else if (isTrue(degradedBefore) && degradedAfter != null && !isTrue(degradedAfter)) {
            out.add(new Change("Normal", "Recovered", degradedAfter.getMessage()));
        }

        Condition fencingBefore = StatusAggregator.find(before, StatusAggregator.FENCING);
        Condition fencingAfter = StatusAggregator.find(after, StatusAggregator.FENCING);
        if (is(fencingAfter, "False") && !is(fencingBefore, "False")) {
            out.add(new Change("Warning", fencingAfter.getReason(), fencingAfter.getMessage()));
        } else if (is(fencingBefore, "False") && is(fencingAfter, "True")) {
            out.add(new Change("Normal", fencingAfter.getReason(), fencingAfter.getMessage()));
        }

        Condition exportsBefore = StatusAggregator.find(before, StatusAggregator.EXPORTS_APPLIED);
        Condition exportsAfter = StatusAggregator.find(after, StatusAggregator.EXPORTS_APPLIED);
        // A refusal is Degraded's event (ExportRefused); the exports served everywhere are this one.
        if (isTrue(exportsAfter) && !isTrue(exportsBefore)) {
            out.add(new Change("Normal", exportsAfter.getType(), exportsAfter.getMessage()));
        }

        Map<String, NodeStatus> nodesBefore = byName(before);
        for (NodeStatus node : after == null || after.getNodes() == null ? List.<NodeStatus>of() : after.getNodes()) {
            boolean was = failed(nodesBefore.get(node.getName()));
            boolean is = failed(node);
            if (is && !was) {
                out.add(new Change("Warning", "NodeFailed", node.getName() + " (Pacemaker node " + node.getPacemakerName()
                        + "): nfsd " + node.getNfsd() + ", ganesha-active " + set(node.getGaneshaActive())
                        + ", grace-active " + set(node.getGraceActive()) + "."));
            } else if (was && !is) {
                out.add(new Change("Normal", "NodeRecovered", node.getName() + " (Pacemaker node "
                        + node.getPacemakerName() + ") serves NFS again."));
            }
        }

        FailoverRecord lastBefore = before == null ? null : before.getLastFailover();
        FailoverRecord lastAfter = after == null ? null : after.getLastFailover();
        // A node starting with no peer serving (the cluster's first start) hands nothing over: no event.
        boolean handover = lastAfter != null && (!"failback".equals(lastAfter.getDirection())
                || (lastAfter.getSurvivors() != null && !lastAfter.getSurvivors().isEmpty()));
        if (handover && (lastBefore == null || !Objects.equals(lastBefore.getEpoch(), lastAfter.getEpoch())
                || !Objects.equals(lastBefore.getNode(), lastAfter.getNode())
                || !Objects.equals(lastBefore.getGaneshaActiveChanged(), lastAfter.getGaneshaActiveChanged()))
                && lastAfter.getGaneshaActiveChanged() != null) {
            out.add(new Change(lastAfter.getAcknowledgementsComplete() == null ? "Warning" : "Normal",
                    "failback".equals(lastAfter.getDirection()) ? "Failback" : "Failover", describe(lastAfter)));
        }
        return out;
    }

    private static Map<String, NodeStatus> byName(GaneshaClusterStatus status) {
        Map<String, NodeStatus> out = new HashMap<>();
        if (status != null && status.getNodes() != null) {
            status.getNodes().forEach(n -> out.put(n.getName(), n));
        }
        return out;
    }

    /** What its agent reported says nfsd failed there (a node without a report has not failed yet). */
    private static boolean failed(NodeStatus node) {
        return node != null && node.getNfsd() != null && ClusterHealth.reportsFailure(node);
    }

    private static String set(Boolean attribute) {
        return Boolean.TRUE.equals(attribute) ? "set" : "unset";
    }

    /** One line: what the failing node's agent did, and whether every survivor was in grace first. */
    public static String describe(FailoverRecord r) {
        return r.getDirection() + " of " + r.getNode() + " detected at " + r.getDetected() + ": grace-active changed at "
                + r.getGraceActiveChanged() + ", in grace: " + r.getAcknowledged() + " of " + r.getSurvivors()
                + (r.getAcknowledgementsComplete() != null ? " (all by " + r.getAcknowledgementsComplete() + ")"
                        : " (grace_delay ran out first)")
                + ", ganesha-active changed at " + r.getGaneshaActiveChanged();
    }

    private static boolean isTrue(Condition c) {
        return is(c, "True");
    }

    private static boolean is(Condition c, String status) {
        return c != null && status.equals(c.getStatus());
    }

    public void record(GaneshaCluster cluster, List<Change> changes, Instant now) {
        for (Change change : changes) {
            String namespace = cluster.getMetadata().getNamespace();
            String stamp = now.truncatedTo(ChronoUnit.MICROS).toString();
            Event event = new EventBuilder()
                    .withNewMetadata()
                    .withName(cluster.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
                    .withNamespace(namespace)
                    .endMetadata()
                    .withNewInvolvedObject()
                    .withApiVersion(cluster.getApiVersion())
                    .withKind(cluster.getKind())
                    .withName(cluster.getMetadata().getName())
                    .withNamespace(namespace)
                    .withUid(cluster.getMetadata().getUid())
                    .endInvolvedObject()
                    .withType(change.type())
                    .withReason(change.reason())
                    .withMessage(change.message())
                    .withFirstTimestamp(stamp)
                    .withLastTimestamp(stamp)
                    .withCount(1)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .build();
            try {
                client.v1().events().inNamespace(namespace).resource(event).create();
            } catch (KubernetesClientException e) {
                LOG.warnf("GaneshaCluster %s/%s: cannot record event %s (%s): %s", namespace,
                        cluster.getMetadata().getName(), change.reason(), change.message(), e.getMessage());
            }
        }
    }
}
