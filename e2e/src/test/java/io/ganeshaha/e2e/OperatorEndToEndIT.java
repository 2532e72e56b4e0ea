package io.ganeshaha.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static io.ganeshaha.agent.testing.TwoNodeLab.K1;
import static io.ganeshaha.agent.testing.TwoNodeLab.K2;
import static io.ganeshaha.agent.testing.TwoNodeLab.N1;
import static io.ganeshaha.agent.testing.TwoNodeLab.N2;
import static io.ganeshaha.agent.testing.TwoNodeLab.NAMESPACE;
import static io.ganeshaha.agent.testing.TwoNodeLab.VIP1;
import static io.ganeshaha.agent.testing.TwoNodeLab.VIP2;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ganeshaha.agent.testing.AgentProcess;
import io.ganeshaha.agent.testing.ClusterView;
import io.ganeshaha.agent.testing.TwoNodeLab;
import io.ganeshaha.api.agent.HaConfigMap;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaSpec;
import io.ganeshaha.api.v1alpha1.VirtualIpSpecBuilder;
import io.ganeshaha.operator.Edits;
import java.nio.file.Path;
import java.time.Duration;
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
 * conditions, VIP placement, last failover and events; the agents also hold the rendered
 * no-quorum-policy and report that the lab runs without fencing; an export added to the spec is
 * served by both nodes' ganesha and a refused one degrades the cluster. The API server is Fabric8's CRUD
 * mock; there is no kubelet, so the agents run as lab processes and the DaemonSet's status is
 * written here.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorEndToEndIT {

    static final String VIP2B = "198.18.0.112";
    static final String NAME = TwoNodeLab.CLUSTER;
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    static TwoNodeLab two;
    static KubernetesClient client;
    static OperatorProcess operator;
    static AgentProcess agent1;
    static AgentProcess agent2;

    @BeforeAll
    static void start() throws Exception {
        two = TwoNodeLab.up(Path.of("target/it-operator").toAbsolutePath());
        client = two.api.client();
        try {
            operator = OperatorProcess.forLab(two);
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        if (two != null) {
            two.close();
        }
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

    static AgentPods pods() {
        return new AgentPods(two, NAMESPACE, NAME);
    }

    /** The agent as the DaemonSet's pod runs it (see {@link AgentPods}). */
    static AgentProcess agent(String node, String kubernetesName, ConfigMap config) {
        return pods().start(node, kubernetesName, config, GaneshaSpec.DEFAULT_PID_FILE);
    }

    static void project(String kubernetesName, ConfigMap config) {
        pods().project(kubernetesName, config);
    }

    static ConfigMap haConfig() {
        return client.configMaps().inNamespace(NAMESPACE).withName(NAME + "-ha-config").get();
    }

    @Test
    @Order(1)
    void aNewGaneshaClusterComesUpReadyWithEachVipAtHome() throws Exception {
        client.resource(TwoNodeLab.ganeshaCluster(10)).create();

        // The operator renders the configuration; the agents and Pacemaker are given exactly that.
        // The agents write the rendered resources and constraints into the CIB themselves.
        await().atMost(TIMEOUT).until(() -> haConfig() != null);
        ConfigMap config = haConfig();
        assertThat(config.getData().get("cib-generation")).endsWith("/1");
        agent1 = agent(N1, K1, config);
        agent2 = agent(N2, K2, config);

        // No kubelet: what the DaemonSet controller would report once both agent pods are ready.
        await().atMost(TIMEOUT).until(() -> client.apps().daemonSets().inNamespace(NAMESPACE)
                .withName(NAME + "-node-agent").get() != null);
        rolledOut();

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(conditionStatus("Ready")).isEqualTo("True/AllVirtualIpsServed");
            assertThat(conditionStatus("Degraded")).isEqualTo("False/AsSpecified");
            assertThat(conditionStatus("Progressing")).isEqualTo("False/AgentsUpToDate");
            assertThat(cluster().getStatus().getNodes()).extracting(n -> n.getPacemakerConfigGeneration())
                    .containsOnly(1L);
            assertThat(conditionStatus("FailoverInProgress")).isEqualTo("False/NoFailover");
            assertThat(cluster().getStatus().getReadyNodes()).isEqualTo("2/2");
            assertThat(cluster().getStatus().getVirtualIpPlacement()).isEqualTo(VIP1 + "=" + K1 + "," + VIP2 + "=" + K2);
        });
        assertThat(two.probe1.holds(VIP1)).isTrue();
        assertThat(two.probe2.holds(VIP2)).isTrue();
        // The agent installed the entry points it serves.
        assertThat(two.work.resolve("ocf-" + K1 + "/ganesha_mon")).isExecutable()
                .hasSameTextualContentAs(io.ganeshaha.agent.testing.ProjectPaths.ocfDir().resolve("ganesha_mon"));
    }

    @Test
    @Order(2)
    void nfsdDyingShowsAsAFailoverInTheClusterStatusAndEvents() {
        long killed = System.nanoTime();
        two.lab.ganesha(N1, "kill");
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> two.probe2.holds(VIP1));
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
        two.lab.ganesha(N1, "start");
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> two.probe1.holds(VIP1));
        assertThat(conditionStatus("Degraded")).as("nobody updated the cluster status").isEqualTo("True/NodeFailed");

        operator = two.own(new OperatorProcess(two.api.hostUrl(), two.work.resolve("operator.log"), List.of()).start());
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(conditionStatus("Degraded")).isEqualTo("False/AsSpecified");
            assertThat(conditionStatus("Ready")).isEqualTo("True/AllVirtualIpsServed");
            assertThat(cluster().getStatus().getVirtualIpPlacement()).isEqualTo(VIP1 + "=" + K1 + "," + VIP2 + "=" + K2);
            assertThat(cluster().getStatus().getLastFailover().getDirection()).isEqualTo("failback");
        });
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events()).extracting(Event::getReason).contains("Recovered"));
    }

    @Test
    @Order(4)
    void aNewVipInTheSpecReachesPacemakerWithoutRollingBackOnALaggingNode() {
        Edits.edit(client.resources(GaneshaCluster.class).inNamespace(NAMESPACE).withName(NAME), c -> {
            c.getSpec().getNodes().get(1).getVirtualIps().add(new VirtualIpSpecBuilder().withAddress(VIP2B)
                    .withPrefixLength(24).withNetworkInterface("eth0").build());
            return c;
        });
        await().atMost(TIMEOUT).until(() -> haConfig().getData().get("cib-generation").endsWith("/2"));
        // The agents' settings list the cluster's VIPs: the DaemonSet's template changed, it rolls.
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(conditionStatus("Progressing"))
                .isEqualTo("True/RollingOutAgents"));

        // The rollout replaces node-2's pod first; node-1's agent keeps its old ConfigMap copy.
        long changed = System.nanoTime();
        agent2.stop();
        agent2 = agent(N2, K2, haConfig());
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> two.probe2.holds(VIP2B));
        System.out.printf("end to end, a VIP added to the spec: up on %s %d ms after its agent pod was replaced (stop, start, CIB write, IPaddr2 start)%n", N2,
                (System.nanoTime() - changed) / 1_000_000);
        // node-1's agent still has generation 1 and keeps running its ticks: it must not roll back.
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> two.probe2.holds(VIP2B));
        assertThat(new ClusterView(two.lab, N1).startedOn(io.ganeshaha.cib.CibRenderer.vipId(N2, 2)))
                .containsExactly(N2);
        assertThat(two.lab.exec(N1, "cibadmin", "--query", "--xpath",
                "//crm_config//nvpair[@name='ganesha-ha-cib-generation']").orFail("cibadmin --query").stdout())
                .contains("/2\"");
        String health = two.lab.exec(N1, "sh", "-c",
                "printf 'GET /q/health/ready HTTP/1.0\\r\\n\\r\\n' | nc.openbsd -w 5 127.0.0.1 9746")
                .orFail("GET /q/health/ready").stdout();
        assertThat(health).as("node-1's agent sees a newer CIB and leaves it").contains("/2 (STALE_VIEW)");

        // The rollout finishes: node-1's agent too, and the DaemonSet controller says so.
        agent1.stop();
        agent1 = agent(N1, K1, haConfig());
        rolledOut();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(conditionStatus("Progressing")).isEqualTo("False/AgentsUpToDate");
            assertThat(cluster().getStatus().getVirtualIpPlacement()).contains(VIP2B + "=" + K2);
            assertThat(conditionStatus("Ready")).isEqualTo("True/AllVirtualIpsServed");
            assertThat(cluster().getStatus().getNodes()).extracting(n -> n.getPacemakerConfigGeneration())
                    .containsOnly(2L);
        });
    }

    @Test
    @Order(5)
    void theAgentsHoldTheRenderedQuorumPolicyPutAHandEditBackAndReportFencingOff() {
        // Two members: ganesha-ha.sh's ignore, rendered by the operator and converged by the agents.
        assertThat(haConfig().getData().get(HaConfigMap.CLUSTER_PROPERTIES)).contains("no-quorum-policy=ignore");
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(clusterProperty(N1, "no-quorum-policy")).isEqualTo("ignore");
            assertThat(clusterProperty(N2, "no-quorum-policy")).isEqualTo("ignore");
        });

        // Edited by hand: put back within a few ticks (the agents converge every second here).
        two.lab.exec(N1, "crm_attribute", "--type", "crm_config", "--name", "no-quorum-policy", "--update", "freeze")
                .orFail("crm_attribute --update no-quorum-policy=freeze");
        long edited = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(
                () -> assertThat(clusterProperty(N2, "no-quorum-policy")).isEqualTo("ignore"));
        System.out.printf("end to end, no-quorum-policy edited by hand: put back after %d ms%n",
                (System.nanoTime() - edited) / 1_000_000);
        assertThat(clusterProperty(N1, "stonith-enabled")).as("fencing is the administrator's: never written")
                .isEqualTo("false");

        // The lab runs without fencing: every agent reports it, and the cluster says what it means.
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(cluster().getStatus().getNodes()).extracting(n -> n.getFencing()).containsOnly("Disabled");
            assertThat(conditionStatus("Fencing")).isEqualTo("False/StonithDisabled");
        });
        assertThat(condition("Fencing").getMessage()).contains("takeover gate and NFS grace");
        assertThat(conditionStatus("Ready")).as("Ready means what it meant").isEqualTo("True/AllVirtualIpsServed");
        assertThat(events()).extracting(Event::getReason).contains("StonithDisabled");
    }

    @Test
    @Order(6)
    void anExportAddedToTheClusterIsServedByEveryNodeAndARefusedOneDegradesIt() {
        String shared = "/run/gluster/shared_storage/exports/";
        two.lab.exec(N1, "mkdir", "-p", shared + "e2e").orFail("mkdir " + shared + "e2e");
        long generation = editExports(exports -> exports.add(export(100, shared + "e2e", "/e2e")));
        long changed = System.nanoTime();
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> servesExport(N1, 100) && servesExport(N2, 100));
        long served = System.nanoTime();
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(conditionStatus("ExportsApplied")).isEqualTo("True/ExportsServed");
            assertThat(cluster().getStatus().getExportsApplied()).isEqualTo("2/2");
            assertThat(cluster().getStatus().getNodes()).extracting(n -> n.getExports().getAppliedGeneration())
                    .containsOnly(generation);
        });
        System.out.printf("end to end, an export added to the spec: served by both nodes %d ms after the ConfigMap "
                + "reached them, the GaneshaCluster said so %d ms after%n", (served - changed) / 1_000_000,
                (System.nanoTime() - served) / 1_000_000);
        assertThat(condition("ExportsApplied").getMessage()).isEqualTo("Every member serves the 1 export of generation "
                + generation + ".");
        assertThat(conditionStatus("Progressing")).as("an export change restarts no agent")
                .isEqualTo("False/AgentsUpToDate");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events()).extracting(Event::getReason)
                .contains("ExportsApplied"));
        assertThat(two.lab.exec(N2, "cat", "/etc/ganesha/ganesha-ha-exports.conf").orFail("cat exports file").stdout())
                .contains("Export_Id = 100;").contains("Path = \"" + shared + "e2e\";");

        // A path that does not exist: ganesha refuses it on both nodes, in its own words; 100 stays served.
        editExports(exports -> exports.add(export(101, shared + "missing", "/missing")));
        // Each node's refusal reaches the status when its agent reports it: the end state names both.
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(conditionStatus("ExportsApplied")).isEqualTo("False/ExportRefused");
            assertThat(conditionStatus("Degraded")).isEqualTo("True/ExportRefused");
            assertThat(condition("Degraded").getMessage()).contains(K1 + ": export 101: ").contains(K2 + ": export 101: ")
                    .contains("0 export entries in /etc/ganesha/ganesha-ha-exports.conf.d/export-101.conf added because");
        });
        assertThat(servesExport(N1, 100) && servesExport(N2, 100)).as("nothing else changed").isTrue();
        assertThat(servesExport(N1, 101) || servesExport(N2, 101)).isFalse();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events()).extracting(Event::getReason)
                .contains("ExportRefused"));

        // Taken out of the spec again: the cluster recovers.
        editExports(exports -> exports.removeIf(e -> e.getExportId() == 101));
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(conditionStatus("ExportsApplied")).isEqualTo("True/ExportsServed");
            assertThat(conditionStatus("Degraded")).isEqualTo("False/AsSpecified");
        });
    }

    @Test
    @Order(7)
    void aNodeWhoseNfsdWasDownServesTheExportsAddedMeanwhileBeforeItsVipComesHome() {
        String shared = "/run/gluster/shared_storage/exports/";
        two.lab.exec(N1, "mkdir", "-p", shared + "while-down").orFail("mkdir " + shared + "while-down");
        two.lab.ganesha(N1, "kill");
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> two.probe2.holds(VIP1));

        editExports(exports -> exports.add(export(102, shared + "while-down", "/while-down")));
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> servesExport(N2, 102));
        assertThat(two.lab.exec(N1, "cat", "/etc/ganesha/ganesha-ha-exports.conf").orFail("cat").stdout())
                .as("what nfs-1's ganesha will start with").doesNotContain("Export_Id = 102;");

        // nfsd starts again with the exports it had; its agent adds 102 before the fail-back begins.
        // Sampled from outside: the first moment nfs-1 serves 102, the first its VIP is home.
        long started = System.nanoTime();
        two.lab.ganesha(N1, "start");
        long[] served = {0};
        long[] home = {0};
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
            // The VIP first: a VIP home and the export served seen in one look count as the VIP first.
            if (home[0] == 0 && two.probe1.holds(VIP1)) {
                home[0] = System.nanoTime();
            }
            if (served[0] == 0 && servesExport(N1, 102)) {
                served[0] = System.nanoTime();
            }
            return served[0] != 0 && home[0] != 0;
        });
        System.out.printf("end to end, an export added while nfs-1's nfsd was down: served there %d ms after nfsd "
                + "started, its VIP home %d ms after%n", (served[0] - started) / 1_000_000, (home[0] - started) / 1_000_000);
        assertThat(served[0]).as("the export is served before the VIP comes home").isLessThan(home[0]);
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(conditionStatus("ExportsApplied")).isEqualTo("True/ExportsServed");
            assertThat(conditionStatus("Degraded")).isEqualTo("False/AsSpecified");
        });
    }

    @Test
    @Order(8)
    void aNodeWhoseGaneshaConfSetsAnotherServerScopeDegradesTheCluster() throws Exception {
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(cluster().getStatus().getNodes())
                .extracting(n -> n.getServerScope()).containsOnly("ganesha-lab"));
        java.nio.file.Path conf = two.lab.inNode(N2, "/etc/ganesha/ganesha.conf");
        String original = java.nio.file.Files.readString(conf);
        try {
            // What ganesha would present after its next start: another scope than nfs-1's.
            java.nio.file.Files.writeString(conf, original.replace("Server_Scope = \"ganesha-lab\";",
                    "Server_Scope = \"elsewhere\";"));
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(conditionStatus("Degraded")).isEqualTo("True/ServerScopeDiffers");
                assertThat(condition("Degraded").getMessage()).contains("(" + K1 + "=ganesha-lab, " + K2 + "=elsewhere)");
            });
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events()).extracting(Event::getReason)
                    .contains("ServerScopeDiffers"));
        } finally {
            java.nio.file.Files.writeString(conf, original);
        }
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).untilAsserted(
                () -> assertThat(conditionStatus("Degraded")).isEqualTo("False/AsSpecified"));
    }

    static io.ganeshaha.api.v1alpha1.ExportSpec export(int id, String path, String pseudo) {
        return new io.ganeshaha.api.v1alpha1.ExportSpecBuilder().withExportId(id).withPath(path).withPseudo(pseudo)
                .withSquash(io.ganeshaha.api.v1alpha1.ExportSquash.NoRootSquash).build();
    }

    /**
     * Edits the cluster's exports, waits for the operator's ConfigMap to carry them, and projects it
     * to both agents as the kubelet would; returns the new generation.
     */
    static long editExports(java.util.function.Consumer<List<io.ganeshaha.api.v1alpha1.ExportSpec>> change) {
        GaneshaCluster edited = Edits.edit(client.resources(GaneshaCluster.class).inNamespace(NAMESPACE)
                .withName(NAME), c -> {
            change.accept(c.getSpec().getExports());
            return c;
        });
        long generation = edited.getMetadata().getGeneration();
        await().atMost(TIMEOUT).until(() -> haConfig().getData().getOrDefault(HaConfigMap.EXPORTS_GENERATION, "")
                .endsWith("/" + generation));
        ConfigMap config = haConfig();
        project(K1, config);
        project(K2, config);
        return generation;
    }

    /** ganesha's own answer on {@code node}: DisplayExport over its system bus. */
    static boolean servesExport(String node, int id) {
        return two.lab.exec(node, "dbus-send", "--system", "--print-reply", "--reply-timeout=5000",
                "--dest=org.ganesha.nfsd", "/org/ganesha/nfsd/ExportMgr", "org.ganesha.nfsd.exportmgr.DisplayExport",
                "uint16:" + id).exitCode() == 0;
    }

    /** A cluster property as crm_attribute reads it on {@code node}, wherever it is set. */
    static String clusterProperty(String node, String name) {
        return two.lab.exec(node, "crm_attribute", "--type", "crm_config", "--name", name, "--query", "--quiet")
                .orFail("crm_attribute --query " + name).stdout().strip();
    }

    /** What the DaemonSet controller reports once both agent pods run the current template. */
    static void rolledOut() {
        pods().rolledOut(client);
    }
}
