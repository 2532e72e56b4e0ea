package io.ganeshaha.agent.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.testing.Journal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Takeover requests are answered as attrd holds them: seen in a snapshot and read from attrd, or
 * read from attrd on their own schedule while the CIB's copy lags; each once.
 */
class TakeoverRequestWatchTest {

    private final InMemoryCluster cluster = new InMemoryCluster("n1", "n2", "n3");
    private final InMemoryCluster.Node n1 = cluster.node("n1");
    private final TakeoverRequestWatch requests = new TakeoverRequestWatch(cluster.attrd.node("n1"),
            LocalNode.named("n1"), n1.notifier, () -> n1.serving, Clock.systemUTC(), Duration.ofSeconds(5));
    private final AttributeWatch snapshots = new AttributeWatch(cluster.attrd.cib(), List.of(requests));

    @AfterEach
    void close() throws InterruptedException {
        cluster.close();
    }

    private List<Journal.Entry> graceCalls() {
        return cluster.journal.matching(e -> e.what().startsWith("grace"));
    }

    @Test
    void aRequestSeenInTheSnapshotIsAnsweredOnceWhicheverWayItIsRead() {
        cluster.lose("n3");
        cluster.attrd.put("n2", TakeoverGate.REQUEST_ATTRIBUTE, "n3=T1");
        snapshots.run();
        assertThat(cluster.journal.contains("n1", "grace 5:n3")).isTrue();
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).contains("n3=T1");
        requests.run();
        snapshots.run();
        assertThat(graceCalls()).hasSize(1);
    }

    @Test
    void aRequestOnlyTheCibsCopyStillShowsIsNotAnswered() {
        cluster.attrd.cibShows("n2", TakeoverGate.REQUEST_ATTRIBUTE, Optional.of("n3=T0")); // withdrawn in attrd
        snapshots.run();
        requests.run();
        assertThat(graceCalls()).isEmpty();
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).isEmpty();
    }

    @Test
    void aRequestTheCibsCopyDoesNotShowYetIsAnsweredFromAttrd() {
        cluster.lose("n3");
        cluster.attrd.put("n2", TakeoverGate.REQUEST_ATTRIBUTE, "n3=T1");
        cluster.attrd.cibShows("n2", TakeoverGate.REQUEST_ATTRIBUTE, Optional.empty());
        snapshots.run();
        assertThat(graceCalls()).isEmpty();
        requests.run();
        assertThat(cluster.journal.contains("n1", "grace 5:n3")).isTrue();
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).contains("n3=T1");
    }

    @Test
    void snapshotsWithoutANewRequestAskAttrdNothing() {
        cluster.nodes.values().forEach(InMemoryCluster.Node::healthy);
        snapshots.run();
        cluster.attrd.put("n2", TakeoverGate.REQUEST_ATTRIBUTE, "n3=T1");
        snapshots.run();
        int queries = cluster.attrd.queries();
        snapshots.run();
        snapshots.run();
        assertThat(cluster.attrd.queries()).as("answered already").isEqualTo(queries);
    }
}
