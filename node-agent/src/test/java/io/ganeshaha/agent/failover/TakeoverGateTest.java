package io.ganeshaha.agent.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.testing.InMemoryAttrd;
import io.ganeshaha.agent.testing.Journal;
import io.ganeshaha.agent.testing.PeerAgents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The takeover gate on n2, about to take n3's virtual IPs over, with n1 the other serving peer:
 * n1 must be in grace for n3 before the gate lets the addresses come up, also when n3 was lost
 * whole and no notify ran anywhere.
 */
class TakeoverGateTest {

    private final Journal journal = new Journal();
    private final InMemoryAttrd attrd = new InMemoryAttrd(journal);
    private final ScheduledExecutorService n1Schedule = Executors.newSingleThreadScheduledExecutor();
    private volatile boolean n1Serving = true;

    @BeforeEach
    void healthyCluster() {
        for (String node : new String[] {"n1", "n2", "n3"}) {
            attrd.put(node, "ganesha-active", "1");
            attrd.put(node, "grace-active", "1");
        }
    }

    @AfterEach
    void stop() {
        n1Schedule.shutdownNow();
    }

    private TakeoverGate gateOnN2() {
        return new TakeoverGate(attrd.node("n2"), new LocalAttributes(attrd.node("n2"), LocalNode.named("n2")),
                Clock.systemUTC(), Duration.ofMillis(10));
    }

    private void n1AnswersRequests() {
        PeerAgents.answerTakeoverRequests(attrd, journal, "n1", () -> n1Serving, n1Schedule);
    }

    private TakeoverGate.Outcome takeOverN3(Duration within) throws Exception {
        TakeoverGate.Outcome outcome = gateOnN2().await("n3", "n2", "ganesha-active", "grace-active",
                Instant.now().plus(within));
        journal.add("n2", "gate open");
        return outcome;
    }

    @Test
    void aLostNodesVipWaitsUntilTheOtherServingPeerIsInGraceForIt() throws Exception {
        attrd.lose("n3"); // no fencing, no notify: attrd drops n3's attributes, nobody handshook
        n1AnswersRequests();

        TakeoverGate.Outcome outcome = takeOverN3(Duration.ofSeconds(5));

        assertThat(outcome.peers()).containsExactly("n1");
        assertThat(outcome.complete()).as("journal:%n%s", journal).isTrue();
        assertThat(journal.first("n1", "grace 5:n3")).isNotNegative().isLessThan(journal.first("n2", "gate open"));
        assertThat(attrd.value("n1", "ganesha-grace-ack")).hasValueSatisfying(v -> assertThat(v).startsWith("n3="));
        assertThat(attrd.value("n2", TakeoverGate.REQUEST_ATTRIBUTE)).as("withdrawn once answered: an agent started "
                + "later must not answer it again").isEmpty();
    }

    @Test
    void aFinishedFailoverHandshakeOpensTheGateAtOnce() throws Exception {
        // n3's mon ran the handshake: n1 acknowledged its epoch, then both attributes went.
        attrd.put("n3", "ganesha-grace-request", "E7");
        attrd.put("n1", "ganesha-grace-ack", "n3=E7");
        attrd.remove("n3", "grace-active");
        attrd.remove("n3", "ganesha-active");

        TakeoverGate.Outcome outcome = takeOverN3(Duration.ofSeconds(5));

        assertThat(outcome.complete()).isTrue();
        assertThat(attrd.value("n2", TakeoverGate.REQUEST_ATTRIBUTE)).as("nothing to ask").isEmpty();
    }

    @Test
    void anOldAcknowledgementOfAHomeNodeStillServingDoesNotCount() throws Exception {
        // n3's last epoch was its fail-back, which n1 acknowledged; n3 still has both attributes
        // (its loss not yet seen by attrd): the gate must ask afresh.
        attrd.put("n3", "ganesha-grace-request", "E6");
        attrd.put("n1", "ganesha-grace-ack", "n3=E6");
        n1AnswersRequests();

        TakeoverGate.Outcome outcome = takeOverN3(Duration.ofSeconds(5));

        assertThat(outcome.complete()).isTrue();
        assertThat(journal.contains("n2", "delete " + TakeoverGate.REQUEST_ATTRIBUTE)).as("asked, then withdrawn").isTrue();
        assertThat(journal.first("n1", "grace 5:n3")).isNotNegative().isLessThan(journal.first("n2", "gate open"));
    }

    @Test
    void aPeerThatNeverAnswersHoldsTheGateUntilTheDeadlineAndNoLonger() throws Exception {
        attrd.lose("n3");
        n1Serving = false; // n1's agent refuses: its nfsd does not serve (yet its attributes say it does)
        n1AnswersRequests();
        long started = System.nanoTime();

        TakeoverGate.Outcome outcome = takeOverN3(Duration.ofMillis(500));

        assertThat(outcome.complete()).isFalse();
        assertThat(outcome.describe("n3")).contains("no grace acknowledgement for n3 from [n1]");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(3));
    }

    @Test
    void hungPeersAreNotWaitedFor() throws Exception {
        attrd.lose("n3");
        attrd.put("n1", MonStep.HUNG_ATTRIBUTE, "1");
        TakeoverGate.Outcome outcome = takeOverN3(Duration.ofSeconds(5));
        assertThat(outcome.peers()).isEmpty();
        assertThat(outcome.complete()).isTrue();
    }
}
