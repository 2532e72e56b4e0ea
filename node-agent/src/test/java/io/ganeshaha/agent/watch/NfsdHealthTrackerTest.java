package io.ganeshaha.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NfsdHealthTrackerTest {

    private static final long S = 1_000_000_000L;
    private static final NfsdProcess P1 = new NfsdProcess(100, 5);
    private static final NfsdProcess P2 = new NfsdProcess(200, 9);

    private final NfsdHealthTracker tracker = new NfsdHealthTracker(Duration.ofSeconds(3));

    @Test
    void servingWhileOnTheBusWithHeartbeats() {
        tracker.processObserved(Optional.of(P1));
        tracker.busConnected(":1.5", 0);
        tracker.heartbeat(true, 2 * S);
        assertThat(tracker.evaluate(4 * S)).isEqualTo(NfsdHealth.SERVING);
    }

    @Test
    void leavingTheBusWithTheProcessGoneIsDeath() {
        tracker.processObserved(Optional.of(P1));
        tracker.busConnected(":1.5", 0);
        assertThat(tracker.evaluate(0)).isEqualTo(NfsdHealth.SERVING);
        tracker.processObserved(Optional.empty());
        tracker.ownerChanged("", S);
        assertThat(tracker.evaluate(S)).isEqualTo(NfsdHealth.DOWN);
    }

    @Test
    void theSameProcessOffARestartedBusKeepsServing() {
        tracker.processObserved(Optional.of(P1));
        tracker.busConnected(":1.5", 0);
        assertThat(tracker.evaluate(0)).isEqualTo(NfsdHealth.SERVING);
        tracker.busLost();
        tracker.busConnected("", 2 * S); // the bus came back, ganesha did not re-register
        assertThat(tracker.evaluate(10 * S)).isEqualTo(NfsdHealth.SERVING);
        tracker.processObserved(Optional.empty());
        assertThat(tracker.evaluate(10 * S)).isEqualTo(NfsdHealth.DOWN);
    }

    @Test
    void silenceBeyondTheHangTimeoutIsAHangAndItSticksForThatProcess() {
        tracker.processObserved(Optional.of(P1));
        tracker.busConnected(":1.5", 0);
        tracker.heartbeat(true, S);
        assertThat(tracker.evaluate(4 * S)).isEqualTo(NfsdHealth.SERVING);
        assertThat(tracker.evaluate(4 * S + 1)).isEqualTo(NfsdHealth.HUNG);
        tracker.heartbeat(true, 5 * S); // SIGCONT: heartbeats again
        assertThat(tracker.evaluate(5 * S)).as("no flap back").isEqualTo(NfsdHealth.HUNG);
        tracker.ownerChanged("", 6 * S); // killed
        tracker.processObserved(Optional.empty());
        assertThat(tracker.evaluate(6 * S)).isEqualTo(NfsdHealth.DOWN);
        tracker.processObserved(Optional.of(P2)); // restarted
        tracker.ownerChanged(":1.9", 7 * S);
        assertThat(tracker.evaluate(7 * S)).isEqualTo(NfsdHealth.SERVING);
    }

    @Test
    void unhealthyHeartbeatsDoNotKeepItAlive() {
        tracker.busConnected(":1.5", 0);
        tracker.heartbeat(false, 2 * S);
        tracker.heartbeat(false, 3 * S);
        assertThat(tracker.evaluate(3 * S + 1)).isEqualTo(NfsdHealth.HUNG);
    }

    @Test
    void aDeadBusIsNotADeadNfsd() {
        tracker.processObserved(Optional.of(P1));
        tracker.busConnected(":1.5", 0);
        tracker.busLost();
        assertThat(tracker.evaluate(100 * S)).as("no hang verdict without the bus").isEqualTo(NfsdHealth.SERVING);
        tracker.processObserved(Optional.empty());
        assertThat(tracker.evaluate(100 * S)).as("death still seen through the pid file").isEqualTo(NfsdHealth.DOWN);
    }

    @Test
    void aHangStaysAHangWhenTheBusGoesAwayButNotWhenTheProcessIsReplaced() {
        tracker.processObserved(Optional.of(P1));
        tracker.busConnected(":1.5", 0);
        assertThat(tracker.evaluate(4 * S)).isEqualTo(NfsdHealth.HUNG);
        tracker.busLost();
        assertThat(tracker.evaluate(5 * S)).isEqualTo(NfsdHealth.HUNG);
        tracker.processObserved(Optional.of(P2));
        assertThat(tracker.evaluate(6 * S)).as("replaced, but not on a bus yet").isEqualTo(NfsdHealth.DOWN);
        tracker.busConnected(":1.8", 7 * S);
        assertThat(tracker.evaluate(7 * S)).isEqualTo(NfsdHealth.SERVING);
    }

    @Test
    void aNewProcessNotOnTheBusYetIsDown() {
        tracker.processObserved(Optional.of(P1));
        tracker.busConnected(":1.5", 0);
        assertThat(tracker.evaluate(0)).isEqualTo(NfsdHealth.SERVING);
        tracker.processObserved(Optional.of(P2));
        tracker.ownerChanged("", S);
        assertThat(tracker.evaluate(S)).isEqualTo(NfsdHealth.DOWN);
        tracker.ownerChanged(":1.7", 2 * S);
        assertThat(tracker.evaluate(2 * S)).isEqualTo(NfsdHealth.SERVING);
    }

    @Test
    void atAgentStartANfsdOffAnUpBusIsNotTrusted() {
        tracker.processObserved(Optional.of(P1));
        tracker.busConnected("", 0);
        assertThat(tracker.evaluate(0)).isEqualTo(NfsdHealth.DOWN);
    }

    @Test
    void aZeroHangTimeoutTurnsHangDetectionOff() {
        NfsdHealthTracker noHang = new NfsdHealthTracker(Duration.ZERO);
        noHang.busConnected(":1.5", 0);
        assertThat(noHang.evaluate(1000 * S)).isEqualTo(NfsdHealth.SERVING);
    }
}
