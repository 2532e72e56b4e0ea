package io.ganeshaha.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ganeshaha.agent.dbus.BusSession;
import io.ganeshaha.agent.dbus.GaneshaDbus;
import io.ganeshaha.agent.testing.GaneshaOnPrivateBus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Hang detection against a real ganesha.nfsd on its own bus, with ganesha's heartbeat configured
 * as real deployments configure it: off (GPFS's sample sets heartbeat_freq = 0) and slower than
 * the agent's hang timeout. Health is sampled every 50 ms; every verdict is kept.
 */
@Tag("integration")
class HangDetectionIT {

    private GaneshaOnPrivateBus ganesha;
    private GaneshaDbus bus;
    private NfsdWatch watch;
    private final List<NfsdHealth> verdicts = new CopyOnWriteArrayList<>();

    private void watch(int heartbeatFreqMs, Duration hangTimeout) throws Exception {
        ganesha = GaneshaOnPrivateBus.create().heartbeatFreq(heartbeatFreqMs).start();
        watch = new NfsdWatch(new ProcessProbe(ganesha.pidFile()), new NfsdHealthTracker(hangTimeout),
                Duration.ofMillis(50), Duration.ofSeconds(1), verdicts::add);
        bus = GaneshaDbus.open(ganesha.busAddress(), watch, BusSession.Options.defaults());
        watch.start(bus);
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.health() == NfsdHealth.SERVING);
    }

    @AfterEach
    void close() {
        if (watch != null) {
            watch.close();
        }
        if (bus != null) {
            bus.close();
        }
        if (ganesha != null) {
            ganesha.close();
        }
    }

    /** Samples the health every 50 ms for {@code d}: every sample. */
    private List<NfsdHealth> sample(Duration d) throws InterruptedException {
        List<NfsdHealth> samples = new java.util.ArrayList<>();
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            samples.add(watch.health());
            Thread.sleep(50);
        }
        return samples;
    }

    /**
     * The NameOwnerChanged signal that says nfsd took its bus name never reaches the watch (seen
     * once in CI after the bus came back: the agent went on believing nfsd was off the bus and
     * never failed back): the watch's bus checks see the owner and take it, two checks in a row.
     */
    @Test
    void nfsdTakingItsNameIsSeenEvenWhenTheSignalIsLost() throws Exception {
        ganesha = GaneshaOnPrivateBus.create().heartbeatFreq(1000).startBus();
        watch = new NfsdWatch(new ProcessProbe(ganesha.pidFile()), new NfsdHealthTracker(Duration.ofSeconds(3)),
                Duration.ofMillis(50), Duration.ofSeconds(1), verdicts::add);
        io.ganeshaha.agent.dbus.GaneshaBusListener withoutOwnerSignals = new io.ganeshaha.agent.dbus.GaneshaBusListener() {
            @Override
            public void ownerChanged(String oldOwner, String newOwner) {
                // lost
            }

            @Override
            public void heartbeat(boolean healthy) {
                watch.heartbeat(healthy);
            }

            @Override
            public void busLost(Throwable cause) {
                watch.busLost(cause);
            }

            @Override
            public void busRegained() {
                watch.busRegained();
            }
        };
        bus = GaneshaDbus.open(ganesha.busAddress(), withoutOwnerSignals, BusSession.Options.defaults());
        watch.start(bus);
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.health() == NfsdHealth.DOWN);

        ganesha.start();
        long started = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.health() == NfsdHealth.SERVING);
        System.out.printf("NameOwnerChanged lost: nfsd seen serving %d ms after it owned its name%n",
                (System.nanoTime() - started) / 1_000_000);
    }

    @Test
    void aGaneshaWithoutHeartbeatsServesAndHangDetectionSaysItIsOff() throws Exception {
        watch(0, Duration.ofSeconds(1));

        assertThat(sample(Duration.ofSeconds(4))).as("4 s without a heartbeat, hang timeout 1 s").containsOnly(
                NfsdHealth.SERVING);
        assertThat(verdicts).doesNotContain(NfsdHealth.HUNG);
        assertThat(watch.hangDetection()).startsWith("off").contains("no heartbeat");
    }

    @Test
    void heartbeatsSlowerThanTheTimeoutAreNoHangButTheirStopIs() throws Exception {
        watch(2500, Duration.ofSeconds(1));

        assertThat(sample(Duration.ofSeconds(8))).as("beats every 2.5 s, hang timeout 1 s").containsOnly(
                NfsdHealth.SERVING);
        assertThat(watch.hangDetection()).startsWith("on").contains("every 2");

        long stopped = System.nanoTime();
        ganesha.sigstop();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> watch.health() == NfsdHealth.HUNG);
        System.out.printf("heartbeat_freq 2500, hang timeout 1 s: SIGSTOP -> HUNG after %d ms%n",
                (System.nanoTime() - stopped) / 1_000_000);
        ganesha.sigcont();
    }
}
