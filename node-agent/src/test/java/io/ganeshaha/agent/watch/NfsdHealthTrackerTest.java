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
    void silenceBeyondTheHangTimeoutAfterAMissedBeatIsAHangForAsLongAsItLasts() {
        tracker.processObserved(Optional.of(P1));
        tracker.busConnected(":1.5", 0);
        tracker.heartbeat(true, 0);
        tracker.heartbeat(true, S);
        // beats every second: the next was due at 2 s, hung 3 s after that
        assertThat(tracker.evaluate(5 * S)).isEqualTo(NfsdHealth.SERVING);
        assertThat(tracker.evaluate(5 * S + 1)).isEqualTo(NfsdHealth.HUNG);
        assertThat(tracker.hungProcess()).contains(P1);
        tracker.heartbeat(true, 5 * S); // SIGCONT: heartbeats again
        assertThat(tracker.evaluate(5 * S)).as("the stall is over").isEqualTo(NfsdHealth.SERVING);
        assertThat(tracker.hungProcess()).isEmpty();
        assertThat(tracker.evaluate(9 * S + 1)).isEqualTo(NfsdHealth.HUNG);
        tracker.ownerChanged("", 10 * S); // ended by the agent
        tracker.processObserved(Optional.empty());
        assertThat(tracker.evaluate(10 * S)).isEqualTo(NfsdHealth.DOWN);
        tracker.processObserved(Optional.of(P2)); // restarted by its supervisor
        tracker.ownerChanged(":1.9", 11 * S);
        assertThat(tracker.evaluate(11 * S)).isEqualTo(NfsdHealth.SERVING);
    }

    @Test
    void unhealthyHeartbeatsDoNotKeepItAlive() {
        tracker.busConnected(":1.5", 0);
        tracker.heartbeat(false, 2 * S);
        tracker.heartbeat(false, 3 * S);
        // no healthy beat since it took its name at 0; one was due at 1 s
        assertThat(tracker.evaluate(4 * S + 1)).isEqualTo(NfsdHealth.HUNG);
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
        tracker.heartbeat(true, -S);
        tracker.heartbeat(true, 0);
        assertThat(tracker.evaluate(4 * S + 1)).isEqualTo(NfsdHealth.HUNG);
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

    @Test
    void anNfsdThatNeverBeatsCannotBeJudgedHungAndSaysSo() {
        tracker.processObserved(Optional.of(P1));
        tracker.busConnected(":1.5", 0);
        assertThat(tracker.evaluate(1000 * S)).as("heartbeat_freq = 0").isEqualTo(NfsdHealth.SERVING);
        assertThat(tracker.hangDetection()).startsWith("off").contains("no heartbeat");

        tracker.heartbeat(true, 1000 * S);
        assertThat(tracker.hangDetection()).as("one beat: on, with ganesha's longest period")
                .startsWith("on").contains("5000 ms at most");
        assertThat(tracker.evaluate(1008 * S)).as("5 s + 3 s after the beat").isEqualTo(NfsdHealth.SERVING);
        tracker.heartbeat(true, 1002 * S);
        assertThat(tracker.hangDetection()).contains("every 2000 ms");
        tracker.heartbeat(true, 1101 * S);
        tracker.ownerChanged(":1.9", 1102 * S); // a new nfsd: judged afresh
        assertThat(tracker.hangDetection()).startsWith("off");
        assertThat(tracker.evaluate(2000 * S)).isEqualTo(NfsdHealth.SERVING);
    }

    @Test
    void theTimeoutCountsFromTheBeatGaneshaWasDueToSend() {
        tracker.processObserved(Optional.of(P1));
        tracker.busConnected(":1.5", 0);
        for (int beat = 0; beat <= 4; beat++) {
            tracker.heartbeat(true, beat * 5 * S); // heartbeat_freq = 5000, longer than the hang timeout
        }
        assertThat(tracker.hangDetection()).contains("every 5000 ms");
        assertThat(tracker.evaluate(27 * S)).as("one beat late is 3 s after 25 s").isEqualTo(NfsdHealth.SERVING);
        assertThat(tracker.evaluate(28 * S)).isEqualTo(NfsdHealth.SERVING);
        assertThat(tracker.evaluate(28 * S + 1)).isEqualTo(NfsdHealth.HUNG);
    }

    @Test
    void aStallShorterThanTheTimeoutIsNoHangWhereverItFallsBetweenBeats() {
        for (long phase = 0; phase < S; phase += S / 10) {
            NfsdHealthTracker t = new NfsdHealthTracker(Duration.ofSeconds(3));
            t.processObserved(Optional.of(P1));
            t.busConnected(":1.5", 0);
            t.heartbeat(true, 0);
            t.heartbeat(true, S);
            long stalled = S + phase;                  // SIGSTOP somewhere before the next beat
            long resumed = stalled + 2_500_000_000L;   // SIGCONT 2.5 s later; the late beat goes out
            for (long now = stalled; now < resumed; now += S / 100) {
                assertThat(t.evaluate(now)).as("stalled at +%d ms, %d ms in", phase / 1_000_000,
                        (now - stalled) / 1_000_000).isEqualTo(NfsdHealth.SERVING);
            }
            t.heartbeat(true, resumed);
            assertThat(t.evaluate(resumed)).isEqualTo(NfsdHealth.SERVING);
        }
    }
}
