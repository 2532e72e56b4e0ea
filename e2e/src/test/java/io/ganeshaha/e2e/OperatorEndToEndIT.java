package io.ganeshaha.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ganeshaha.agent.testing.AgentProcess;
import io.ganeshaha.agent.testing.ClusterView;
import io.ganeshaha.agent.testing.KubernetesApi;
import io.ganeshaha.agent.testing.Lab;
import io.ganeshaha.agent.testing.NodeProbe;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpec;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.api.v1alpha1.VirtualIpSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole path, on real components: a GaneshaCluster is created; the operator (its packaged jar)
 * renders the configuration; two lab nodes run Corosync, Pacemaker, ganesha.nfsd and the node agent
 * with the agent.properties the operator rendered and the Pacemaker resources and constraints from
 * its ConfigMap; nfsd is killed on one node, Pacemaker moves its VIP once the survivor is in grace,
 * the agents report it in their GaneshaNodes, and the operator shows it in the GaneshaCluster's
 * conditions, VIP placement, last failover and events. The API server is Fabric8's CRUD mock; there
 * is no kubelet, so the agents run as lab processes and the DaemonSet's status is written here.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorEndToEndIT {

    static final String N1 = "nfs-1.lab.example";
    static final String N2 = "nfs-2.lab.example";
    static final String K1 = "node-1";
    static final String K2 = "node-2";
    static final String VIP1 = "198.18.0.101";
    static final String VIP2 = "198.18.0.102";
    static final String NAMESPACE = "lab";
    static final String NAME = "nfs";
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    static Path work;
    static Lab lab;
    static KubernetesApi api;
    static KubernetesClient client;
    static OperatorProcess operator;
    static AgentProcess agent1;
    static AgentProcess agent2;
    static NodeProbe probe1;
    static NodeProbe probe2;

    @BeforeAll
    static void start() throws Exception {
        work = Path.of("target/it-operator").toAbsolutePath();
        Files.createDirectories(work);
        lab = Lab.up(work.resolve("lab"), List.of(N1, N2));
        try {
            api = new KubernetesApi(lab, work);
            client = api.client();
            for (String node : List.of(K1, K2)) {
                client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build()).create();
            }
            api.connect(N1);
            api.connect(N2);
            operator = new OperatorProcess(api.hostUrl(), work.resolve("operator.log"), List.of()).start();
            probe1 = new NodeProbe(lab, N1);
            probe2 = new NodeProbe(lab, N2);
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {probe1, probe2, agent1, agent2, operator, api}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // the lab's teardown below ends whatever is left
            }
        }
        if (lab != null) {
            lab.close();
        }
    }

    static GaneshaCluster ganeshaCluster() {
        GaneshaCluster c = new GaneshaCluster();
        c.getMetadata().setName(NAME);
        c.getMetadata().setNamespace(NAMESPACE);
        GaneshaClusterSpec spec = new GaneshaClusterSpec();
        spec.setNodes(List.of(member(K1, N1, VIP1), member(K2, N2, VIP2)));
        spec.setGraceDelaySeconds(10);
        spec.setHaVolMnt("/var/run/gluster/shared_storage");
        c.setSpec(spec);
        return c;
    }

    static MemberNode member(String name, String pacemakerName, String vip) {
        MemberNode m = new MemberNode();
        m.setName(name);
        m.setPacemakerName(pacemakerName);
        VirtualIpSpec v = new VirtualIpSpec();
        v.setAddress(vip);
        v.setPrefixLength(24);
        v.setNetworkInterface("eth0");
        m.setVirtualIps(new ArrayList<>(List.of(v)));
        return m;
    }

    static GaneshaCluster cluster() {
        return client.resources(GaneshaCluster.class).inNamespace(NAMESPACE).withName(NAME).get();
    }

    static Condition condition(String type) {
        GaneshaCluster c = cluster();
        if (c == null || c.getStatus() == null) {
            return null;
        }
        return c.getStatus().getConditions().stream().filter(x -> type.equals(x.getType())).findFirst().orElse(null);
    }

    static String conditionStatus(String type) {
        Condition c = condition(type);
        return c == null ? null : c.getStatus() + "/" + c.getReason();
    }

    static List<Event> events() {
        return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> NAME.equals(e.getInvolvedObject().getName())).toList();
    }

    /** The agent as the DaemonSet's pod runs it: the rendered agent.properties, the downward API's values. */
    static AgentProcess agent(String node, String kubernetesName, String rendered) {
        // The lab mounts the source tree, read-only, as the provider directory: the agent installs
        // into a directory of the test's instead, and the test checks what arrives there.
        String ocfLine = "ganesha-ha.agent.ocf-provider-dir=" + GaneshaClusterSpec.DEFAULT_OCF_PROVIDER_DIR;
        assertThat(rendered).contains(ocfLine);
        Path properties;
        try {
            properties = Files.writeString(work.resolve("agent-" + kubernetesName + ".properties"), rendered.replace(
                    ocfLine, "ganesha-ha.agent.ocf-provider-dir=" + work.resolve("ocf-" + kubernetesName)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> settings = new ArrayList<>(KubernetesApi.apiSettings());
        settings.add("quarkus.config.locations=" + properties);
        settings.add("ganesha-ha.agent.kubernetes.namespace=" + NAMESPACE);
        settings.add("ganesha-ha.agent.kubernetes.node-name=" + kubernetesName);
        settings.add("ganesha-ha.agent.kubernetes.poll-interval=200ms");
        return new AgentProcess(lab, node, work.resolve("agent-" + kubernetesName + ".log"), settings).start();
    }

    @Test
    @Order(1)
    void aNewGaneshaClusterComesUpReadyWithEachVipAtHome() throws Exception {
        client.resource(ganeshaCluster()).create();

        // The operator renders the configuration; the agents and Pacemaker are given exactly that.
        await().atMost(TIMEOUT).until(() -> client.configMaps().inNamespace(NAMESPACE).withName(NAME + "-ha-config").get() != null);
        ConfigMap config = client.configMaps().inNamespace(NAMESPACE).withName(NAME + "-ha-config").get();
        agent1 = agent(N1, K1, config.getData().get("agent.properties"));
        agent2 = agent(N2, K2, config.getData().get("agent.properties"));
        ClusterView pacemaker = new ClusterView(lab, N1);
        pacemaker.replaceSection("resources", config.getData().get("resources.xml"));
        pacemaker.replaceSection("constraints", config.getData().get("constraints.xml"));

        // No kubelet: what the DaemonSet controller would report once both agent pods are ready.
        await().atMost(TIMEOUT).until(() -> client.apps().daemonSets().inNamespace(NAMESPACE)
                .withName(NAME + "-node-agent").get() != null);
        var ds = client.apps().daemonSets().inNamespace(NAMESPACE).withName(NAME + "-node-agent").get();
        ds.setStatus(new io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder().withDesiredNumberScheduled(2)
                .withUpdatedNumberScheduled(2).withNumberReady(2).withObservedGeneration(ds.getMetadata().getGeneration())
                .build());
        client.apps().daemonSets().inNamespace(NAMESPACE).resource(ds).updateStatus();

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(conditionStatus("Ready")).isEqualTo("True/AllVirtualIpsServed");
            assertThat(conditionStatus("Degraded")).isEqualTo("False/AsSpecified");
            assertThat(conditionStatus("Progressing")).isEqualTo("False/AgentsUpToDate");
            assertThat(conditionStatus("FailoverInProgress")).isEqualTo("False/NoFailover");
            assertThat(cluster().getStatus().getReadyNodes()).isEqualTo("2/2");
            assertThat(cluster().getStatus().getVirtualIpPlacement()).isEqualTo(VIP1 + "=" + K1 + "," + VIP2 + "=" + K2);
        });
        assertThat(probe1.holds(VIP1)).isTrue();
        assertThat(probe2.holds(VIP2)).isTrue();
        // The agent installed the entry points it serves.
        assertThat(work.resolve("ocf-" + K1 + "/ganesha_mon")).isExecutable()
                .hasSameTextualContentAs(io.ganeshaha.agent.testing.ProjectPaths.ocfDir().resolve("ganesha_mon"));
    }

    @Test
    @Order(2)
    void nfsdDyingShowsAsAFailoverInTheClusterStatusAndEvents() {
        long killed = System.nanoTime();
        lab.ganesha(N1, "kill");
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> probe2.holds(VIP1));
        long vipMoved = System.nanoTime();
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(conditionStatus("FailoverInProgress")).isEqualTo("False/FailedOver");
            assertThat(cluster().getStatus().getVirtualIpPlacement()).isEqualTo(VIP1 + "=" + K2 + "," + VIP2 + "=" + K2);
        });
        long statusShown = System.nanoTime();
        System.out.printf("end to end, kill -9 of nfsd on %s: VIP on the survivor after %d ms, "
                + "GaneshaCluster status FailedOver after %d ms%n", N1, (vipMoved - killed) / 1_000_000,
                (statusShown - killed) / 1_000_000);

        GaneshaCluster c = cluster();
        assertThat(conditionStatus("Ready")).as("every VIP is served, by the survivor").isEqualTo("True/AllVirtualIpsServed");
        assertThat(conditionStatus("Degraded")).isEqualTo("True/NodeFailed");
        assertThat(condition("Degraded").getMessage()).contains(K1 + " (nfsd DOWN");
        assertThat(c.getStatus().getReadyNodes()).isEqualTo("1/2");
        var last = c.getStatus().getLastFailover();
        assertThat(last.getNode()).isEqualTo(N1);
        assertThat(last.getDirection()).isEqualTo("failover");
        assertThat(last.getAcknowledged()).as("the survivor was in grace before the VIP moved").containsExactly(N2);
        assertThat(last.getAcknowledgementsComplete()).isNotNull();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events()).extracting(Event::getReason)
                .contains("NodeFailed", "Failover"));
        assertThat(events()).filteredOn(e -> e.getReason().equals("Failover")).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("in grace: [" + N2 + "] of [" + N2 + "] (all by"));
    }

    @Test
    @Order(3)
    void nfsdBackHomeRecoversAndTheOperatorCatchesUpAfterARestart() {
        // The operator is lost meanwhile: Pacemaker and the agents fail back without it.
        operator.kill();
        lab.ganesha(N1, "start");
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> probe1.holds(VIP1));
        assertThat(conditionStatus("Degraded")).as("nobody updated the cluster status").isEqualTo("True/NodeFailed");

        operator = new OperatorProcess(api.hostUrl(), work.resolve("operator.log"), List.of()).start();
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(conditionStatus("Degraded")).isEqualTo("False/AsSpecified");
            assertThat(conditionStatus("Ready")).isEqualTo("True/AllVirtualIpsServed");
            assertThat(cluster().getStatus().getVirtualIpPlacement()).isEqualTo(VIP1 + "=" + K1 + "," + VIP2 + "=" + K2);
            assertThat(cluster().getStatus().getLastFailover().getDirection()).isEqualTo("failback");
        });
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events()).extracting(Event::getReason).contains("Recovered"));
    }
}
