package io.ganeshaha.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ganeshaha.agent.testing.AgentHealth;
import io.ganeshaha.agent.testing.AgentProcess;
import io.ganeshaha.agent.testing.Failover;
import io.ganeshaha.agent.testing.Shell;
import io.ganeshaha.agent.testing.ThreeNodeLab;
import io.ganeshaha.agent.watch.ServerEpoch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The seed's promise on a real three-node cluster: when a node's nfsd dies, hangs, or the whole
 * node is lost, every surviving nfsd is in grace before that node's virtual IP shows up on a
 * survivor, and no other virtual IP moves; fail-back runs the same way in reverse. Run alone with
 * {@code ./mvnw verify -Dit.test=ThreeNodeFailoverIT}.
 */
@Tag("integration")
@Tag("failover")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeNodeFailoverIT {

    static final String N1 = ThreeNodeLab.NODES.get(0);
    static final String N2 = ThreeNodeLab.NODES.get(1);
    static final String N3 = ThreeNodeLab.NODES.get(2);
    static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(40);
    /**
     * Until no node is in grace: the lab's Grace_Period (20 s) from the last grace call, which
     * nfsd looks at once per reaper period (half the lease, 10 s), after grace calls that may
     * still come for a while.
     */
    static final Duration OUT_OF_GRACE = Duration.ofSeconds(60);

    static ThreeNodeLab lab;

    @BeforeAll
    static void start() throws Exception {
        lab = new ThreeNodeLab(Path.of("target/it-three-nodes").toAbsolutePath());
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @BeforeEach
    void healthyAndOutOfGrace() {
        lab.awaitHealthy(Duration.ofSeconds(90));
        lab.awaitNoneInGrace(OUT_OF_GRACE);
    }

    /**
     * No scenario may leave a failed action: there is no {@code crm_resource --cleanup} between
     * them, so a failure any scenario caused (a racing monitor, a start refused) fails this.
     */
    @AfterEach
    void noFailedActionLeft() {
        assertThat(lab.cluster.failedActions()).as("failed actions Pacemaker lists").isEmpty();
    }

    static void assertFailoverContract(Failover.Result r) {
        System.out.printf("failover of %s: survivors in grace %s ms, VIP on %s at %s ms, margin %s ms%n", r.node(),
                r.survivorInGraceMs(), r.vipTakenBy().orElse("none"), r.vipElsewhereMs().orElse(-1L), r.marginMs().orElse(-1L));
        assertThat(r.vipElsewhereMs()).as("the VIP of " + r.node() + " moved to a survivor").isPresent();
        assertThat(r.ordered()).as("every survivor in grace strictly before the VIP arrived: " + r).isTrue();
        assertThat(r.otherVipsMoved()).as("no other VIP moves").isEmpty();
    }

    static void assertFailBackContract(Failover.FailBack f) {
        System.out.printf("fail-back of %s: survivors in grace %s ms, VIP home at %s ms, VIP on no node %d ms%n", f.node(),
                f.survivorInGraceMs(), f.vipHomeMs().orElse(-1L), f.vipOnNoNodeMs());
        assertThat(f.vipHomeMs()).as("the VIP of " + f.node() + " came home").isPresent();
        assertThat(f.ordered()).as("survivors in grace again before the VIP returned: " + f).isTrue();
    }

    @Test
    @Order(1)
    void killedNfsdFailsOverAfterEverySurvivorIsInGraceAndFailsBackTheSameWay() {
        Failover.Result r = lab.failover.inject(N2, () -> lab.lab.ganesha(N2, "kill"), FAILOVER_TIMEOUT);
        assertFailoverContract(r);
        assertThat(r.vipTakenBy()).as("GlusterFS's takeover order: the member listed before the home node")
                .contains(N1);
        lab.awaitNoneInGrace(OUT_OF_GRACE);
        assertFailBackContract(lab.failover.failBack(N2, () -> lab.lab.ganesha(N2, "start"), FAILOVER_TIMEOUT));
    }

    /**
     * A stall (SIGSTOP) of N3's nfsd: every survivor enters grace, its VIP leaves, the agent ends
     * the hung process, the lab's supervisor (a {@code Restart=on-failure} drop-in's stand-in)
     * starts a fresh one, and the VIP is home again with nobody touching the node: by way of the
     * taker, or straight home when the fresh nfsd is back before the taker's addresses are up.
     */
    @Test
    @Order(2)
    void aLongStallFailsOverEndsTheHungNfsdAndTheNodeComesBackHomeWithoutAPerson() throws Exception {
        AgentHealth.awaitHangDetectionOn(lab.lab, N3);
        String hung = lab.lab.ganesha(N3, "pid").orFail("ganesha pid").stdout().strip();
        lab.lab.ganesha(N3, "supervise").orFail("supervise ganesha on " + N3);
        try {
            long stalled = System.nanoTime();
            Failover.Result r = lab.failover.inject(N3, () -> lab.lab.ganesha(N3, "stop"), FAILOVER_TIMEOUT);
            String vip = lab.homeVip.get(N3);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> lab.probes.get(N3).holds(vip));
            System.out.printf("stall of %s: VIP on %s at %d ms, home again %d ms after the stall began%n", N3,
                    r.vipTakenBy().orElse("no survivor"), r.vipElsewhereMs().orElse(-1L),
                    (System.nanoTime() - stalled) / 1_000_000);
            // The supervisor starts a fresh nfsd seconds after the agent ended the hung one: if
            // that node is back (both attributes set again) before the taker's addresses are up,
            // the VIP goes straight home. Either way every survivor was in grace first.
            if (r.vipElsewhereMs().isPresent()) {
                assertFailoverContract(r);
                assertThat(r.vipTakenBy()).as("the member listed before the home node").contains(N2);
            } else {
                assertThat(r.orderedStraightHome()).as("the VIP went straight home, every survivor in grace"
                        + " strictly before it was back: " + r).isTrue();
                assertThat(r.otherVipsMoved()).as("no other VIP moves").isEmpty();
            }
            assertThat(lab.agents.get(N3).logContains("sent SIGKILL to the hung ganesha.nfsd " + hung)).isTrue();
            assertThat(lab.lab.ganesha(N3, "pid").orFail("ganesha pid").stdout().strip())
                    .as("a fresh nfsd, started by the supervisor").isNotEqualTo(hung);
        } finally {
            lab.lab.ganesha(N3, "unsupervise");
        }
        lab.awaitHealthy(Duration.ofSeconds(60));
    }

    /**
     * Agents restarted (10 times, on each node in turn, each down long enough for Pacemaker's
     * monitors to hit the entry points' fallback) and replaced one by one as a DaemonSet roll does
     * (twice), with ganesha writing GlusterFS's pid file (/var/run/ganesha.pid): the fallback reads
     * the pid file the CIB names, so no healthy node fails over and nothing fails.
     */
    @Test
    @Order(3)
    void agentRestartsAndRollsOnHealthyNodesMoveNothingAndFailNothing() throws Exception {
        List<String> moved = new CopyOnWriteArrayList<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                lab.homeVip.forEach((node, vip) -> {
                    if (!lab.probes.get(node).holds(vip)) {
                        moved.add(vip + " off " + node + " at " + System.currentTimeMillis());
                    }
                });
                Map<String, String> grace = lab.cluster.attribute("grace-active");
                for (String node : ThreeNodeLab.NODES) {
                    if (!grace.isEmpty() && !"1".equals(grace.get(node))) {
                        moved.add("grace-active of " + node + " is " + grace.get(node) + " at " + System.currentTimeMillis());
                    }
                }
            }
        });
        sampler.start();
        try {
            for (int restart = 0; restart < 10; restart++) {
                String node = ThreeNodeLab.NODES.get(restart % 3);
                lab.agents.get(node).stop();
                Thread.sleep(11_000); // the mon monitor (10 s) and grace monitors (5 s) meet the fallback
                lab.agents.put(node, lab.newAgent(node).start());
            }
            for (int roll = 0; roll < 2; roll++) {
                for (String node : ThreeNodeLab.NODES) {
                    lab.agents.get(node).stop();
                    Thread.sleep(3_000); // the old pod terminated, the new one scheduled
                    lab.agents.put(node, lab.newAgent(node).start());
                    AgentHealth.awaitHangDetectionOn(lab.lab, node); // ready before the next goes
                }
            }
            Thread.sleep(5_000);
        } finally {
            sampling.set(false);
            sampler.join();
        }
        assertThat(moved).as("no failover in 10 restarts and 2 rolls").isEmpty();
        assertThat(lab.cluster.attribute("grace-active")).hasSize(3);
        assertThat(lab.cluster.attribute("ganesha-active")).hasSize(3);
        assertThat(lab.cluster.failedActions()).isEmpty();
    }

    /** How many whole-node losses Order 4 injects ({@code -Dit.linkCuts=N}). */
    static final int LINK_CUTS = Integer.getInteger("it.linkCuts", 10);

    /**
     * Without fencing, a lost node's clone instances stop with no stop action and no notify. The
     * takeover gate (ganesha_takeover on the taker) holds the lost node's VIP until the taker and
     * every other serving survivor are in grace for it: judged on the sampled timeline of each cut.
     */
    @Test
    @Order(4)
    void losingAWholeNodePutsEverySurvivorInGraceBeforeItsVipArrives() {
        int logMark = lab.agents.get(N2).logText().length(); // the log file outlives a run
        List<String> late = new java.util.ArrayList<>();
        for (int cut = 1; cut <= LINK_CUTS; cut++) {
            Failover.Result r = lab.failover.inject(N3, () -> Shell.run(List.of(lab.lab.script(), "link", "--dir",
                    lab.lab.dir().toString(), N3, "down"), Duration.ofSeconds(30)).orFail("link down"),
                    Duration.ofSeconds(60));
            System.out.printf("loss %d of %s: survivors in grace %s ms, VIP on %s at %s ms%n", cut, N3,
                    r.survivorInGraceMs(), r.vipTakenBy().orElse("none"), r.vipElsewhereMs().orElse(-1L));
            assertThat(r.vipTakenBy()).as("the VIP of the lost node moved to the member listed before it").contains(N2);
            assertThat(r.otherVipsMoved()).as("no other VIP moves").isEmpty();
            if (!r.ordered()) {
                late.add("cut " + cut + ": " + r);
            }
            Shell.run(List.of(lab.lab.script(), "link", "--dir", lab.lab.dir().toString(), N3, "up"),
                    Duration.ofSeconds(30)).orFail("link up");
            lab.awaitHealthy(Duration.ofSeconds(120));
            lab.awaitNoneInGrace(OUT_OF_GRACE);
        }
        assertThat(late).as("cuts where a survivor was not seen in grace before the VIP arrived").isEmpty();
        assertThat(lab.agents.get(N2).logText().substring(logMark))
                .contains("takeover: every serving peer [" + N1 + "] is in grace for " + N3);
    }

    /**
     * Stalls shorter than the hang timeout (1.5 s against 3 s) move nothing, whatever their phase.
     * What the stall is to the agent is the silence between heartbeats: it also holds the lab
     * script's start for SIGCONT and the beat's delivery on a machine whose two CPUs run three
     * nodes (2 s stalls were judged hung for 0.1 to 0.8 s in CI), so a brief HUNG verdict may
     * happen; what is guaranteed is that it ends before the hung settle (1.5 s) has passed, so no
     * node ever begins a failover. The sampler is paced: spinning on attrd_updater, it was the
     * heaviest load of the lab.
     */
    @Test
    @Order(5)
    void twentyShortStallsMoveNothing() throws Exception {
        AgentHealth.awaitHangDetectionOn(lab.lab, N1);
        int logMark = lab.agents.get(N1).logText().length(); // the log file outlives a run
        List<String> lost = new CopyOnWriteArrayList<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                if (!"1".equals(lab.cluster.attribute("grace-active").get(N1))) {
                    lost.add("grace-active of " + N1 + " gone at " + System.currentTimeMillis());
                }
                lab.homeVip.forEach((node, vip) -> {
                    if (!lab.probes.get(node).holds(vip)) {
                        lost.add(vip + " off " + node + " at " + System.currentTimeMillis());
                    }
                });
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        try {
            for (int i = 0; i < 20; i++) {
                lab.lab.ganesha(N1, "stop").orFail("SIGSTOP");
                Thread.sleep(1_500);
                lab.lab.ganesha(N1, "cont").orFail("SIGCONT");
                Thread.sleep(1_200 + 97L * i % 800); // a different phase against the heartbeat each time
            }
        } finally {
            sampling.set(false);
            sampler.join();
        }
        assertThat(lost).as("no failover in 20 stalls of 1.5 s").isEmpty();
        List<Long> verdicts = hungVerdictsMs(lab.agents.get(N1).logText().substring(logMark));
        System.out.printf("20 stalls of 1.5 s: %d brief HUNG verdict(s) %s ms%n", verdicts.size(), verdicts);
        assertThat(verdicts).as("each HUNG verdict ended before the hung settle").allMatch(ms -> ms < 1_500);
    }

    /** How long each HUNG verdict in an agent's log lasted, in ms; one still standing counts as forever. */
    static List<Long> hungVerdictsMs(String log) {
        List<Long> durations = new java.util.ArrayList<>();
        java.time.LocalDateTime hungAt = null;
        var format = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
        for (String line : log.lines().toList()) {
            if (line.length() < 23 || !line.contains("ganesha.nfsd is now")) {
                continue;
            }
            java.time.LocalDateTime at = java.time.LocalDateTime.parse(line.substring(0, 23), format);
            if (line.contains("is now HUNG")) {
                hungAt = at;
            } else if (hungAt != null) {
                durations.add(java.time.Duration.between(hungAt, at).toMillis());
                hungAt = null;
            }
        }
        if (hungAt != null) {
            durations.add(Long.MAX_VALUE);
        }
        return durations;
    }

    /**
     * A stall of the shared backend hangs every nfsd at once (ganesha stops beating when it
     * dequeues nothing): no node may give its VIP away, for there is nobody to take it.
     */
    @Test
    @Order(6)
    void everyNfsdHungAtOnceLeavesEveryVipPlacedAndTheStallsEndMovesNothing() throws Exception {
        for (String node : ThreeNodeLab.NODES) {
            AgentHealth.awaitHangDetectionOn(lab.lab, node);
        }
        java.util.Map<String, String> pids = new java.util.TreeMap<>();
        for (String node : ThreeNodeLab.NODES) {
            pids.put(node, lab.lab.ganesha(node, "pid").orFail("ganesha pid").stdout().strip());
        }
        List<String> unplaced = new CopyOnWriteArrayList<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                lab.homeVip.values().forEach(vip -> {
                    if (lab.probes.values().stream().noneMatch(p -> p.holds(vip))) {
                        unplaced.add(vip + " on no node at " + System.currentTimeMillis());
                    }
                });
            }
        });
        sampler.start();
        try {
            // One kill(1) freezes all three, as the stall does; each agent still finds it out at
            // its own time (its nfsd's next heartbeat was due up to a period later).
            lab.lab.ganesha("all", "stop").orFail("SIGSTOP to every nfsd");
            await().atMost(Duration.ofSeconds(10)).until(() -> lab.cluster.attribute("ganesha-nfsd-hung").values()
                    .stream().filter("1"::equals).count() == ThreeNodeLab.NODES.size());
            Thread.sleep(6_000);
            assertThat(lab.cluster.attribute("ganesha-active")).as("every node holds on").hasSize(3);
            lab.lab.ganesha("all", "cont").orFail("SIGCONT to every nfsd");
            await().atMost(Duration.ofSeconds(20)).until(() -> lab.cluster.attribute("ganesha-nfsd-hung").values()
                    .stream().noneMatch("1"::equals));
            lab.awaitHealthy(Duration.ofSeconds(30));
        } finally {
            sampling.set(false);
            sampler.join();
            for (String node : ThreeNodeLab.NODES) {
                // Whatever went wrong, the next scenario starts from three running nfsds.
                lab.lab.ganesha(node, "cont");
                if (lab.lab.ganesha(node, "pid").exitCode() != 0) {
                    lab.lab.ganesha(node, "start");
                }
            }
        }
        assertThat(unplaced).as("every VIP on some node at every sample").isEmpty();
        for (String node : ThreeNodeLab.NODES) {
            assertThat(lab.lab.ganesha(node, "pid").orFail("ganesha pid").stdout().strip())
                    .as(node + ": a held nfsd is not ended").isEqualTo(pids.get(node));
        }
    }

    /**
     * Two nfsds with one ServerEpoch hand out the same client and session ids, and a client whose
     * VIP moves between them is refused for good: N3's nfsd started again with N2's epoch is
     * reported by N3's agent (its readiness, a warning naming the fix), and no longer once N3's
     * nfsd runs with an epoch of its own again.
     */
    @Test
    @Order(7)
    void anNfsdSharingItsServerEpochWithAPeersIsReported() {
        String n2Epoch = lab.cluster.attribute(ServerEpoch.ATTRIBUTE).get(N2);
        assertThat(n2Epoch).as("N2's published epoch, from its -E").isNotNull().doesNotStartWith("~");
        assertThat(AgentHealth.readiness(lab.lab, N3)).doesNotContain("may collide");

        lab.lab.ganesha(N3, "term");
        lab.lab.ganeshaStartWithEpoch(N3, n2Epoch);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(AgentHealth.readiness(lab.lab, N3)).contains("\"serverEpoch\": \"" + n2Epoch
                        + " (may collide with [" + N2 + "])\""));
        assertThat(lab.agents.get(N3).logContains("may hand out the same client and session ids as on [" + N2 + "]"))
                .isTrue();

        lab.lab.ganesha(N3, "term");
        lab.lab.ganesha(N3, "start");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(AgentHealth.readiness(lab.lab, N3)).doesNotContain("may collide"));
        lab.awaitHealthy(Duration.ofSeconds(90));
    }
}
