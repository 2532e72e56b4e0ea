package io.ganeshaha.agent.failover;

import static io.ganeshaha.agent.failover.InMemoryCluster.GANESHA;
import static io.ganeshaha.agent.failover.InMemoryCluster.GRACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ganeshaha.agent.watch.NfsdHealth;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ganesha_mon's side of failover on an in-memory three-node cluster: the order of the attribute
 * changes, the handshake with the survivors, and what happens when the sequence is interrupted.
 * Orderings are read from the cluster's journal; durations only where a deadline guarantees them.
 */
class MonControllerTest {

    private static final Duration LONG_GRACE_DELAY = Duration.ofSeconds(30);

    private final InMemoryCluster cluster = new InMemoryCluster("n1", "n2", "n3");
    private final LinkedBlockingQueue<FailoverTimeline> timelines = new LinkedBlockingQueue<>();

    @AfterEach
    void close() throws InterruptedException {
        cluster.close();
    }

    private MonController healthyClusterWithMonOnN2(Duration graceDelay) {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        MonController mon = cluster.node("n2").mon(InMemoryCluster.mon(graceDelay), timelines);
        mon.healthChanged(NfsdHealth.SERVING);
        return mon;
    }

    /** nfsd dies on n2 while no survivor's agent answers: n2 deleted grace-active and waits grace_delay (30 s). */
    private MonController n2DownAndWaitingForSurvivorsThatNeverAnswer() {
        cluster.node("n1").agentAnswers = false;
        cluster.node("n3").agentAnswers = false;
        MonController mon = healthyClusterWithMonOnN2(LONG_GRACE_DELAY);
        mon.healthChanged(NfsdHealth.DOWN);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.attrd.value("n2", GRACE).isEmpty());
        return mon;
    }

    private FailoverTimeline nextTimeline() throws InterruptedException {
        FailoverTimeline timeline = timelines.poll(20, TimeUnit.SECONDS);
        assertThat(timeline).as("a finished sequence; journal:\n%s", cluster.journal).isNotNull();
        return timeline;
    }

    @Test
    void nfsdDyingMovesTheVipOnlyOnceEverySurvivorIsInGrace() throws Exception {
        MonController mon = healthyClusterWithMonOnN2(LONG_GRACE_DELAY);
        mon.healthChanged(NfsdHealth.DOWN);

        FailoverTimeline timeline = nextTimeline();
        assertThat(timeline.direction()).isEqualTo("failover");
        assertThat(timeline.survivors()).containsExactly("n1", "n3");
        assertThat(timeline.acknowledged()).containsExactly("n1", "n3");
        assertThat(timeline.acksComplete()).as("moved on the acknowledgements, not the 30 s grace_delay").isPresent();

        var journal = cluster.journal;
        long request = journal.matching(e -> e.node().equals("n2") && e.what().startsWith("set ganesha-grace-request="))
                .get(0).seq();
        long graceGone = journal.first("n2", "delete " + GRACE);
        long vipMoves = journal.first("pacemaker", "vip of n2 moves");
        assertThat(request).as("the epoch is published first").isLessThan(graceGone);
        assertThat(graceGone).isLessThan(journal.first("n2", "delete " + GANESHA));
        for (String survivor : Set.of("n1", "n3")) {
            long inGrace = journal.first(survivor, "grace 5:n2");
            assertThat(inGrace).as("%s in grace for n2 after grace-active went; journal:%n%s", survivor, journal)
                    .isGreaterThan(graceGone).isLessThan(vipMoves);
            long acked = journal.matching(e -> e.node().equals(survivor) && e.what().startsWith("set ganesha-grace-ack="))
                    .get(0).seq();
            assertThat(acked).isGreaterThan(inGrace).isLessThan(vipMoves);
        }
        assertThat(cluster.attrd.value("n1", "ganesha-grace-ack")).contains("n2=" + timeline.epoch());
    }

    @Test
    void failBackPutsTheSurvivorsInGraceBeforeTheVipComesHome() throws Exception {
        MonController mon = healthyClusterWithMonOnN2(LONG_GRACE_DELAY);
        mon.healthChanged(NfsdHealth.DOWN);
        nextTimeline();

        mon.healthChanged(NfsdHealth.SERVING);
        FailoverTimeline back = nextTimeline();
        assertThat(back.direction()).isEqualTo("fail-back");
        assertThat(back.acksComplete()).isPresent();
        var journal = cluster.journal;
        long graceBack = journal.first("n2", "set " + GRACE + "=1");
        long vipHome = journal.first("pacemaker", "vip of n2 home");
        assertThat(graceBack).isLessThan(vipHome);
        for (String survivor : Set.of("n1", "n3")) {
            assertThat(journal.first(survivor, "grace 0:n2")).as(survivor).isGreaterThan(graceBack).isLessThan(vipHome);
        }
        assertThat(cluster.attrd.value("n2", GANESHA)).contains("1");
    }

    @Test
    void aFailBackWaitsForTheNodesExportsBeforeGraceActiveAndTheVipCome() throws Exception {
        MonController mon = healthyClusterWithMonOnN2(LONG_GRACE_DELAY);
        java.util.concurrent.atomic.AtomicBoolean exportsCurrent = new java.util.concurrent.atomic.AtomicBoolean();
        mon.gateFailBack(() -> {
            boolean settled = exportsCurrent.get();
            cluster.journal.add("n2", settled ? "exports settled" : "exports not settled");
            return settled;
        }, Duration.ofSeconds(60));
        mon.healthChanged(NfsdHealth.DOWN);
        nextTimeline();

        mon.healthChanged(NfsdHealth.SERVING);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.journal.matching(
                e -> e.what().equals("exports not settled")).size() >= 3);
        assertThat(cluster.attrd.value("n2", GRACE)).as("no fail-back while the exports are behind").isEmpty();

        exportsCurrent.set(true);
        FailoverTimeline back = nextTimeline();
        assertThat(back.direction()).isEqualTo("fail-back");
        var journal = cluster.journal;
        assertThat(journal.first("n2", "exports settled")).isLessThan(journal.first("n2", "set " + GRACE + "=1"))
                .isLessThan(journal.first("pacemaker", "vip of n2 home"));
    }

    @Test
    void aNodeFailsBackOnlyOnceItsStateDirectoryIsOnTheSharedStorageHoweverLongThatTakes() throws Exception {
        MonController mon = healthyClusterWithMonOnN2(LONG_GRACE_DELAY);
        java.util.concurrent.atomic.AtomicBoolean linked = new java.util.concurrent.atomic.AtomicBoolean(true);
        mon.gateFailBackOnStateDirectory(() -> {
            boolean now = linked.get();
            cluster.journal.add("n2", now ? "state directory linked" : "state directory not linked");
            return now;
        });
        mon.gateFailBack(() -> true, Duration.ofMillis(200)); // the exports are current: only the link holds it
        // A boot after a fence: ganesha_nfsd restored the host's directory before the node went.
        linked.set(false);
        mon.healthChanged(NfsdHealth.DOWN);
        assertThat(nextTimeline().direction()).isEqualTo("failover");
        assertThat(cluster.journal.contains("n2", "state directory not linked")).as("a failover is never gated")
                .isFalse();

        mon.healthChanged(NfsdHealth.SERVING);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.journal.matching(
                e -> e.what().equals("state directory not linked")).size() >= 10);
        assertThat(cluster.attrd.value("n2", GRACE)).as("held well past the exports' bound").isEmpty();
        assertThat(cluster.attrd.value("n2", GANESHA)).isEmpty();

        linked.set(true); // Pacemaker started ganesha_nfsd here
        assertThat(nextTimeline().direction()).isEqualTo("fail-back");
        var journal = cluster.journal;
        assertThat(journal.first("n2", "state directory linked")).isLessThan(journal.first("n2", "set " + GRACE + "=1"))
                .isLessThan(journal.first("pacemaker", "vip of n2 home"));
    }

    @Test
    void exportsThatCannotBeSettledHoldAFailBackOnlyForTheBoundAndNeverAFailover() throws Exception {
        MonController mon = healthyClusterWithMonOnN2(LONG_GRACE_DELAY);
        mon.gateFailBack(() -> {
            cluster.journal.add("n2", "exports not settled");
            return false;
        }, Duration.ofMillis(600));
        mon.healthChanged(NfsdHealth.DOWN);
        nextTimeline();
        assertThat(cluster.journal.contains("n2", "exports not settled")).as("a failover is never gated").isFalse();

        mon.healthChanged(NfsdHealth.SERVING);
        assertThat(nextTimeline().direction()).isEqualTo("fail-back");
        assertThat(cluster.attrd.value("n2", GANESHA)).contains("1");
        var journal = cluster.journal;
        long graceBack = journal.first("n2", "set " + GRACE + "=1");
        assertThat(journal.matching(e -> e.what().equals("exports not settled") && e.seq() < graceBack))
                .as("held, looked at again, then let go at the bound").hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aFailBackHeldForTheExportsIsDroppedAtOnceWhenNfsdDiesAgain() throws Exception {
        MonController mon = healthyClusterWithMonOnN2(LONG_GRACE_DELAY);
        mon.gateFailBack(() -> {
            cluster.journal.add("n2", "exports not settled");
            return false;
        }, Duration.ofSeconds(60));
        mon.healthChanged(NfsdHealth.DOWN);
        nextTimeline();
        mon.healthChanged(NfsdHealth.SERVING);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.journal.contains("n2", "exports not settled"));

        mon.healthChanged(NfsdHealth.DOWN);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            int before = cluster.journal.matching(e -> e.what().equals("exports not settled")).size();
            Thread.sleep(600);
            return cluster.journal.matching(e -> e.what().equals("exports not settled")).size() == before;
        });
        assertThat(cluster.attrd.value("n2", GRACE)).as("no fail-back began").isEmpty();
        assertThat(cluster.attrd.value("n2", GANESHA)).isEmpty();
    }

    @Test
    void aSurvivorThatNeverAcknowledgesHoldsTheVipForGraceDelayAndNoLonger() throws Exception {
        cluster.node("n3").agentAnswers = false;
        MonController mon = healthyClusterWithMonOnN2(Duration.ofSeconds(1));
        mon.healthChanged(NfsdHealth.DOWN);

        FailoverTimeline timeline = nextTimeline();
        assertThat(timeline.survivors()).containsExactly("n1", "n3");
        assertThat(timeline.acknowledged()).containsExactly("n1");
        assertThat(timeline.acksComplete()).isEmpty();
        assertThat(Duration.between(timeline.graceAttributeChanged(), timeline.ganeshaAttributeChanged().orElseThrow()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(cluster.attrd.value("n2", GANESHA)).isEmpty();
    }

    @Test
    void aSurvivorLostDuringTheWaitNoLongerCounts() throws Exception {
        cluster.node("n3").agentAnswers = false;
        MonController mon = healthyClusterWithMonOnN2(LONG_GRACE_DELAY);
        mon.healthChanged(NfsdHealth.DOWN);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.journal.contains("n1", "grace 5:n2"));

        cluster.lose("n3"); // n3 leaves the membership: attrd drops all its attributes

        FailoverTimeline timeline = nextTimeline();
        assertThat(timeline.acksComplete()).as("complete without n3, long before grace_delay").isPresent();
        assertThat(timeline.survivors()).containsExactly("n1");
    }

    @Test
    void nfsdBackDuringTheWaitStopsTheFailoverBeforeTheVipMoves() throws Exception {
        MonController mon = n2DownAndWaitingForSurvivorsThatNeverAnswer();

        mon.healthChanged(NfsdHealth.SERVING);

        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.attrd.value("n2", GRACE).equals(Optional.of("1")));
        assertThat(cluster.journal.contains("n2", "delete " + GANESHA)).as("the VIP never left").isFalse();
        assertThat(cluster.attrd.value("n2", GANESHA)).contains("1");
    }

    @Test
    void anAgentRestartedMidFailoverFinishesItOnTheEpochItHadPublished() throws Exception {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        // What the agent that stopped left behind: epoch E published, grace-active gone, both acks in.
        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "E").without(GRACE);
        cluster.node("n1").given(GraceAcks.ACK_ATTRIBUTE, "n2=E");
        cluster.node("n3").given(GraceAcks.ACK_ATTRIBUTE, "n2=E");
        cluster.node("n1").agentAnswers = false;
        cluster.node("n3").agentAnswers = false;
        long before = cluster.journal.entries().size();

        MonController restarted = cluster.node("n2").mon(InMemoryCluster.mon(LONG_GRACE_DELAY), timelines);
        restarted.healthChanged(NfsdHealth.DOWN);

        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.attrd.value("n2", GANESHA).isEmpty());
        assertThat(cluster.journal.matching(e -> e.seq() >= before && e.node().equals("n2")))
                .as("no new epoch, grace-active untouched: only ganesha-active goes")
                .extracting(e -> e.what()).containsExactly("delete " + GANESHA);
    }

    @Test
    void anAgentRestartedMidFailBackWaitsForTheMissingAcknowledgementUpToGraceDelay() throws Exception {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "E").without(GANESHA);
        cluster.node("n1").given(GraceAcks.ACK_ATTRIBUTE, "n2=E");
        cluster.node("n1").agentAnswers = false;
        cluster.node("n3").agentAnswers = false; // n3 never acknowledged E

        long started = System.nanoTime();
        MonController restarted = cluster.node("n2").mon(InMemoryCluster.mon(Duration.ofSeconds(1)), timelines);
        restarted.healthChanged(NfsdHealth.SERVING);

        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.attrd.value("n2", GANESHA).equals(Optional.of("1")));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void pacemakerUnreachableIsRetriedAndTheOrderHoldsOnceItAnswers() throws Exception {
        MonController mon = healthyClusterWithMonOnN2(LONG_GRACE_DELAY);
        cluster.attrd.down(true);
        mon.healthChanged(NfsdHealth.DOWN);
        Thread.sleep(300); // several attempts fail meanwhile
        assertThat(cluster.attrd.value("n2", GANESHA)).as("nothing moves while attrd does not answer").contains("1");

        cluster.attrd.down(false);

        FailoverTimeline timeline = nextTimeline();
        assertThat(timeline.acksComplete()).isPresent();
        assertThat(cluster.journal.first("n2", "delete " + GRACE))
                .isLessThan(cluster.journal.first("n2", "delete " + GANESHA));
    }

    @Test
    void anAttributeLostOutsideTheAgentIsSetAgain() throws Exception {
        healthyClusterWithMonOnN2(LONG_GRACE_DELAY);
        cluster.attrd.remove("n2", GANESHA); // attrd lost it, e.g. after a brief partition

        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.attrd.value("n2", GANESHA).equals(Optional.of("1")));
    }

    @Test
    void aMonPacemakerHasNotStartedChangesNothing() throws Exception {
        MonController mon = healthyClusterWithMonOnN2(LONG_GRACE_DELAY);
        mon.configure(Optional.empty());
        mon.healthChanged(NfsdHealth.DOWN);
        Thread.sleep(500); // two re-assert periods

        assertThat(cluster.attrd.value("n2", GRACE)).contains("1");
        assertThat(cluster.attrd.value("n2", GANESHA)).contains("1");
        assertThat(timelines).isEmpty();
    }

    // ---------------------------------------------------------------- hangs

    private MonController hungCapableMon(String node) {
        return cluster.node(node).mon(InMemoryCluster.mon(Duration.ofSeconds(1)), timelines, Duration.ofMillis(300));
    }

    @Test
    void aHungNfsdWhoseVipHasMovedIsEndedSoItsSupervisorRestartsIt() throws Exception {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        MonController mon = hungCapableMon("n2");
        mon.healthChanged(NfsdHealth.SERVING);
        cluster.node("n2").serving = false;
        mon.healthChanged(NfsdHealth.HUNG);

        FailoverTimeline timeline = nextTimeline();
        assertThat(timeline.acknowledged()).containsExactly("n1", "n3");
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.journal.contains("n2", "end hung nfsd"));
        var journal = cluster.journal;
        assertThat(journal.first("n2", "set " + MonStep.HUNG_ATTRIBUTE + "=1"))
                .as("the hang is published before anything moves").isLessThan(journal.first("n2", "delete " + GRACE));
        assertThat(journal.first("n2", "end hung nfsd")).as("ended only once the VIP left")
                .isGreaterThan(journal.first("pacemaker", "vip of n2 moves"));

        mon.healthChanged(NfsdHealth.DOWN); // the SIGKILL took
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.attrd.value("n2", MonStep.HUNG_ATTRIBUTE).isEmpty());
    }

    @Test
    void aStallThatEndsBeforeTheVipMovedLeavesItHomeAndEndsNothing() throws Exception {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        cluster.node("n1").agentAnswers = false;
        cluster.node("n3").agentAnswers = false; // no acknowledgement: the wait lasts grace_delay
        MonController mon = cluster.node("n2").mon(InMemoryCluster.mon(LONG_GRACE_DELAY), timelines, Duration.ZERO);
        mon.healthChanged(NfsdHealth.SERVING);
        mon.healthChanged(NfsdHealth.HUNG);
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.attrd.value("n2", GRACE).isEmpty());

        mon.healthChanged(NfsdHealth.SERVING); // SIGCONT: beats again

        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.attrd.value("n2", GRACE).filter("1"::equals).isPresent()
                && cluster.attrd.value("n2", MonStep.HUNG_ATTRIBUTE).isEmpty());
        Thread.sleep(500);
        assertThat(cluster.journal.contains("pacemaker", "vip of n2 moves")).isFalse();
        assertThat(cluster.journal.contains("n2", "end hung nfsd")).isFalse();
    }

    @Test
    void nodesHungByOneStallKeepTheirVipsUntilAPeerServesAgain() throws Exception {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        Map<String, MonController> mons = new java.util.TreeMap<>();
        for (String node : List.of("n1", "n2", "n3")) {
            MonController mon = hungCapableMon(node);
            mon.healthChanged(NfsdHealth.SERVING);
            mons.put(node, mon);
        }
        // The shared backend stalls: every nfsd stops beating within a few hundred milliseconds.
        for (String node : mons.keySet()) {
            cluster.node(node).serving = false;
            mons.get(node).healthChanged(NfsdHealth.HUNG);
            Thread.sleep(100);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> mons.keySet().stream()
                .allMatch(n -> cluster.attrd.value(n, MonStep.HUNG_ATTRIBUTE).isPresent()));
        Thread.sleep(2_000); // settle (300 ms) and several looks (every 200 ms) later
        for (String node : mons.keySet()) {
            assertThat(cluster.attrd.value(node, GANESHA)).as("%s keeps its VIP; journal:%n%s", node, cluster.journal)
                    .contains("1");
            assertThat(cluster.attrd.value(node, GRACE)).as(node).contains("1");
        }
        assertThat(cluster.journal.matching(e -> e.what().startsWith("vip of"))).isEmpty();
        assertThat(cluster.journal.matching(e -> e.what().equals("end hung nfsd"))).isEmpty();

        // n1's nfsd beats again; n2 and n3 are still hung and now give their VIPs to it.
        cluster.node("n1").serving = true;
        mons.get("n1").healthChanged(NfsdHealth.SERVING);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.journal.contains("n2", "end hung nfsd")
                && cluster.journal.contains("n3", "end hung nfsd"));
        assertThat(cluster.attrd.value("n1", GANESHA)).contains("1");
        assertThat(cluster.attrd.value("n1", MonStep.HUNG_ATTRIBUTE)).isEmpty();
        assertThat(cluster.journal.contains("pacemaker", "vip of n1 moves")).isFalse();
    }

    /**
     * One stall of the shared backend, found out on n1 first and on its peers only after n1's
     * settle (their heartbeats were due later): n1 began a failover while they still served. Its
     * wait for their acknowledgements sees them hung, and the VIP stays on n1 with both attributes
     * set; once the peers serve again, n1 fails over afresh and they acknowledge.
     */
    @Test
    void peersHungAfterAFailoverBeganKeepTheVipWhereItIs() throws Exception {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        MonController n1 = cluster.node("n1").mon(InMemoryCluster.mon(LONG_GRACE_DELAY), timelines,
                Duration.ofMillis(300));
        n1.healthChanged(NfsdHealth.SERVING);
        cluster.nodes.values().forEach(node -> node.serving = false); // nfsds stalled: no acknowledgement
        n1.healthChanged(NfsdHealth.HUNG);
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.attrd.value("n1", GRACE).isEmpty());

        cluster.node("n2").given(MonStep.HUNG_ATTRIBUTE, "1");
        cluster.node("n3").given(MonStep.HUNG_ATTRIBUTE, "1");
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.attrd.value("n1", GRACE).filter("1"::equals)
                .isPresent());
        Thread.sleep(1_000); // several looks (every 200 ms) later
        assertThat(cluster.attrd.value("n1", GANESHA)).as("journal:%n%s", cluster.journal).contains("1");
        assertThat(cluster.journal.contains("pacemaker", "vip of n1 moves")).isFalse();
        assertThat(cluster.journal.contains("n1", "end hung nfsd")).isFalse();

        // The peers serve again, n1 stays hung: it fails over with a new epoch they acknowledge.
        for (String peer : List.of("n2", "n3")) {
            cluster.node(peer).serving = true;
            cluster.node(peer).without(MonStep.HUNG_ATTRIBUTE);
        }
        FailoverTimeline timeline = nextTimeline();
        assertThat(timeline.acknowledged()).containsExactlyInAnyOrder("n2", "n3");
        assertThat(timeline.acksComplete()).isPresent();
        for (String peer : List.of("n2", "n3")) {
            assertThat(cluster.journal.first(peer, "grace 5:n1")).as(peer + " in grace before the VIP moves")
                    .isLessThan(cluster.journal.first("pacemaker", "vip of n1 moves"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.journal.contains("n1", "end hung nfsd"));
    }

    /** What the agent's liveness reads: the loop running and passing, not once it has died. */
    @Test
    void theLoopCountsAsLoopingOnlyWhileItRuns() throws Exception {
        MonController mon = healthyClusterWithMonOnN2(LONG_GRACE_DELAY);
        assertThat(mon.looping(Duration.ofSeconds(5))).isTrue();
        Thread.sleep(3_000); // the start is 3 s old; the loop begins a pass every 200 ms (reassertEvery)
        assertThat(mon.looping(Duration.ofSeconds(2))).as("a pass since the start").isTrue();
        mon.close();
        assertThat(mon.looping(Duration.ofMinutes(5))).as("its thread has ended").isFalse();
    }

    /**
     * A step may wait as long as grace_delay (up to 300 s) for acknowledgements that do not come:
     * that is the loop working, and the liveness it feeds must not read it as stuck.
     */
    @Test
    void aLongWaitForAcknowledgementsIsStillLooping() throws Exception {
        MonController mon = n2DownAndWaitingForSurvivorsThatNeverAnswer();
        Thread.sleep(3_000); // in the 30 s wait for acknowledgements, polled every 10 ms
        assertThat(cluster.journal.contains("n2", "delete " + GANESHA)).as("still waiting").isFalse();
        assertThat(mon.looping(Duration.ofSeconds(2))).as("a wait the step means to make").isTrue();
    }
}
