package io.ganeshaha.agent.failover;

import static io.ganeshaha.agent.failover.InMemoryCluster.GANESHA;
import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.pacemaker.LocalNode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that stops serving without any notify (a whole node lost) still puts this node in grace,
 * seen in the CIB's copy of the attributes and confirmed by attrd; a value missing only from the
 * CIB's copy puts nobody in grace.
 */
class PeerLossWatchTest {

    private final InMemoryCluster cluster = new InMemoryCluster("n1", "n2", "n3");
    private final InMemoryCluster.Node n1 = cluster.node("n1");
    private final AttributeWatch watch = new AttributeWatch(cluster.attrd.cib(), List.of(new PeerLossWatch(
            cluster.attrd.node("n1"), LocalNode.named("n1"), n1.notifier, () -> n1.serving, () -> GANESHA,
            () -> InMemoryCluster.GRACE, Clock.systemUTC(), Duration.ofSeconds(5))));

    @AfterEach
    void close() throws InterruptedException {
        cluster.close();
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
        assertThat(cluster.journal.matching(e -> e.what().equals("grace 5:n3"))).as("once per loss").hasSize(1);
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
    void quietLooksReadTheCibOnlyAndAskAttrdNothing() {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        for (int i = 0; i < 5; i++) {
            watch.run();
        }
        assertThat(cluster.attrd.queries()).as("attrd queries while every node serves").isZero();
    }

    @Test
    void aPeerMissingOnlyFromTheCibsCopyIsNotTakenOver() {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        watch.run();
        cluster.attrd.cibShows("n3", GANESHA, Optional.empty()); // the CIB rewritten after an election
        watch.run();
        assertThat(cluster.attrd.queries()).as("attrd asked once the CIB lacked n3").isEqualTo(1);
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
    void aLossSeenLateByTheCibIsStillTakenOver() {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        watch.run();
        cluster.attrd.cibShows("n2", GANESHA, Optional.of("1")); // the CIB's copy behind attrd
        cluster.lose("n2");
        watch.run();
        assertThat(cluster.journal.matching(e -> e.what().startsWith("grace"))).isEmpty();
        cluster.attrd.cibCatchesUp();
        watch.run();
        assertThat(cluster.journal.contains("n1", "grace 5:n2")).isTrue();
    }
}
