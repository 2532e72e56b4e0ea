package io.ganeshaha.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ganeshaha.agent.testing.AgentHealth;
import io.ganeshaha.agent.testing.AgentProcess;
import io.ganeshaha.agent.testing.Failover;
import io.ganeshaha.agent.testing.Shell;
import io.ganeshaha.agent.testing.ThreeNodeLab;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
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
        lab.awaitNoneInGrace(Duration.ofSeconds(40));
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
        lab.awaitNoneInGrace(Duration.ofSeconds(40));
        assertFailBackContract(lab.failover.failBack(N2, () -> lab.lab.ganesha(N2, "start"), FAILOVER_TIMEOUT));
    }

    @Test
    @Order(2)
    void hungNfsdFailsOverAndSigcontDoesNotFlapBack() throws Exception {
        AgentHealth.awaitHangDetectionOn(lab.lab, N3);
        Failover.Result r = lab.failover.inject(N3, () -> lab.lab.ganesha(N3, "stop"), FAILOVER_TIMEOUT);
        assertFailoverContract(r);
        assertThat(r.vipTakenBy()).as("the member listed before the home node").contains(N2);
        lab.lab.ganesha(N3, "cont");
        String vip = lab.homeVip.get(N3);
        for (int i = 0; i < 16; i++) {
            Thread.sleep(500);
            assertThat(lab.probes.get(N3).holds(vip)).as("no flap back after SIGCONT").isFalse();
            assertThat(lab.cluster.attribute("ganesha-active")).doesNotContainKey(N3);
        }
        lab.lab.ganesha(N3, "kill");
        lab.awaitNoneInGrace(Duration.ofSeconds(40));
        assertFailBackContract(lab.failover.failBack(N3, () -> lab.lab.ganesha(N3, "start"), FAILOVER_TIMEOUT));
    }

    @Test
    @Order(3)
    void anAgentRestartOnAHealthyNodeMovesNothingAndFailsNothing() throws Exception {
        lab.cluster.cleanupFailures();
        await().atMost(Duration.ofSeconds(20)).until(() -> lab.cluster.failedActions().isEmpty());
        List<String> moved = new CopyOnWriteArrayList<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                lab.homeVip.forEach((node, vip) -> {
                    if (!lab.probes.get(node).holds(vip)) {
                        moved.add(vip + " off " + node);
                    }
                });
            }
        });
        sampler.start();
        try {
            AgentProcess agent = lab.agents.get(N1);
            agent.stop();
            Thread.sleep(12_000); // Pacemaker's monitors hit the entry points' fallback meanwhile
            lab.agents.put(N1, lab.newAgent(N1).start());
            Thread.sleep(5_000);
        } finally {
            sampling.set(false);
            sampler.join();
        }
        assertThat(moved).isEmpty();
        assertThat(lab.cluster.attribute("grace-active")).containsEntry(N1, "1");
        assertThat(lab.cluster.failedActions()).isEmpty();
    }

    @Test
    @Order(4)
    void losingAWholeNodeMovesItsVipToASurvivorAlreadyInGraceAndPutsEverySurvivorInGrace() {
        // Without fencing, a lost node's clone instances stop with no stop action and no notify:
        // ganesha_takeover puts the survivor taking the VIP over into grace before the address
        // comes up, the peer-loss watch every other survivor within its period (1 s).
        Failover.Result r = lab.failover.inject(N3, () -> Shell.run(List.of(lab.lab.script(), "link", "--dir",
                lab.lab.dir().toString(), N3, "down"), Duration.ofSeconds(30)).orFail("link down"), Duration.ofSeconds(60));
        System.out.printf("loss of %s: survivors in grace %s ms, VIP on %s at %s ms%n", N3, r.survivorInGraceMs(),
                r.vipTakenBy().orElse("none"), r.vipElsewhereMs().orElse(-1L));
        assertThat(r.vipTakenBy()).as("the VIP of the lost node moved to the member listed before it").contains(N2);
        long taker = r.survivorInGraceMs().get(r.vipTakenBy().get());
        assertThat(taker).as("the survivor taking the VIP was in grace first: " + r).isBetween(0L, r.vipElsewhereMs().get() - 1);
        assertThat(r.otherVipsMoved()).as("no other VIP moves").isEmpty();
        // The other survivor is put in grace by its peer-loss watch; ganesha may lift an empty
        // grace early, so each survivor is judged by its own first sample in grace.
        Failover.Result sampled = lab.failover.sampleGraceUntilAllSeen(r, Duration.ofSeconds(10));
        assertThat(sampled.allInGraceMs()).as("every survivor seen in grace: " + sampled).isPresent();
        Shell.run(List.of(lab.lab.script(), "link", "--dir", lab.lab.dir().toString(), N3, "up"), Duration.ofSeconds(30))
                .orFail("link up");
        lab.awaitHealthy(Duration.ofSeconds(120));
    }
}
