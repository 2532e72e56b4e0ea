package io.ganeshaha.e2e;

import static io.ganeshaha.agent.testing.TwoNodeLab.K1;
import static io.ganeshaha.agent.testing.TwoNodeLab.K2;
import static io.ganeshaha.agent.testing.TwoNodeLab.N1;
import static io.ganeshaha.agent.testing.TwoNodeLab.N2;
import static io.ganeshaha.agent.testing.TwoNodeLab.NAMESPACE;
import static io.ganeshaha.agent.testing.TwoNodeLab.VIP1;
import static io.ganeshaha.agent.testing.TwoNodeLab.VIP2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ganeshaha.agent.testing.AgentProcess;
import io.ganeshaha.agent.testing.ClusterView;
import io.ganeshaha.agent.testing.Failover;
import io.ganeshaha.agent.testing.NodeProbe;
import io.ganeshaha.agent.testing.ProjectPaths;
import io.ganeshaha.agent.testing.Shell;
import io.ganeshaha.agent.testing.TwoNodeLab;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.migrate.YamlOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * docs/migrating-from-glusterfs.md, "Switching a running cluster over", on real components: two lab
 * nodes run GlusterFS's own agents (Debian's glusterfs-common: ocf:heartbeat:ganesha_mon,
 * ganesha_grace, ganesha_nfsd) in the layout ganesha-ha.sh writes (its portblock pairs too, on the
 * iptables of each node), with ganesha.nfsd writing GlusterFS's pid file. The cluster is switched to
 * ganesha-ha's agents as the document says: maintenance mode, `ganesha-ha import`, the GaneshaCluster
 * applied, the agents started (they converge the CIB), a refresh, maintenance mode off. No VIP may
 * leave its node and no attribute may go at any sample, nothing may fail; then a failover proves the
 * switched cluster.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GlusterFsSwitchOverIT {

    static final String PID_FILE = "/var/run/ganesha.pid";
    static final Path GLUSTERFS_AGENTS = Path.of("/usr/lib/ocf/resource.d/heartbeat");
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    static TwoNodeLab two;
    static KubernetesClient client;
    static OperatorProcess operator;
    static ClusterView cluster;
    static AgentPods pods;
    static String clusterName;

    @BeforeAll
    static void start() throws Exception {
        for (String agent : List.of("ganesha_mon", "ganesha_grace", "ganesha_nfsd", "portblock", "IPaddr")) {
            assertThat(GLUSTERFS_AGENTS.resolve(agent)).as("GlusterFS's agents come with Debian's glusterfs-common "
                    + "(scripts/install-deps installs it)").isExecutable();
        }
        two = TwoNodeLab.up(Path.of("target/it-glusterfs").toAbsolutePath(), PID_FILE);
        client = two.api.client();
        cluster = new ClusterView(two.lab, N1);
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

    static Path conf() {
        return two.work.resolve("ganesha-ha.conf");
    }

    static NodeProbe probe(String node) {
        return node.equals(N1) ? two.probe1 : two.probe2;
    }

    static void awaitServedAtHome(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(cluster.attribute("ganesha-active")).containsEntry(N1, "1").containsEntry(N2, "1");
            assertThat(cluster.attribute("grace-active")).containsEntry(N1, "1").containsEntry(N2, "1");
            assertThat(two.probe1.holds(VIP1)).as(VIP1 + " on " + N1).isTrue();
            assertThat(two.probe2.holds(VIP2)).as(VIP2 + " on " + N2).isTrue();
            assertThat(cluster.startedOn(N1 + "-nfs_unblock")).containsExactly(N1);
            assertThat(cluster.startedOn(N2 + "-nfs_unblock")).containsExactly(N2);
            assertThat(cluster.startedOn("nfs-grace")).containsExactlyInAnyOrder(N1, N2);
        });
    }

    @Test
    @Order(1)
    void glusterFsAgentsServeTheLayoutGaneshaHaShWrote() throws Exception {
        Files.writeString(conf(), """
                HA_NAME="Lab_NFS"
                HA_CLUSTER_NODES="%s,%s"
                VIP_%s="%s"
                VIP_%s="%s"
                HA_VOL_MNT="%s"
                """.formatted(N1, N2, N1, VIP1, N2, VIP2, TwoNodeLab.HA_VOL_MNT));
        // ganesha-ha.sh's setup: each node's state tree and the tickle directory on shared storage.
        two.lab.exec(N1, "sh", "-c", "for n in " + N1 + " " + N2 + "; do d=" + TwoNodeLab.HA_VOL_MNT
                + "/nfs-ganesha/$n/nfs; mkdir -p $d/ganesha/v4recov $d/ganesha/v4old $d/statd/sm $d/statd/sm.bak"
                + " && touch $d/state $d/statd/state; done; mkdir -p " + TwoNodeLab.HA_VOL_MNT + "/nfs-ganesha/tickle_dir")
                .orFail("ganesha-ha.sh's shared state layout");
        Path cib = two.work.resolve("glusterfs-cib.xml");
        Shell.run(List.of("bash", ProjectPaths.root().resolve("migrate/src/test/resources/glusterfs/glusterfs-layout.sh")
                .toString(), conf().toString(), cib.toString()), Duration.ofSeconds(60)).orFail("glusterfs-layout.sh");
        String xml = Files.readString(cib);
        cluster.replaceResourcesAndConstraints(section(xml, "resources"), section(xml, "constraints"));

        awaitServedAtHome(TIMEOUT);
        assertThat(resourcesXml()).contains("provider=\"heartbeat\" type=\"ganesha_mon\"");
        assertThat(two.lab.exec(N1, "readlink", "/var/lib/nfs").stdout().strip())
                .isEqualTo(TwoNodeLab.HA_VOL_MNT + "/nfs-ganesha/" + N1 + "/nfs");
        assertThat(cluster.failedActions()).isEmpty();
    }

    @Test
    @Order(2)
    void switchingToGaneshaHaMovesNoVipAndFailsNothing() throws Exception {
        List<String> moved = new CopyOnWriteArrayList<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                if (!two.probe1.holds(VIP1) || !two.probe2.holds(VIP2)) {
                    moved.add("a VIP off its node at " + System.currentTimeMillis());
                }
                Map<String, String> ganesha = cluster.attribute("ganesha-active");
                if (!ganesha.isEmpty() && !("1".equals(ganesha.get(N1)) && "1".equals(ganesha.get(N2)))) {
                    moved.add("ganesha-active " + ganesha + " at " + System.currentTimeMillis());
                }
            }
        });
        sampler.start();
        try {
            // 1. Pacemaker keeps everything where it is and acts on nothing.
            crm("crm_attribute", "--type", "crm_config", "--name", "maintenance-mode", "--update", "true");

            // 2. ganesha-ha import, from the conf and the live CIB.
            Path liveCib = Files.writeString(two.work.resolve("live-cib.xml"),
                    two.lab.exec(N1, "cibadmin", "--query").orFail("cibadmin --query").stdout());
            Shell.Result imported = Shell.run(List.of(ProjectPaths.root().resolve("scripts/ganesha-ha").toString(),
                    "import", "--config", conf().toString(), "--cib", liveCib.toString(), "--namespace", NAMESPACE,
                    "--node-name", N1 + "=" + K1, "--node-name", N2 + "=" + K2), Duration.ofSeconds(60));
            // Exit 3: something not carried over, here only the lab's own election timeout.
            assertThat(imported.exitCode()).as(imported.stderr()).isEqualTo(3);
            assertThat(imported.stderr().lines().filter(l -> l.startsWith("not carried over: ")))
                    .singleElement().asString().contains("dc-deadtime");
            GaneshaCluster ganeshaCluster = YamlOutput.read(imported.stdout());
            assertThat(ganeshaCluster.getSpec().getPortBlock().getEnabled()).isTrue();
            assertThat(ganeshaCluster.getSpec().getGanesha().getPidFile()).isEqualTo(PID_FILE);
            clusterName = ganeshaCluster.getMetadata().getName();

            // 3. kubectl apply; the operator renders it; the DaemonSet's agents start and converge the CIB.
            client.resource(ganeshaCluster).create();
            pods = new AgentPods(two, NAMESPACE, clusterName);
            await().atMost(TIMEOUT).until(() -> pods.haConfig(client) != null);
            ConfigMap config = pods.haConfig(client);
            AgentProcess a1 = pods.start(N1, K1, config, PID_FILE);
            AgentProcess a2 = pods.start(N2, K2, config, PID_FILE);
            await().atMost(TIMEOUT).until(() -> client.apps().daemonSets().inNamespace(NAMESPACE)
                    .withName(clusterName + "-node-agent").get() != null);
            pods.rolledOut(client);
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(resourcesXml())
                    .contains("provider=\"ganesha-ha\" type=\"ganesha_mon\"").doesNotContain("type=\"ganesha_grace\" provider=\"heartbeat\"")
                    .contains(N1 + "-takeover").contains(N1 + "-nfs_block").contains(N1 + "-nfs_unblock"));

            // 4. Each takeover gate is new: started by hand on its home node (where it calls no grace),
            //    so the probe finds it running; a gate Pacemaker started itself would restart its
            //    group, the VIP with it, since a group's members start in order.
            for (String node : List.of(N1, N2)) {
                two.lab.exec(node, "crm_resource", "--force-start", "--resource", node + "-takeover")
                        .orFail("force-start the takeover gate on " + node);
            }
            // 5. Pacemaker forgets what the old agents ran and asks the new ones (still acting on nothing).
            crm("crm_resource", "--refresh");
            Thread.sleep(5_000);

            // 6. Pacemaker manages again: what the probes found running stays where it is.
            crm("crm_attribute", "--type", "crm_config", "--name", "maintenance-mode", "--delete");
            awaitServedAtHome(TIMEOUT);
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(cluster.startedOn("nfs-mon")).containsExactlyInAnyOrder(N1, N2);
                assertThat(cluster.startedOn(N1 + "-takeover")).containsExactly(N1);
                assertThat(cluster.startedOn(N2 + "-takeover")).containsExactly(N2);
                assertThat(condition("Ready")).isEqualTo("True/AllVirtualIpsServed");
            });
            Thread.sleep(5_000);
            assertThat(a1.logContains("ganesha_mon start")).isTrue();
            assertThat(a2.logContains("ganesha_mon start")).isTrue();
        } finally {
            sampling.set(false);
            sampler.join();
        }
        assertThat(moved).as("no VIP left its node, no node stopped serving").isEmpty();
        assertThat(cluster.failedActions()).isEmpty();
    }

    @Test
    @Order(3)
    void theSwitchedClusterFailsOverWithTheSurvivorInGraceFirst() {
        Failover failover = new Failover(Map.of(N1, two.probe1, N2, two.probe2), Map.of(N1, VIP1, N2, VIP2));
        Failover.Result r = failover.inject(N2, () -> two.lab.ganesha(N2, "kill").orFail("kill -9 nfsd"), TIMEOUT);
        System.out.printf("switched cluster, kill -9 on %s: survivor in grace %s ms, VIP on %s at %s ms%n", N2,
                r.survivorInGraceMs(), r.vipTakenBy().orElse("none"), r.vipElsewhereMs().orElse(-1L));
        assertThat(r.vipTakenBy()).contains(N1);
        assertThat(r.ordered()).as("the survivor in grace before the VIP arrived: " + r).isTrue();
        Failover.FailBack back = failover.failBack(N2, () -> two.lab.ganesha(N2, "start").orFail("start nfsd"), TIMEOUT);
        assertThat(back.vipHomeMs()).isPresent();
        assertThat(cluster.failedActions()).isEmpty();
    }

    static void crm(String... argv) {
        two.lab.exec(N1, argv).orFail(String.join(" ", argv));
    }

    static String resourcesXml() {
        return two.lab.exec(N1, "cibadmin", "--query", "--scope", "resources").orFail("cibadmin --query").stdout();
    }

    static String condition(String type) {
        GaneshaCluster c = client.resources(GaneshaCluster.class).inNamespace(NAMESPACE).withName(clusterName).get();
        if (c == null || c.getStatus() == null) {
            return null;
        }
        return c.getStatus().getConditions().stream().filter(x -> type.equals(x.getType())).findFirst()
                .map(x -> x.getStatus() + "/" + x.getReason()).orElse(null);
    }

    /** One section of a whole CIB, as cibadmin --replace --scope wants it. */
    static String section(String cib, String name) {
        int start = cib.indexOf("<" + name + ">");
        int end = cib.indexOf("</" + name + ">");
        assertThat(start).as("<%s> in the CIB", name).isNotNegative();
        return cib.substring(start, end + name.length() + 3);
    }
}
