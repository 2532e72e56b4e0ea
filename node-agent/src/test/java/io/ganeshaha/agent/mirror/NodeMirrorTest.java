package io.ganeshaha.agent.mirror;

import io.ganeshaha.agent.ganeshaconf.Nfsv4Settings;
import io.ganeshaha.agent.ganeshaconf.Nfsv4Watch;
import io.ganeshaha.agent.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.ganeshaha.agent.failover.FailoverTimeline;
import io.ganeshaha.agent.pacemaker.Fencing;
import io.ganeshaha.agent.watch.NfsdHealth;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpec;
import io.ganeshaha.api.v1alpha1.GaneshaNode;
import io.ganeshaha.api.v1alpha1.NodeObservation;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The mirror against Fabric8's mock API server in CRUD mode, with the real CRDs registered. */
class NodeMirrorTest {

    static final String NS = "storage";
    static final Duration HEARTBEAT = Duration.ofSeconds(30);

    KubernetesMockServer server;
    KubernetesClient client;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    AtomicReference<NodeReport> report = new AtomicReference<>(serving());
    NodeMirror mirror;

    static NodeReport serving() {
        return new NodeReport(NfsdHealth.SERVING, "on", true, true, Optional.of(false), List.of("192.0.2.11"), true,
                Optional.empty(), Optional.of(3L), Fencing.ENABLED, Optional.empty(), Optional.of(new Nfsv4Watch.Report(
                        new Nfsv4Settings("nfs-cluster", 90, 60), false)));
    }

    @BeforeEach
    void startServer() {
        server = apiServer(null);
        // As the agent's own client: no retry loop inside a call.
        client = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
        registerCrds();
        mirror = new NodeMirror(client, new NodeMirror.Identity(NS, "nfs", "node-a", () -> Optional.of("nfs-a.example")),
                report::get, HEARTBEAT, clock);
    }

    /** Fabric8's mock in CRUD mode, on {@code port} when given (an API server back at its address). */
    static KubernetesMockServer apiServer(Integer port) {
        KubernetesMockServer mock = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        if (port == null) {
            mock.init();
        } else {
            mock.init(java.net.InetAddress.getLoopbackAddress(), port);
        }
        return mock;
    }

    /** The project's CRDs: the mock honours the status subresource only for registered ones. */
    void registerCrds() {
        for (String crd : List.of("ganeshaclusters.ganeshaha.io-v1.yml", "ganeshanodes.ganeshaha.io-v1.yml")) {
            client.apiextensions().v1().customResourceDefinitions()
                    .load(Path.of("../crds").resolve(crd).toFile()).create();
        }
    }

    @AfterEach
    void stopServer() {
        client.close();
        server.destroy();
    }

    GaneshaCluster createCluster() {
        GaneshaCluster cluster = new GaneshaCluster();
        cluster.getMetadata().setName("nfs");
        cluster.getMetadata().setNamespace(NS);
        cluster.setSpec(new GaneshaClusterSpec());
        return client.resource(cluster).create();
    }

    GaneshaNode node() {
        return client.resources(GaneshaNode.class).inNamespace(NS).withName("nfs-node-a").get();
    }

    @Test
    void waitsForItsClusterThenCreatesItsNodeOwnedAndLabelled() {
        mirror.run();
        assertThat(node()).as("no GaneshaNode before its GaneshaCluster exists").isNull();
        assertThat(mirror.state()).startsWith("failing: GaneshaCluster storage/nfs does not exist");

        GaneshaCluster cluster = createCluster();
        mirror.run();
        GaneshaNode node = node();
        assertThat(node).isNotNull();
        assertThat(node.getMetadata().getLabels()).containsEntry(GaneshaNode.CLUSTER_LABEL, "nfs");
        assertThat(node.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("GaneshaCluster");
            assertThat(o.getUid()).isEqualTo(cluster.getMetadata().getUid());
        });
        assertThat(node.getSpec().getPacemakerName()).isEqualTo("nfs-a.example");
        NodeObservation status = node.getStatus();
        assertThat(status.getNfsd()).isEqualTo("SERVING");
        assertThat(status.getHangDetection()).as("hang detection is reported").isEqualTo("on");
        assertThat(status.getGaneshaActive()).isTrue();
        assertThat(status.getGraceActive()).isTrue();
        assertThat(status.getInGrace()).isFalse();
        assertThat(status.getVirtualIps()).containsExactly("192.0.2.11");
        assertThat(status.getLastSeen()).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(status.getPacemakerConfigGeneration()).isEqualTo(3L);
        assertThat(status.getFencing()).isEqualTo("Enabled");
        assertThat(mirror.state()).isEqualTo("written at 2026-11-25T10:00:00Z");
    }

    @Test
    void writesOnlyOnChangeOrHeartbeat() {
        createCluster();
        mirror.run();
        String version = node().getMetadata().getResourceVersion();

        clock.advance(Duration.ofSeconds(10));
        mirror.run();
        assertThat(node().getMetadata().getResourceVersion()).as("nothing changed, no heartbeat due").isEqualTo(version);

        clock.advance(HEARTBEAT);
        mirror.run();
        GaneshaNode beat = node();
        assertThat(beat.getMetadata().getResourceVersion()).as("heartbeat").isNotEqualTo(version);
        assertThat(beat.getStatus().getLastSeen()).isEqualTo("2026-11-25T10:00:40Z");

        clock.advance(Duration.ofSeconds(1));
        Instant died = clock.instant();
        report.set(new NodeReport(NfsdHealth.DOWN, "on", false, false, Optional.empty(), List.of(), true,
                Optional.of(new FailoverTimeline("failover", "42", died, died.plusMillis(5), Set.of("nfs-b", "nfs-c"),
                        Set.of("nfs-b"), Optional.empty(), Optional.of(died.plusSeconds(5)))), Optional.of(3L),
                Fencing.DISABLED, Optional.empty(), Optional.empty()));
        mirror.run();
        NodeObservation status = node().getStatus();
        assertThat(status.getNfsd()).isEqualTo("DOWN");
        assertThat(status.getGaneshaActive()).isFalse();
        assertThat(status.getInGrace()).as("unknown is left out").isNull();
        assertThat(status.getVirtualIps()).isEmpty();
        assertThat(status.getLastFailover().getNode()).isEqualTo("nfs-a.example");
        assertThat(status.getLastFailover().getSurvivors()).containsExactly("nfs-b", "nfs-c");
        assertThat(status.getLastFailover().getAcknowledged()).containsExactly("nfs-b");
        assertThat(status.getLastFailover().getAcknowledgementsComplete()).as("grace_delay ran out").isNull();
        assertThat(status.getLastFailover().getGaneshaActiveChanged()).isEqualTo("2026-11-25T10:00:46Z");
        assertThat(status.getFencing()).as("stonith-enabled=false, as the lab has it").isEqualTo("Disabled");
    }

    @Test
    void anUnreachableApiServerIsABoundedLoggedFailureAndTheStateIsWrittenOnceItAnswers() {
        createCluster();
        int port = server.getPort();
        server.destroy();
        mirror.run();
        assertThat(mirror.state()).startsWith("failing:");

        // The same address answers again (an API server back from a restart), with the CRDs and cluster.
        server = apiServer(port);
        registerCrds();
        createCluster();
        report.set(new NodeReport(NfsdHealth.HUNG, "on", true, false, Optional.empty(), List.of("192.0.2.11"), true,
                Optional.empty(), Optional.empty(), Fencing.UNKNOWN, Optional.empty(), Optional.empty()));
        mirror.run();
        assertThat(node().getStatus().getNfsd()).isEqualTo("HUNG");
        assertThat(node().getStatus().getFencing()).isEqualTo("Unknown");
        assertThat(mirror.state()).startsWith("written at");
    }

    @Test
    void theExportsAreReportedWithGaneshasRefusalsAndAChangeIsWrittenAtOnce() {
        createCluster();
        mirror.run();
        String version = node().getMetadata().getResourceVersion();
        assertThat(node().getStatus().getExports()).isNull();

        java.util.TreeMap<Integer, String> refused = new java.util.TreeMap<>(java.util.Map.of(4,
                "AddExport(...) failed: D-Bus error org.freedesktop.DBus.Error.InvalidFileContent: 0 export entries"));
        report.set(new NodeReport(NfsdHealth.SERVING, "on", true, true, Optional.of(false), List.of("192.0.2.11"), true,
                Optional.empty(), Optional.of(3L), Fencing.ENABLED, Optional.of(new io.ganeshaha.agent.exports.ExportsReport(
                        Optional.of(6L), Optional.of(7L), 2, refused, Optional.empty())), Optional.of(new Nfsv4Watch.Report(
                        new Nfsv4Settings("(none)", 40, 20), true))));
        mirror.run();

        assertThat(node().getMetadata().getResourceVersion()).as("written at once, not at the heartbeat")
                .isNotEqualTo(version);
        io.ganeshaha.api.v1alpha1.NodeExports exports = node().getStatus().getExports();
        assertThat(exports.getAppliedGeneration()).isEqualTo(6L);
        assertThat(exports.getDesiredGeneration()).isEqualTo(7L);
        assertThat(exports.getServed()).isEqualTo(2);
        assertThat(exports.getRefused()).singleElement().satisfies(r -> {
            assertThat(r.getExportId()).isEqualTo(4);
            assertThat(r.getMessage()).isEqualTo(refused.get(4));
        });
        assertThat(exports.getPending()).isNull();
        assertThat(node().getStatus().getServerScope()).isEqualTo("(none)");
        assertThat(node().getStatus().getGracePeriodSeconds()).isEqualTo(40);
        assertThat(node().getStatus().getLeaseLifetimeSeconds()).isEqualTo(20);
        assertThat(node().getStatus().getNfsv4RestartPending()).isTrue();
    }

    @Test
    void anotherClustersReportUnderTheSameNameIsNeverOverwritten() {
        createCluster();
        // Cluster "nfs" node "node-a" and cluster "nfs-node" node "a" share the name "nfs-node-a".
        GaneshaNode other = new GaneshaNode();
        other.getMetadata().setName("nfs-node-a");
        other.getMetadata().setNamespace(NS);
        io.ganeshaha.api.v1alpha1.GaneshaNodeSpec spec = new io.ganeshaha.api.v1alpha1.GaneshaNodeSpec();
        spec.setCluster("nfs-node");
        spec.setNodeName("a");
        other.setSpec(spec);
        client.resource(other).create();
        mirror.run();
        assertThat(mirror.state()).startsWith("failing: GaneshaNode storage/nfs-node-a belongs to cluster nfs-node, node a");
        assertThat(node().getStatus()).isNull();
    }

    @Test
    void aFailingReportSourceDoesNotStopTheMirror() {
        createCluster();
        report.set(null);
        mirror.run();
        assertThat(mirror.state()).startsWith("failing:");
        report.set(serving());
        mirror.run();
        assertThat(node().getStatus().getNfsd()).isEqualTo("SERVING");
    }
}
