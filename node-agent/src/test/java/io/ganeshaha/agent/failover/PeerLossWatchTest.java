package io.ganeshaha.agent.failover;

import static io.ganeshaha.agent.failover.InMemoryCluster.GANESHA;
import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.pacemaker.LocalNode;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A peer that stops serving without any notify (a whole node lost) still puts this node in grace. */
class PeerLossWatchTest {

    private final InMemoryCluster cluster = new InMemoryCluster("n1", "n2", "n3");
    private final InMemoryCluster.Node n1 = cluster.node("n1");
    private final PeerLossWatch watch = new PeerLossWatch(cluster.attrd.node("n1"), LocalNode.named("n1"), n1.notifier,
            () -> n1.serving, () -> GANESHA, () -> InMemoryCluster.GRACE, Clock.systemUTC(), Duration.ofSeconds(5));

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
}
