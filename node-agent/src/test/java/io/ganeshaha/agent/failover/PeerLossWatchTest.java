package io.ganeshaha.agent.failover;

import static io.ganeshaha.agent.failover.InMemoryCluster.GANESHA;
import static io.ganeshaha.agent.failover.InMemoryCluster.GRACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that stops serving without any notify (a whole node lost) still puts this node in grace,
 * seen in the CIB's copy of the attributes and confirmed by attrd; a value missing only from the
 * CIB's copy puts nobody in grace, and one the copy keeps after attrd dropped it neither hides a
 * loss for long nor undoes a takeover.
 */
class PeerLossWatchTest {

    private final InMemoryCluster cluster = new InMemoryCluster("n1", "n2", "n3");
    private final InMemoryCluster.Node n1 = cluster.node("n1");
    /** From now on (the grace calls' deadlines are judged by the real clock), moved by the tests only. */
    private final MutableClock clock = new MutableClock(Instant.now());
    private final AttributeWatch watch = new AttributeWatch(cluster.attrd.cib(), List.of(new PeerLossWatch(
            cluster.attrd.node("n1"), LocalNode.named("n1"), n1.notifier, () -> n1.serving, () -> GANESHA,
            () -> GRACE, clock, Duration.ofSeconds(5))));

    @AfterEach
    void close() throws InterruptedException {
        cluster.close();
    }

    private long graceCalls(String what) {
        return cluster.journal.matching(e -> e.what().equals(what)).size();
    }

    @Test
    void aPeerThatStopsServingIsTakenOverOnTheNextLook() {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        watch.run();
        assertThat(cluster.journal.entries()).as("the first look only learns who serves").isEmpty();

        cluster.lose("n3");
        watch.run();

        assertThat(cluster.journal.contains("n1", "grace 5:n3")).isTrue();
        assertThat(cluster.journal.contains("n1", "grace 5:n2")).isFalse();
        watch.run();
        assertThat(graceCalls("grace 5:n3")).as("once per loss").isEqualTo(1);
    }

    @Test
    void aNodeNotServingItselfTakesOverNothing() {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        watch.run();
        n1.serving = false;
        cluster.lose("n3");
        watch.run();
        assertThat(cluster.journal.matching(e -> e.what().startsWith("grace"))).isEmpty();
    }

    @Test
    void attrdDownIsSurvivedAndTheLossSeenOnceItAnswers() {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        watch.run();
        cluster.attrd.down(true);
        watch.run(); // logged, nothing thrown
        cluster.attrd.down(false);
        cluster.lose("n2");
        watch.run();
        assertThat(cluster.journal.contains("n1", "grace 5:n2")).isTrue();
    }

    @Test
    void quietLooksAskAttrdOnlyToReconcileEveryFewSeconds() {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        for (int i = 0; i < 15; i++) {
            watch.run();
            clock.advance(Duration.ofMillis(250));
        }
        assertThat(cluster.attrd.queries()).as("attrd queries in 3.75 s while every node serves").isEqualTo(1);
        clock.advance(PeerLossWatch.RECONCILE_EVERY);
        watch.run();
        assertThat(cluster.attrd.queries()).isEqualTo(2);
    }

    @Test
    void aPeerMissingOnlyFromTheCibsCopyIsNotTakenOver() {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        watch.run();
        watch.run(); // the first reconciliation
        int queries = cluster.attrd.queries();
        cluster.attrd.cibShows("n3", GANESHA, Optional.empty()); // the CIB rewritten after an election
        watch.run();
        assertThat(cluster.attrd.queries()).as("attrd asked once the CIB lacked n3").isEqualTo(queries + 1);
        cluster.attrd.cibCatchesUp();
        watch.run();
        assertThat(cluster.journal.matching(e -> e.what().startsWith("grace"))).as("nobody failed").isEmpty();

        cluster.lose("n3");
        watch.run();
        assertThat(cluster.journal.contains("n1", "grace 5:n3")).as("n3 still watched, its real loss seen").isTrue();
    }

    @Test
    void aLossAttrdCannotConfirmYetIsActedOnOnceItAnswers() {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        watch.run();
        cluster.lose("n3");
        cluster.attrd.queriesFail(true);
        watch.run();
        assertThat(cluster.journal.matching(e -> e.what().startsWith("grace"))).as("unconfirmed").isEmpty();
        cluster.attrd.queriesFail(false);
        watch.run();
        assertThat(cluster.journal.contains("n1", "grace 5:n3")).isTrue();
    }

    @Test
    void aLossTheCibsCopyHidesIsSeenAtTheNextReconciliation() {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        watch.run();
        watch.run(); // the first reconciliation
        cluster.attrd.cibShows("n2", GANESHA, Optional.of("1")); // the CIB keeps what attrd dropped
        cluster.lose("n2");
        watch.run();
        assertThat(cluster.journal.matching(e -> e.what().startsWith("grace"))).isEmpty();
        clock.advance(PeerLossWatch.RECONCILE_EVERY);
        watch.run();
        assertThat(cluster.journal.contains("n1", "grace 5:n2")).isTrue();
    }

    /**
     * The CIB's copy still shows a node taken over as serving with grace-active set: attrd, which
     * dropped them, decides that it is not back, so the takeover is not forgotten and the next
     * signal of the same loss (the taker's gate) makes no second grace call, which would restart
     * grace on this survivor.
     */
    @Test
    void aTakenOverPeerIsBackOnlyWhenAttrdSaysSo() {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        watch.run();
        cluster.lose("n3");
        watch.run();
        assertThat(graceCalls("grace 5:n3")).isEqualTo(1);

        cluster.attrd.cibShows("n3", GANESHA, Optional.of("1"));
        cluster.attrd.cibShows("n3", GRACE, Optional.of("1"));
        watch.run();
        n1.notifier.takeOver("n3", "n1", Instant.now().plusSeconds(5));
        assertThat(graceCalls("grace 5:n3")).as("one grace call per loss").isEqualTo(1);

        cluster.attrd.cibCatchesUp();
        cluster.node("n3").healthy(); // n3 really back
        watch.run();
        assertThat(n1.notifier.tookOver("n3")).as("seen back").isFalse();
    }
}
