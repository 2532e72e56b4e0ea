package io.ganeshaha.agent.mirror;

import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.ganeshaha.agent.exports.ExportsReport;
import io.ganeshaha.agent.failover.FailoverTimeline;
import io.ganeshaha.api.v1alpha1.ExportRefusal;
import io.ganeshaha.api.v1alpha1.FailoverRecord;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaNode;
import io.ganeshaha.api.v1alpha1.GaneshaNodeSpec;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpec;
import io.ganeshaha.api.v1alpha1.NodeExports;
import io.ganeshaha.api.v1alpha1.NodeObservation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Mirrors this node's state into its GaneshaNode object, of which this agent is the only writer.
 * It writes when the report changed, and otherwise once per heartbeat so the operator can tell a
 * silent agent from a quiet one. Kubernetes is a window, not a dependency: when the API server
 * cannot be reached the agent goes on serving Pacemaker, logs the failure (bounded by the client's
 * timeouts), and writes the then-current state once the API answers again.
 */
public final class NodeMirror implements Runnable {

    private static final Logger LOG = Logger.getLogger(NodeMirror.class);
    /** A failure that goes on is logged again at most this often. */
    private static final Duration REPEAT_LOG = Duration.ofSeconds(60);

    /** Who this agent speaks for. */
    public record Identity(String namespace, String cluster, String nodeName, Supplier<Optional<String>> pacemakerName) {
        String objectName() {
            return GaneshaNode.nameFor(cluster, nodeName);
        }
    }

    private final KubernetesClient client;
    private final Identity identity;
    private final Supplier<NodeReport> reports;
    private final Duration heartbeat;
    private final Clock clock;

    private NodeReport written;
    private Instant writtenAt = Instant.MIN;
    private String failure;
    private Instant failureLoggedAt = Instant.MIN;
    private volatile String state = "not written yet";

    public NodeMirror(KubernetesClient client, Identity identity, Supplier<NodeReport> reports, Duration heartbeat,
            Clock clock) {
        this.client = client;
        this.identity = identity;
        this.reports = reports;
        this.heartbeat = heartbeat;
        this.clock = clock;
    }

    /** One tick: write if something changed or a heartbeat is due. Never throws. */
    @Override
    public void run() {
        try {
            NodeReport report = reports.get();
            Instant now = clock.instant();
            if (!due(written, writtenAt, report, now, heartbeat)) {
                return;
            }
            write(report, now);
            if (failure != null) {
                LOG.infof("GaneshaNode %s/%s written again after: %s", identity.namespace(), identity.objectName(), failure);
                failure = null;
            }
            written = report;
            writtenAt = now;
            state = "written at " + now.truncatedTo(ChronoUnit.SECONDS);
        } catch (KubernetesClientException | MirrorException e) {
            failed(e.getMessage());
        } catch (RuntimeException e) {
            failed(e.toString());
        }
    }

    /** For the health endpoint: when the object was last written, or why it could not be. */
    public String state() {
        return state;
    }

    /** Write when the report differs from the last one written, or the heartbeat is due. */
    static boolean due(NodeReport written, Instant writtenAt, NodeReport report, Instant now, Duration heartbeat) {
        return !report.equals(written) || !now.isBefore(writtenAt.plus(heartbeat));
    }

    private void write(NodeReport report, Instant now) {
        MixedOperation<GaneshaNode, KubernetesResourceList<GaneshaNode>, Resource<GaneshaNode>> nodes =
                client.resources(GaneshaNode.class);
        Resource<GaneshaNode> resource = nodes.inNamespace(identity.namespace()).withName(identity.objectName());
        GaneshaNode current = resource.get();
        if (current != null && (current.getSpec() == null
                || !identity.cluster().equals(current.getSpec().getCluster())
                || !identity.nodeName().equals(current.getSpec().getNodeName()))) {
            // "<cluster>-<node>" is ambiguous ("a" + "b-c", "a-b" + "c"): never write another's report.
            throw new MirrorException("GaneshaNode " + identity.namespace() + "/" + identity.objectName()
                    + " belongs to cluster " + (current.getSpec() == null ? "?" : current.getSpec().getCluster())
                    + ", node " + (current.getSpec() == null ? "?" : current.getSpec().getNodeName())
                    + "; this agent reports cluster " + identity.cluster() + ", node " + identity.nodeName());
        }
        if (current == null) {
            current = nodes.inNamespace(identity.namespace()).resource(newNode()).create();
            LOG.infof("created GaneshaNode %s/%s for node %s", identity.namespace(), identity.objectName(),
                    identity.nodeName());
        }
        current.setStatus(observation(report, identity.pacemakerName().get().orElse(identity.nodeName()), now));
        nodes.inNamespace(identity.namespace()).resource(current).updateStatus();
    }

    private GaneshaNode newNode() {
        GaneshaCluster owner = client.resources(GaneshaCluster.class).inNamespace(identity.namespace())
                .withName(identity.cluster()).get();
        if (owner == null) {
            throw new MirrorException("GaneshaCluster " + identity.namespace() + "/" + identity.cluster()
                    + " does not exist; its GaneshaNode is created once it does");
        }
        GaneshaNode node = new GaneshaNode();
        node.getMetadata().setName(identity.objectName());
        node.getMetadata().setNamespace(identity.namespace());
        node.getMetadata().setLabels(Map.of(GaneshaNode.CLUSTER_LABEL, identity.cluster()));
        // Owned by the cluster, so deleting the GaneshaCluster deletes its nodes' reports.
        node.getMetadata().setOwnerReferences(new ArrayList<>(java.util.List.of(new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .build())));
        GaneshaNodeSpec spec = new GaneshaNodeSpec();
        spec.setCluster(identity.cluster());
        spec.setNodeName(identity.nodeName());
        spec.setPacemakerName(identity.pacemakerName().get().orElse(null));
        node.setSpec(spec);
        return node;
    }

    static NodeObservation observation(NodeReport report, String node, Instant now) {
        NodeObservation o = new NodeObservation();
        o.setNfsd(report.nfsd().name());
        o.setHangDetection(report.hangDetection());
        o.setGaneshaActive(report.ganeshaActive());
        o.setGraceActive(report.graceActive());
        o.setInGrace(report.inGrace().orElse(null));
        o.setVirtualIps(new ArrayList<>(report.virtualIps()));
        o.setAgentReady(report.agentReady());
        o.setLastSeen(now.truncatedTo(ChronoUnit.SECONDS).toString());
        o.setLastFailover(report.lastFailover().map(t -> record(node, t)).orElse(null));
        o.setPacemakerConfigGeneration(report.pacemakerConfigGeneration().orElse(null));
        o.setFencing(report.fencing().apiValue());
        o.setExports(report.exports().map(NodeMirror::exports).orElse(null));
        report.nfsv4().ifPresent(n -> {
            o.setServerScope(bounded(n.configured().serverScope(), NodeObservation.MAX_SERVER_SCOPE));
            o.setGracePeriodSeconds(n.configured().gracePeriodSeconds());
            o.setLeaseLifetimeSeconds(n.configured().leaseLifetimeSeconds());
            o.setNfsv4RestartPending(n.restartPending());
        });
        return o;
    }

    static NodeExports exports(ExportsReport report) {
        NodeExports e = new NodeExports();
        e.setAppliedGeneration(report.appliedGeneration().orElse(null));
        e.setDesiredGeneration(report.desiredGeneration().orElse(null));
        e.setServed(report.served());
        List<ExportRefusal> refused = new ArrayList<>();
        report.refused().forEach((id, message) -> refused.add(new ExportRefusal(id,
                bounded(message, ExportRefusal.MAX_MESSAGE))));
        e.setRefused(refused.size() > GaneshaClusterSpec.MAX_EXPORTS ? refused.subList(0, GaneshaClusterSpec.MAX_EXPORTS)
                : refused);
        e.setPending(report.pending().map(p -> bounded(p, NodeExports.MAX_PENDING)).orElse(null));
        return e;
    }

    /** {@code text}, cut to its field's schema bound. */
    private static String bounded(String text, int max) {
        return text.length() > max ? text.substring(0, max - 1) + "…" : text;
    }

    static FailoverRecord record(String node, FailoverTimeline t) {
        FailoverRecord r = new FailoverRecord();
        r.setNode(node);
        // The API's words: failover, failback.
        r.setDirection("fail-back".equals(t.direction()) ? "failback" : t.direction());
        r.setEpoch(t.epoch());
        r.setDetected(t.detected().toString());
        r.setGraceActiveChanged(t.graceAttributeChanged().toString());
        r.setSurvivors(t.survivors().stream().sorted().toList());
        r.setAcknowledged(t.acknowledged().stream().sorted().toList());
        r.setAcknowledgementsComplete(t.acksComplete().map(Instant::toString).orElse(null));
        r.setGaneshaActiveChanged(t.ganeshaAttributeChanged().map(Instant::toString).orElse(null));
        return r;
    }

    private void failed(String message) {
        Instant now = clock.instant();
        if (!Objects.equals(message, failure) || !now.isBefore(failureLoggedAt.plus(REPEAT_LOG))) {
            LOG.warnf("cannot write GaneshaNode %s/%s (retrying every tick; Pacemaker is served regardless): %s",
                    identity.namespace(), identity.objectName(), message);
            failureLoggedAt = now;
        }
        failure = message;
        state = "failing: " + message;
    }

    /** Something the API answered that the mirror cannot act on yet. */
    static final class MirrorException extends RuntimeException {
        MirrorException(String message) {
            super(message);
        }
    }
}
