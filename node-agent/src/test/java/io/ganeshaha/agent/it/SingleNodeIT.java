package io.ganeshaha.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ganeshaha.agent.testing.AgentHealth;
import io.ganeshaha.agent.testing.AgentProcess;
import io.ganeshaha.agent.testing.ClusterView;
import io.ganeshaha.agent.testing.Lab;
import io.ganeshaha.agent.testing.Shell;
import io.ganeshaha.cib.CibRenderer;
import io.ganeshaha.cib.HaCluster;
import io.ganeshaha.cib.Member;
import io.ganeshaha.cib.VirtualIp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * One real node: corosync + Pacemaker, a system bus, ganesha.nfsd, the node agent and the OCF entry
 * points, configured with the GlusterFS resource layout. The node's name is an FQDN with '-' and
 * '.' (short names against FQDNs broke GlusterFS's agents). Tests run in order on one lab; each leaves the node healthy.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SingleNodeIT {

    static final String NODE = "nfs-1.lab.example";
    static final String VIP = "198.18.0.101";
    static final String PROVIDER_DIR = "/usr/lib/ocf/resource.d/ganesha-ha/";
    static final String SHARED = "/var/run/gluster/shared_storage";
    /** The same directory without the /var/run link, for paths opened through the node's /proc root. */
    static final String SHARED_REAL = "/run/gluster/shared_storage";

    static Path work;
    static Lab lab;
    static AgentProcess agent;
    static ClusterView cluster;

    @BeforeAll
    static void startLab() throws Exception {
        work = Path.of("target/it-single-node").toAbsolutePath();
        Files.createDirectories(work);
        lab = Lab.up(work.resolve("lab"), List.of(NODE));
        try {
            agent = newAgent().start();
            cluster = new ClusterView(lab, NODE);
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    static AgentProcess newAgent() {
        return new AgentProcess(lab, NODE, work.resolve("agent.log"), List.of());
    }

    @AfterAll
    static void stopLab() {
        try {
            if (agent != null) {
                agent.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    static Shell.Result ocf(String agentName, String action, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("OCF_ROOT", "/usr/lib/ocf");
        all.putIfAbsent("OCF_RESKEY_CRM_meta_timeout", "20000");
        return lab.exec(NODE, all, Duration.ofSeconds(30), PROVIDER_DIR + agentName, action);
    }

    static Map<String, String> instance(String name, String... params) {
        Map<String, String> env = new HashMap<>();
        env.put("OCF_RESOURCE_INSTANCE", name);
        for (int i = 0; i < params.length; i += 2) {
            env.put("OCF_RESKEY_" + params[i], params[i + 1]);
        }
        return env;
    }

    static Optional<String> local(String attribute) {
        return Optional.ofNullable(cluster.attribute(attribute).get(NODE));
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    static String ganeshaLog() throws Exception {
        return Files.readString(lab.inNode(NODE, "/var/log/ganesha/ganesha.log"));
    }

    static void awaitHealthy() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(local("ganesha-active")).contains("1");
            assertThat(local("grace-active")).contains("1");
            assertThat(cluster.startedOn("nfs-grace")).containsExactly(NODE);
            assertThat(cluster.startedOn(CibRenderer.vipId(NODE, 1))).containsExactly(NODE);
        });
    }

    // ---------------------------------------------------------------- tests

    @Test
    @Order(1)
    void ocfTesterPassesForEveryAgentAgainstTheRunningAgent() {
        Shell.Result mon = lab.exec(NODE, Map.of(), Duration.ofMinutes(3), "ocf-tester", "-n", "tester-mon",
                PROVIDER_DIR + "ganesha_mon");
        assertThat(mon.exitCode()).as("ocf-tester ganesha_mon:\n" + mon.stdout() + mon.stderr()).isZero();

        // ganesha_grace starts only where grace-active is set, which takes a running ganesha_mon
        // and /var/lib/nfs on the shared storage (ganesha_nfsd started): a node serves only then.
        assertThat(ocf("ganesha_nfsd", "start", instance("helper-nfsd", "ha_vol_mnt", SHARED)).exitCode()).isZero();
        assertThat(ocf("ganesha_mon", "start", instance("helper-mon")).exitCode()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> local("grace-active").filter("1"::equals).isPresent());
        Shell.Result grace = lab.exec(NODE, Map.of(), Duration.ofMinutes(3), "ocf-tester", "-n", "tester-grace",
                PROVIDER_DIR + "ganesha_grace");
        assertThat(grace.exitCode()).as("ocf-tester ganesha_grace:\n" + grace.stdout() + grace.stderr()).isZero();
        assertThat(ocf("ganesha_mon", "stop", instance("helper-mon")).exitCode()).isZero();

        // On a node other than the home node, start puts the local nfsd into grace for the home node.
        // validate-all wants a home node Pacemaker knows: a second node, down, in the CIB's node list.
        lab.exec(NODE, "cibadmin", "--create", "--scope", "nodes", "--xml-text",
                "<node id=\"8\" uname=\"nfs-8.lab.example\"/>").orFail("add nfs-8 to the CIB's nodes");
        try {
            Shell.Result takeover = lab.exec(NODE, Map.of(), Duration.ofMinutes(3), "ocf-tester", "-n", "tester-takeover",
                    "-o", "home_node=nfs-8.lab.example", PROVIDER_DIR + "ganesha_takeover");
            assertThat(takeover.exitCode()).as("ocf-tester ganesha_takeover:\n" + takeover.stdout() + takeover.stderr())
                    .isZero();
            assertThat(agent.logContains("takeover: nfsd on " + NODE + " is in grace for nfs-8.lab.example")).isTrue();
        } finally {
            lab.exec(NODE, "cibadmin", "--delete", "--scope", "nodes", "--xml-text", "<node id=\"8\"/>")
                    .orFail("remove nfs-8 from the CIB's nodes");
        }

        Shell.Result nfsd = lab.exec(NODE, Map.of(), Duration.ofMinutes(3), "ocf-tester", "-n", "tester-nfsd",
                "-o", "ha_vol_mnt=" + SHARED, PROVIDER_DIR + "ganesha_nfsd");
        assertThat(nfsd.exitCode()).as("ocf-tester ganesha_nfsd:\n" + nfsd.stdout() + nfsd.stderr()).isZero();
        assertThat(Files.isSymbolicLink(lab.inNode(NODE, "/var/lib/nfs"))).as("stopped: host directory back").isFalse();
    }

    @Test
    @Order(2)
    void badParametersAreConfigurationErrorsNamingTheParameter() {
        Shell.Result r = ocf("ganesha_mon", "validate-all", instance("x", "grace_delay", "soon"));
        assertThat(r.exitCode()).isEqualTo(6);
        assertThat(r.stderr()).contains("grace_delay");
        Shell.Result start = ocf("ganesha_mon", "start", instance("x", "grace_delay", "-3"));
        assertThat(start.exitCode()).isEqualTo(6);
        Shell.Result nfsd = ocf("ganesha_nfsd", "start", instance("y", "ha_vol_mnt", "relative/path"));
        assertThat(nfsd.exitCode()).isEqualTo(6);
        assertThat(nfsd.stderr()).contains("ha_vol_mnt");

        // validate-all asks the real cluster and the node's filesystem.
        Shell.Result home = ocf("ganesha_takeover", "validate-all", instance("z", "home_node", "nfs-9.lab.example"));
        assertThat(home.exitCode()).as(home.stderr()).isEqualTo(6);
        assertThat(home.stderr()).contains("ocf-exit-reason:parameter home_node='nfs-9.lab.example' is not a node of "
                + "this cluster (nodes: " + NODE + ")");
        assertThat(ocf("ganesha_takeover", "validate-all", instance("z", "home_node", NODE)).exitCode()).isZero();
        Shell.Result unmounted = ocf("ganesha_nfsd", "validate-all", instance("y", "ha_vol_mnt", "/srv/not-mounted"));
        assertThat(unmounted.exitCode()).as(unmounted.stderr()).isEqualTo(5);
        assertThat(unmounted.stderr()).contains("ha_vol_mnt='/srv/not-mounted' is not a directory");
    }

    @Test
    @Order(3)
    void withTheAgentDownTheFallbacksAnswerAndRecordLikeTheAgent() throws Exception {
        assertThat(local("grace-active")).as("left by the mon started above").contains("1");
        assertThat(ocf("ganesha_nfsd", "start", instance("fallback-nfsd", "ha_vol_mnt", SHARED)).exitCode()).isZero();
        agent.stop();
        try {
            Shell.Result start = ocf("ganesha_grace", "start", instance("fallback-grace"));
            assertThat(start.exitCode()).isZero();
            assertThat(start.stderr()).contains("node agent unreachable");
            assertThat(ocf("ganesha_grace", "monitor", instance("fallback-grace")).exitCode())
                    .as("the fallback's start is remembered: no restart loop").isZero();

            Map<String, String> env = instance("fallback-nfsd", "ha_vol_mnt", SHARED);
            env.put("OCF_RESKEY_CRM_meta_timeout", "30000");
            Shell.Result stop = ocf("ganesha_nfsd", "stop", env);
            assertThat(stop.exitCode()).as("a failed stop would fence the node").isZero();
            System.out.printf("ganesha_nfsd stop with the agent down (30 s timeout): %d ms%n", stop.elapsed().toMillis());
            assertThat(stop.elapsed()).as("a node shutting down does not wait for an agent that is gone")
                    .isLessThan(Duration.ofSeconds(10));
            assertThat(Files.isSymbolicLink(lab.inNode(NODE, "/var/lib/nfs"))).isFalse();
            assertThat(lab.inNode(NODE, "/var/lib/nfs/ganesha")).as("the host's own directory is back").isDirectory();
            assertThat(lab.inNode(NODE, "/var/lib/nfs.backup")).doesNotExist();
        } finally {
            agent = newAgent().start();
        }
        assertThat(ocf("ganesha_grace", "monitor", instance("fallback-grace")).exitCode())
                .as("the agent agrees with the fallback's record").isZero();
        assertThat(ocf("ganesha_grace", "stop", instance("fallback-grace")).exitCode()).isZero();
        assertThat(ocf("ganesha_grace", "monitor", instance("fallback-grace")).exitCode()).isEqualTo(7);
    }

    @Test
    @Order(10)
    void theGlusterFsLayoutComesUpHealthy() throws Exception {
        HaCluster ha = new HaCluster("ganesha-ha", SHARED, Duration.ofSeconds(5),
                List.of(new Member(NODE, List.of(new VirtualIp(VIP, 24, Optional.of("eth0"))))));
        cluster.replaceResourcesAndConstraints(CibRenderer.resources(ha), CibRenderer.constraints(ha));

        awaitHealthy();
        assertThat(cluster.startedOn("nfs-mon")).containsExactly(NODE);
        assertThat(cluster.startedOn("nfs_setup")).containsExactly(NODE);
        assertThat(lab.exec(NODE, "ip", "-o", "addr", "show", "dev", "eth0").stdout()).contains(VIP + "/24");
        assertThat(lab.exec(NODE, "readlink", "/var/lib/nfs").stdout().strip())
                .isEqualTo(SHARED + "/nfs-ganesha/" + NODE + "/nfs");
        assertThat(lab.inNode(NODE, "/var/lib/nfs.backup")).isDirectory();
        assertThat(cluster.failedActions()).isEmpty();

        // Both socket clients the entry points know reach the agent and carry its answer back.
        for (String client : List.of("nc.openbsd", "socat")) {
            Map<String, String> env = instance("nfs-grace");
            env.put("GANESHA_HA_OCF_CLIENT", client);
            Shell.Result monitor = ocf("ganesha_grace", "monitor", env);
            assertThat(monitor.exitCode()).as("monitor through " + client).isZero();
            assertThat(monitor.stderr()).as("answered by the agent, not a fallback").doesNotContain("unreachable");
            Map<String, String> stopped = instance("never-started-grace");
            stopped.put("GANESHA_HA_OCF_CLIENT", client);
            assertThat(ocf("ganesha_grace", "monitor", stopped).exitCode()).as("monitor through " + client).isEqualTo(7);
        }
    }

    @Test
    @Order(20)
    void notifyPutsTheSurvivorInGraceForTheDepartedPeerAndAcknowledges() throws Exception {
        String peer = "nfs-9.lab.example";
        // The departed peer's records on the shared storage, and its published grace request.
        Path peerRecov = lab.inNode(NODE, SHARED_REAL + "/nfs-ganesha/" + peer + "/nfs/ganesha/v4recov");
        Files.createDirectories(peerRecov);
        assertThat(ocf("ganesha_nfsd", "start", instance("nfs_setup", "ha_vol_mnt", SHARED)).exitCode())
                .as("start again (idempotent) links the new peer").isZero();
        assertThat(lab.exec(NODE, "readlink", "/var/lib/nfs/ganesha/" + peer).stdout().strip())
                .isEqualTo(SHARED + "/nfs-ganesha/" + peer + "/nfs/ganesha");
        lab.exec(NODE, "attrd_updater", "-N", peer, "-n", "ganesha-grace-request", "-U", "4242.1").orFail("set request");

        Map<String, String> env = instance("nfs-grace");
        env.put("OCF_RESKEY_CRM_meta_on_node", NODE);
        env.put("OCF_RESKEY_CRM_meta_notify_type", "post");
        env.put("OCF_RESKEY_CRM_meta_notify_operation", "stop");
        env.put("OCF_RESKEY_CRM_meta_notify_stop_uname", peer);
        env.put("OCF_RESKEY_CRM_meta_notify_active_uname", NODE + " " + peer);
        Shell.Result notify = ocf("ganesha_grace", "notify", env);
        assertThat(notify.exitCode()).isZero();
        System.out.printf("post-stop notify (grace call, get_grace, ack) took %d ms%n", notify.elapsed().toMillis());

        // The ack is published only after get_grace confirmed grace.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(local("ganesha-grace-ack")).hasValueSatisfying(v -> assertThat(v).contains(peer + "=4242.1")));
        String log = ganeshaLog();
        assertThat(log).contains("recovery event 5 nodeid -1 ip " + peer);
        assertThat(log).doesNotContain("Failed to open v4 recovery dir (/var/lib/nfs/ganesha/" + peer + "/v4recov)");

        env.put("OCF_RESKEY_CRM_meta_notify_type", "pre");
        env.put("OCF_RESKEY_CRM_meta_notify_operation", "start");
        env.put("OCF_RESKEY_CRM_meta_notify_stop_uname", "");
        env.put("OCF_RESKEY_CRM_meta_notify_start_uname", peer);
        int gracesBefore = count(ganeshaLog(), "Now IN GRACE");
        assertThat(ocf("ganesha_grace", "notify", env).exitCode()).isZero();
        // ganesha 4.3 logs event 0 ("just grace") only as a new grace period.
        assertThat(count(ganeshaLog(), "Now IN GRACE")).isGreaterThan(gracesBefore);
    }

    @Test
    @Order(30)
    void killedNfsdDeletesGraceActiveThenGaneshaActiveAndTheVipStops() throws Exception {
        awaitHealthy();
        long killed = System.nanoTime();
        java.time.Instant killedAt = java.time.Instant.now();
        lab.ganesha(NODE, "kill");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> local("grace-active").isEmpty());
        long graceGone = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> local("ganesha-active").isEmpty());
        System.out.printf("kill -9 -> grace-active deleted (as seen by attrd_updater polling): %d ms%n",
                (graceGone - killed) / 1_000_000);
        long agentMillis = Duration.between(killedAt, agent.lastLogged("deleted grace-active").orElseThrow()).toMillis();
        System.out.printf("kill -9 -> grace-active deleted (agent's log, includes the lab's kill command): %d ms%n",
                agentMillis);
        assertThat(agentMillis).as("death noticed and acted on at once, not at the next monitor").isLessThan(1000);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(cluster.startedOn(CibRenderer.vipId(NODE, 1))).isEmpty();
            assertThat(cluster.startedOn("nfs-grace")).isEmpty();
        });
        assertThat(cluster.startedOn("nfs-mon")).as("the mon itself does not fail").containsExactly(NODE);
        String agentLog = Files.readString(work.resolve("agent.log"));
        assertThat(agentLog.lastIndexOf("deleted grace-active")).as("grace-active before ganesha-active")
                .isLessThan(agentLog.lastIndexOf("deleted ganesha-active"));

        assertThat(ocf("ganesha_grace", "start", instance("probe-grace")).exitCode()).as("start: known error, no retries")
                .isEqualTo(7);
        assertThat(ocf("ganesha_mon", "monitor", instance(monInstance())).exitCode()).isZero();
    }

    @Test
    @Order(40)
    void restartedNfsdBringsBothAttributesAndTheVipBack() {
        lab.ganesha(NODE, "start");
        awaitHealthy();
    }

    /**
     * A hung nfsd on the only node: no peer serves that could take its virtual IP, so the node says
     * it is hung and holds on to the address (giving it away would leave it on no node); once the
     * stall ends nothing has moved. Three nodes (ThreeNodeFailoverIT) show the release to a peer.
     */
    @Test
    @Order(50)
    void aHungNfsdWithNoPeerToTakeOverHoldsItsVipAndTheStallsEndMovesNothing() throws Exception {
        awaitHealthy();
        AgentHealth.awaitHangDetectionOn(lab, NODE);
        int logMark = agent.logText().length();
        long stopped = System.nanoTime();
        lab.ganesha(NODE, "stop");
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> local("ganesha-nfsd-hung").filter("1"::equals).isPresent());
            System.out.printf("SIGSTOP -> hang published: %d ms (hang timeout 3 s after a missed beat)%n",
                    (System.nanoTime() - stopped) / 1_000_000);
            for (int i = 0; i < 12; i++) {
                Thread.sleep(500);
                assertThat(local("grace-active")).as("held").contains("1");
                assertThat(local("ganesha-active")).as("held").contains("1");
                assertThat(cluster.startedOn(CibRenderer.vipId(NODE, 1))).containsExactly(NODE);
            }
            assertThat(agent.logText().substring(logMark)).contains("no peer serves that could take its virtual IP");
        } finally {
            lab.ganesha(NODE, "cont");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> local("ganesha-nfsd-hung").isEmpty());
        assertThat(lab.ganesha(NODE, "pid").exitCode()).as("a held nfsd is not ended").isZero();
        awaitHealthy();
    }

    @Test
    @Order(60)
    void anAgentRestartCausesNoFailoverAndNoFailedAction() throws Exception {
        awaitHealthy();
        // No crm_resource --cleanup anywhere: the kills, hangs and fail-backs before this left none.
        assertThat(cluster.failedActions()).as("failed actions left by the scenarios before").isEmpty();
        List<String> lost = new CopyOnWriteArrayList<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                if (local("grace-active").isEmpty() || local("ganesha-active").isEmpty()) {
                    lost.add("attributes missing at " + System.currentTimeMillis());
                }
            }
        });
        sampler.start();
        try {
            agent.stop();
            // Long enough for Pacemaker's monitors (mon 10 s, grace 5 s) to hit the fallback.
            Thread.sleep(12_000);
            agent = newAgent().start();
            Thread.sleep(5_000);
        } finally {
            sampling.set(false);
            sampler.join();
        }
        assertThat(lost).isEmpty();
        assertThat(cluster.failedActions()).isEmpty();
        assertThat(cluster.startedOn(CibRenderer.vipId(NODE, 1))).containsExactly(NODE);
    }

    @Test
    @Order(65)
    void pacemakerNotAnsweringIsSaidOnceAndInReadinessAndAStartFailsNamingIt() throws Exception {
        awaitHealthy();
        assertThat(AgentHealth.readiness(lab, NODE)).contains("\"pacemaker\": \"reachable\"").contains("\"status\": \"UP\"");
        int logMark = agent.logText().length();
        // The node's own attrd: the lab's nodes share the machine's pid namespace, so pidof also
        // lists the attrd of any other lab running on it; the node's has the node's network.
        String attrd = lab.exec(NODE, "sh", "-c", "for p in $(pidof pacemaker-attrd); do "
                + "[ \"$(readlink /proc/$p/ns/net)\" = \"$(readlink /proc/self/ns/net)\" ] && echo $p; done; true")
                .orFail("finding pacemaker-attrd").stdout().strip();
        assertThat(attrd).as("the node's pacemaker-attrd").matches("\\d+");
        lab.exec(NODE, "kill", "-STOP", attrd).orFail("SIGSTOP pacemaker-attrd");
        try {
            // attrd_updater now hangs until the agent's 5 s bound kills it
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(AgentHealth.readiness(lab, NODE))
                    .contains("\"pacemaker\": \"unreachable since").contains("\"status\": \"DOWN\""));
            Thread.sleep(6_000); // the takeover-request watch (1 s) and the peer watch (4 s) keep asking meanwhile
            Shell.Result start = ocf("ganesha_mon", "start", instance("no-pacemaker-mon"));
            assertThat(start.exitCode()).as(start.stderr()).isEqualTo(1);
            assertThat(start.stderr()).contains("ocf-exit-reason:Pacemaker did not answer");
        } finally {
            lab.exec(NODE, "kill", "-CONT", attrd);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(AgentHealth.readiness(lab, NODE))
                .contains("\"pacemaker\": \"reachable\"").contains("\"status\": \"UP\""));
        String log = agent.logText().substring(logMark);
        assertThat(count(log, "Pacemaker does not answer")).as("said once:%n%s", log).isEqualTo(1);
        assertThat(count(log, "Pacemaker answers again")).isEqualTo(1);
        assertThat(count(log, "cannot read which peers serve")).as("no line per attempt").isZero();
        awaitHealthy();
    }

    /**
     * A node whose agent is already gone is put in standby (as a host shutting down stops
     * Pacemaker's resources): every resource stops, ganesha_nfsd's stop restoring /var/lib/nfs
     * without waiting for the agent, so the node leaves in seconds (GlusterFS's agents: about 4 s;
     * ours used to take 31-33 s, retrying the agent for most of the stop timeout).
     */
    @Test
    @Order(67)
    void aNodeWhoseAgentIsDownLeavesInSeconds() throws Exception {
        awaitHealthy();
        agent.stop();
        try {
            long started = System.nanoTime();
            lab.exec(NODE, "crm_attribute", "--node", NODE, "--name", "standby", "--update", "on").orFail("standby on");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                    cluster.startedOn("nfs_setup").isEmpty() && cluster.startedOn("nfs-mon").isEmpty()
                            && cluster.startedOn(CibRenderer.vipId(NODE, 1)).isEmpty());
            long ms = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("standby with the agent down: every resource stopped in %d ms%n", ms);
            assertThat(Files.isSymbolicLink(lab.inNode(NODE, "/var/lib/nfs"))).as("the host's own directory back").isFalse();
            assertThat(cluster.failedActions()).isEmpty();
            assertThat(ms).as("bounded by what restoring /var/lib/nfs needs, not by the stop timeout (30 s)")
                    .isLessThan(20_000);
        } finally {
            // The agent first: nfs_setup's start (it links /var/lib/nfs) needs it.
            agent = newAgent().start();
            lab.exec(NODE, "crm_attribute", "--node", NODE, "--name", "standby", "--delete");
        }
        awaitHealthy();
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.startedOn("nfs_setup").contains(NODE));
    }

    @Test
    @Order(70)
    void nfsdDyingWhileTheAgentIsDownIsStillCaught() throws Exception {
        awaitHealthy();
        agent.kill();
        lab.ganesha(NODE, "kill");
        // Pacemaker's next ganesha_mon monitor (10 s) runs the fallback: delete grace-active, sleep
        // grace_delay, delete ganesha-active.
        await().atMost(Duration.ofSeconds(30)).until(() -> local("grace-active").isEmpty() && local("ganesha-active").isEmpty());
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.startedOn(CibRenderer.vipId(NODE, 1)).isEmpty());

        lab.ganesha(NODE, "start");
        agent = newAgent().start();
        awaitHealthy();
    }

    @Test
    @Order(80)
    void aFrozenSystemBusGivesBoundedAnswersAndNoFailover() throws Exception {
        awaitHealthy();
        String busPid = lab.exec(NODE, "cat", "/run/dbus/pid").orFail("the node's dbus-daemon pid").stdout().strip();
        lab.exec(NODE, "kill", "-STOP", busPid).orFail("freeze the node's dbus-daemon");
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> agent.logContains("does not answer"));
            List<Long> millis = new ArrayList<>();
            for (String[] call : List.of(new String[] {"ganesha_mon", monInstance()},
                    new String[] {"ganesha_grace", "nfs-grace"}, new String[] {"ganesha_nfsd", "nfs_setup"})) {
                Shell.Result r = ocf(call[0], "monitor", instance(call[1], "ha_vol_mnt", SHARED));
                assertThat(r.exitCode()).as(call[0] + " monitor with the bus frozen").isZero();
                millis.add(r.elapsed().toMillis());
            }
            Map<String, String> env = instance("nfs-grace");
            env.put("OCF_RESKEY_CRM_meta_notify_type", "post");
            env.put("OCF_RESKEY_CRM_meta_notify_operation", "stop");
            env.put("OCF_RESKEY_CRM_meta_notify_stop_uname", "nfs-9.lab.example");
            Shell.Result notify = ocf("ganesha_grace", "notify", env);
            assertThat(notify.exitCode()).isZero();
            assertThat(notify.elapsed()).as("bounded by the agent's D-Bus call timeout").isLessThan(Duration.ofSeconds(8));
            assertThat(notify.stderr()).contains("could not put nfsd");
            System.out.printf("bus frozen: monitor answers %s ms, notify %d ms%n", millis, notify.elapsed().toMillis());
            // Well past the hang timeout: heartbeats cannot arrive, yet nfsd is not declared hung.
            for (int i = 0; i < 8; i++) {
                Thread.sleep(500);
                assertThat(local("grace-active")).as("a frozen bus is not a hung nfsd").contains("1");
            }
        } finally {
            lab.exec(NODE, "kill", "-CONT", busPid).orFail("thaw the node's dbus-daemon");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.loggedAfter("does not answer", "connected to the system bus"));
        assertThat(local("ganesha-active")).contains("1");
        assertThat(cluster.failedActions()).isEmpty();
    }

    @Test
    @Order(90)
    void aDeadSystemBusTakesGanesha43DownWithItAndFailsOver() throws Exception {
        awaitHealthy();
        // ganesha.nfsd 4.3 exits when its bus goes away: that is an nfsd death like any other.
        lab.exec(NODE, "sh", "-c", "kill $(cat /run/dbus/pid)").orFail("kill the node's dbus-daemon");
        await().atMost(Duration.ofSeconds(10)).until(() -> local("grace-active").isEmpty() && local("ganesha-active").isEmpty());
        assertThat(ocf("ganesha_mon", "monitor", instance(monInstance())).exitCode()).isZero();

        lab.exec(NODE, "sh", "-c", "rm -f /run/dbus/pid && dbus-daemon --system --fork").orFail("restart the node's dbus-daemon");
        lab.ganesha(NODE, "start");
        awaitHealthy();
    }

    /**
     * GlusterFS's ganesha_nfsd named a node's state tree after {@code hostname}; here the host's name
     * differs from its Pacemaker name and only the host-named tree exists, with a client record in it.
     * Pacemaker restarts nfs_setup on a new ha_vol_mnt holding that layout: the agent adopts the tree
     * (read from the node's own UTS namespace) and creates none beside it.
     */
    @Test
    @Order(100)
    void aStateTreeNamedAfterTheHostNameIsAdoptedNotShadowed() throws Exception {
        awaitHealthy();
        String legacy = SHARED + "/legacy";
        String records = legacy + "/nfs-ganesha/legacy-host-1/nfs/ganesha/v4recov/node0";
        // Inside the node: its /var/run is a link to its own /run, which the host's view would not follow.
        lab.exec(NODE, "sh", "-c", "mkdir -p " + records + " && printf reclaimable > " + records + "/client-a")
                .orFail("write the legacy layout");
        String hostName = lab.exec(NODE, "hostname").orFail("hostname").stdout().strip();
        lab.exec(NODE, "hostname", "legacy-host-1").orFail("rename the host");
        try {
            lab.exec(NODE, "crm_resource", "--resource", "nfs_setup", "--set-parameter", "ha_vol_mnt",
                    "--parameter-value", legacy).orFail("move nfs_setup to the legacy layout");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    lab.exec(NODE, "readlink", "/var/lib/nfs").stdout().strip())
                    .isEqualTo(legacy + "/nfs-ganesha/legacy-host-1/nfs"));
            assertThat(lab.exec(NODE, "cat", "/var/lib/nfs/ganesha/v4recov/node0/client-a").stdout()).isEqualTo("reclaimable");
            assertThat(lab.exec(NODE, "test", "-e", legacy + "/nfs-ganesha/" + NODE).exitCode())
                    .as("no empty tree beside it").isNotZero();
            assertThat(agent.logContains("adopted the existing tree legacy-host-1")).isTrue();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(cluster.startedOn("nfs_setup")).containsExactly(NODE));
            assertThat(cluster.failedActions()).isEmpty();
        } finally {
            lab.exec(NODE, "hostname", hostName);
        }
    }

    /** The instance name Pacemaker gives the mon clone's instance on this node, as recorded by the agent. */
    static String monInstance() throws Exception {
        try (var files = Files.list(lab.inNode(NODE, "/run/ganesha-ha/resources"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("nfs-mon")).findFirst().orElseThrow();
        }
    }
}
