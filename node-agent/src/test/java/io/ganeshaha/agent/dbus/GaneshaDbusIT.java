package io.ganeshaha.agent.dbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.messages.DBusSignal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.ganeshaha.agent.dbus.GaneshaDbusException.Reason;
import io.ganeshaha.agent.testing.GaneshaOnPrivateBus;

/**
 * Against a real ganesha.nfsd 4.3 on a private dbus-daemon (needs root, dbus, nfs-ganesha,
 * nfs-ganesha-mem). Each test gets its own bus and ganesha; all are killed afterwards.
 */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GaneshaDbusIT {

    private static final Duration CALL = Duration.ofSeconds(2);
    private static final BusSession.Options FAST = BusSession.Options.defaults()
        .withConnectTimeout(Duration.ofSeconds(2))
        .withReconnectDelays(Duration.ofMillis(50), Duration.ofMillis(500));

    private GaneshaOnPrivateBus nfsd;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        nfsd = GaneshaOnPrivateBus.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        Collections.reverse(closeables);
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
        nfsd.close();
    }

    private GaneshaDbus connect(GaneshaBusListener listener) throws GaneshaDbusException {
        GaneshaDbus dbus = GaneshaDbus.connect(nfsd.busAddress(), listener, FAST);
        closeables.add(dbus);
        return dbus;
    }

    @Test
    void getGraceAnswersAndRoundTripIsFast() throws Exception {
        nfsd.start();
        GaneshaDbus dbus = connect(GaneshaBusListener.IGNORE);

        dbus.inGrace(CALL); // warm-up (class loading, first marshalling)
        long[] micros = new long[200];
        for (int i = 0; i < micros.length; i++) {
            long t0 = System.nanoTime();
            dbus.inGrace(CALL);
            micros[i] = (System.nanoTime() - t0) / 1000;
        }
        Stats s = Stats.of(micros);
        System.out.println("[latency] get_grace round trip: " + s);
        assertThat(s.p50).isLessThan(20_000);
    }

    @Test
    void grace5PutsGaneshaInGraceAndLogsMissingRecoveryDir() throws Exception {
        nfsd.start();
        GaneshaDbus dbus = connect(GaneshaBusListener.IGNORE);
        // no clients: the start-up grace is lifted at once ("reclaim complete(0) clid count(0)")
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
            .until(() -> !dbus.inGrace(CALL));
        long mark = nfsd.logMark();

        long t0 = System.nanoTime();
        dbus.grace(5, "somepeer", CALL);
        long graceMicros = (System.nanoTime() - t0) / 1000;
        // ganesha lifts grace early without clients: look right away, every ~20 ms
        List<Boolean> seen = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            seen.add(dbus.inGrace(CALL));
            Thread.sleep(20);
        }
        System.out.println("[latency] grace(\"5:somepeer\") round trip: " + graceMicros + " us; get_grace after it: " + seen);
        assertThat(seen.get(0)).as("in grace right after grace(5:somepeer)").isTrue();

        Path expectedDir = nfsd.recoveryRoot().resolve("somepeer").resolve("v4recov");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(nfsd.logSince(mark))
            .contains("NFS Server recovery event 5 nodeid -1 ip somepeer")
            .contains("Failed to open v4 recovery dir (" + expectedDir + ")")
            .contains("grace reload client info completed from backend"));
    }

    @Test
    void grace5WithRecoveryDirPresentReadsItWithoutComplaint() throws Exception {
        Path dir = nfsd.recoveryRoot().resolve("peer2").resolve("v4recov");
        Files.createDirectories(dir);
        nfsd.start();
        GaneshaDbus dbus = connect(GaneshaBusListener.IGNORE);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
            .until(() -> !dbus.inGrace(CALL));
        long mark = nfsd.logMark();

        dbus.grace(5, "peer2", CALL);
        assertThat(dbus.inGrace(CALL)).isTrue();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(nfsd.logSince(mark))
            .contains("NFS Server recovery event 5 nodeid -1 ip peer2")
            .contains("Recovery for nodeid -1 dir (" + dir + ")")
            .contains("grace reload client info completed from backend"));
        assertThat(nfsd.logSince(mark)).doesNotContain("Failed to open v4 recovery dir")
            .doesNotContain("Failed to read v4 recovery dir");
    }

    @Test
    void otherGraceEventsAreAcceptedAndRoundTripIsFast() throws Exception {
        nfsd.start();
        GaneshaDbus dbus = connect(GaneshaBusListener.IGNORE);
        long mark = nfsd.logMark();
        long[] micros = new long[20];
        for (int i = 0; i < micros.length; i++) {
            long t0 = System.nanoTime();
            dbus.grace(0, "198.18.0.1" + (i % 10), CALL);
            micros[i] = (System.nanoTime() - t0) / 1000;
        }
        System.out.println("[latency] grace(\"0:IP\") round trip: " + Stats.of(micros));
        dbus.grace(2, "fe80::1", CALL); // IPv6 key: the explicit event keeps it intact
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(nfsd.logSince(mark))
            // event 0 (just grace) is not logged as a "recovery event" by 4.3, only the grace start
            .contains("NFS Server Now IN GRACE, duration 20")
            .doesNotContain("recovery event 0")
            .contains("NFS Server recovery event 2 nodeid -1 ip fe80::1")
            .contains("NFS Server V4 recovery release ip fe80::1"));
        assertThat(dbus.inGrace(CALL)).isTrue();
    }

    @Test
    void ownerIsPresentThenEmptyAfterKill9AndTheListenerHearsItWithin100ms() throws Exception {
        nfsd.start();
        RecordingListener events = new RecordingListener();
        GaneshaDbus dbus = connect(events);

        Optional<String> owner = dbus.nfsdOwner(CALL);
        assertThat(owner).isPresent();
        assertThat(owner.get()).startsWith(":");
        // the listener is told the owner it did not know yet
        await().atMost(Duration.ofSeconds(2)).until(() -> events.lastOwner().equals(owner.get()));

        List<Long> latencies = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            String current = dbus.nfsdOwner(CALL).orElseThrow();
            await().atMost(Duration.ofSeconds(2)).until(() -> events.lastOwner().equals(current));
            int before = events.of("owner").size();
            long t0 = System.nanoTime();
            nfsd.kill9NoWait();
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(1))
                .until(() -> events.of("owner").size() > before);
            RecordingListener.Event e = events.of("owner").get(before);
            assertThat(e.a()).isEqualTo(current);
            assertThat(e.b()).isEmpty();
            latencies.add((e.nanos() - t0) / 1000);
            assertThat(dbus.nfsdOwner(CALL)).isEmpty();
            nfsd.kill9(); // reap
            if (round < 2) {
                nfsd.start();
                await().atMost(Duration.ofSeconds(2)).until(() -> !events.lastOwner().isEmpty());
            }
        }
        System.out.println("[latency] kill -9 -> ownerChanged(->\"\"): " + latencies + " us");
        assertThat(latencies).allSatisfy(us -> assertThat(us).isLessThan(100_000));
        assertThat(events.threads).allSatisfy(t -> assertThat(t.getName()).contains("ganesha-dbus-"));
    }

    @Test
    void heartbeatsArriveAboutOnceASecondStopUnderSigstopAndResumeAfterSigcont() throws Exception {
        nfsd.start();
        RecordingListener events = new RecordingListener();
        connect(events);

        await().atMost(Duration.ofSeconds(8)).until(() -> events.count("heartbeat") >= 4);
        List<Long> times = events.heartbeatTimes();
        List<Long> gapsMs = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gapsMs.add((times.get(i) - times.get(i - 1)) / 1_000_000);
        }
        System.out.println("[heartbeat] intervals (ms): " + gapsMs);
        List<Long> sorted = gapsMs.stream().sorted().toList();
        assertThat(sorted.get(sorted.size() / 2)).as("median heartbeat interval").isBetween(800L, 1200L);
        assertThat(gapsMs).allSatisfy(g -> assertThat(g).isBetween(300L, 1700L));
        assertThat(events.of("heartbeat")).allSatisfy(e -> assertThat(e.a()).isEqualTo("true"));

        nfsd.sigstop();
        Thread.sleep(100); // one may have been in flight
        long frozen = events.count("heartbeat");
        Thread.sleep(3000);
        assertThat(events.count("heartbeat")).as("heartbeats while SIGSTOPped").isEqualTo(frozen);

        long t0 = System.nanoTime();
        nfsd.sigcont();
        await().atMost(Duration.ofSeconds(3)).until(() -> events.count("heartbeat") > frozen);
        System.out.println("[heartbeat] first heartbeat " + (System.nanoTime() - t0) / 1_000_000 + " ms after SIGCONT");
    }

    @Test
    void callsAgainstAStoppedGaneshaFailByTimeoutWithinTheBound() throws Exception {
        nfsd.start();
        GaneshaDbus dbus = connect(GaneshaBusListener.IGNORE);
        dbus.inGrace(CALL);
        nfsd.sigstop();
        try {
            for (Duration bound : List.of(Duration.ofMillis(300), Duration.ofMillis(1000))) {
                long t0 = System.nanoTime();
                GaneshaDbusException e = catchThrowableOfType(GaneshaDbusException.class, () -> dbus.inGrace(bound));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("[timeout] get_grace against SIGSTOPped ganesha, bound " + bound.toMillis()
                    + " ms: failed after " + ms + " ms: " + e.getMessage());
                assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
                assertThat(e.getMessage()).isEqualTo("get_grace() failed: timeout after " + bound.toMillis()
                    + " ms waiting for a reply from org.ganesha.nfsd");
                assertThat(ms).isBetween(bound.toMillis() - 5, bound.toMillis() + 500);
            }
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> dbus.grace(0, "stopped", Duration.ofMillis(500)))
                .isInstanceOfSatisfying(GaneshaDbusException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT))
                .hasMessage("grace(\"0:stopped\") failed: timeout after 500 ms waiting for a reply from org.ganesha.nfsd");
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1500);
            // the bus itself still answers
            assertThat(dbus.nfsdOwner(CALL)).isPresent();
        } finally {
            nfsd.sigcont();
        }
        // ganesha answers again once continued
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> dbus.inGrace(CALL) || true);
    }

    @Test
    void aLongHungGaneshaKeepsFailingByTimeoutNotByTheBusReplyLimit() throws Exception {
        // dbus-daemon allows 128 pending replies per connection; calls we gave up on stay pending there
        nfsd.start();
        GaneshaDbus dbus = connect(GaneshaBusListener.IGNORE);
        nfsd.sigstop();
        java.util.Map<Reason, Integer> reasons = new java.util.EnumMap<>(Reason.class);
        String backlogMessage = null;
        try {
            for (int i = 0; i < 200; i++) {
                try {
                    dbus.inGrace(Duration.ofMillis(5));
                } catch (GaneshaDbusException e) {
                    reasons.merge(e.reason(), 1, Integer::sum);
                    if (e.getMessage().contains("has not answered")) {
                        backlogMessage = e.getMessage();
                    }
                }
            }
            assertThat(dbus.nfsdOwner(CALL)).as("the bus itself still answers").isPresent();
        } finally {
            nfsd.sigcont();
        }
        System.out.println("[timeout] 200 calls to a SIGSTOPped ganesha: " + reasons + "; " + backlogMessage);
        assertThat(reasons).containsExactly(java.util.Map.entry(Reason.TIMEOUT, 200));
        assertThat(backlogMessage).isEqualTo("get_grace() failed: timeout: org.ganesha.nfsd has not answered "
            + BusCall.MAX_UNANSWERED_CALLS + " earlier calls (hung?); not sending more until it does");
        // once ganesha runs again it answers the backlog, and calls go through
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
            dbus.inGrace(CALL);
            return true;
        });
    }

    @Test
    void statusFalseAndABlockingGraceAgainstAFakeGanesha() throws Exception {
        nfsd.startBus(); // no ganesha: a test connection exports a fake admin object under its name
        GaneshaDbus dbus = connect(GaneshaBusListener.IGNORE);
        FakeGaneshaAdmin fake = new FakeGaneshaAdmin();
        try (DBusConnection fakeConn = DBusConnectionBuilder.forAddress(nfsd.busAddress()).withShared(false).build()) {
            fakeConn.exportObject(GaneshaDbus.ADMIN_PATH, fake);
            fakeConn.requestBusName(GaneshaDbus.BUS_NAME);

            dbus.grace(5, "fe80::1", CALL);
            assertThat(fake.graceArguments).containsExactly("5:fe80::1");
            assertThat(dbus.inGrace(CALL)).isTrue();

            fake.failWith = "fake failure";
            assertThatThrownBy(() -> dbus.grace(5, "n2", CALL))
                .isInstanceOfSatisfying(GaneshaDbusException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.GANESHA_FAILED))
                .hasMessage("grace(\"5:n2\") failed: ganesha answered status=false: fake failure");

            fake.failWith = null;
            fake.blockMillis = 3000;
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> dbus.grace(0, "blocked", Duration.ofMillis(400)))
                .isInstanceOfSatisfying(GaneshaDbusException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT))
                .hasMessage("grace(\"0:blocked\") failed: timeout after 400 ms waiting for a reply from org.ganesha.nfsd");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("[timeout] blocking grace failed after " + ms + " ms (bound 400 ms)");
            assertThat(ms).isBetween(395L, 1000L);
        }
    }

    @Test
    void callsFailWithNoOwnerWhenGaneshaIsNotRunning() throws Exception {
        nfsd.startBus();
        GaneshaDbus dbus = connect(GaneshaBusListener.IGNORE);
        assertThat(dbus.nfsdOwner(CALL)).isEmpty();
        assertThatThrownBy(() -> dbus.inGrace(CALL))
            .isInstanceOfSatisfying(GaneshaDbusException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_OWNER))
            .hasMessage("get_grace() failed: no owner of org.ganesha.nfsd on the bus at " + nfsd.busAddress()
                + " (ganesha.nfsd not running, or not connected to this bus)");
        assertThatThrownBy(() -> dbus.grace(5, "n2", CALL))
            .isInstanceOfSatisfying(GaneshaDbusException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_OWNER));
    }

    @Test
    void signalDeliveryIsFastOnlyTheOwnersHeartbeatsCountAndListenerExceptionsDoNotStopDelivery() throws Exception {
        nfsd.startBus(); // no ganesha: a test connection plays it
        RecordingListener events = new RecordingListener();
        GaneshaDbus dbus = connect(events);
        events.throwing = true; // every callback throws from now on

        try (DBusConnection fake = DBusConnectionBuilder.forAddress(nfsd.busAddress()).withShared(false).build();
             DBusConnection rogue = DBusConnectionBuilder.forAddress(nfsd.busAddress()).withShared(false).build()) {
            long t0 = System.nanoTime();
            fake.requestBusName(GaneshaDbus.BUS_NAME);
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(1))
                .until(() -> events.lastOwner().equals(fake.getUniqueName()));
            System.out.println("[latency] RequestName -> ownerChanged: "
                + (events.of("owner").get(0).nanos() - t0) / 1000 + " us");
            assertThat(dbus.nfsdOwner(CALL)).contains(fake.getUniqueName());

            // a heartbeat from someone else than the owner is ignored
            rogue.sendMessage(heartbeat(rogue, false));
            Thread.sleep(200);
            assertThat(events.count("heartbeat")).isZero();

            long[] micros = new long[100];
            for (int i = 0; i < micros.length; i++) {
                int before = (int) events.count("heartbeat");
                DBusSignal sig = heartbeat(fake, i % 2 == 0);
                long sent = System.nanoTime();
                fake.sendMessage(sig);
                await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(1))
                    .until(() -> events.count("heartbeat") > before);
                micros[i] = (events.of("heartbeat").get(before).nanos() - sent) / 1000;
                assertThat(events.of("heartbeat").get(before).a()).isEqualTo(Boolean.toString(i % 2 == 0));
            }
            Stats s = Stats.of(micros);
            System.out.println("[latency] heartbeat signal send -> listener: " + s);
            assertThat(s.p50).isLessThan(10_000);
            assertThat(events.count("heartbeat")).isEqualTo(100);

            String owner = fake.getUniqueName();
            long t1 = System.nanoTime();
            fake.releaseBusName(GaneshaDbus.BUS_NAME);
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(1))
                .until(() -> events.lastOwner().isEmpty());
            System.out.println("[latency] ReleaseName -> ownerChanged(->\"\"): "
                + (events.of("owner").get(1).nanos() - t1) / 1000 + " us");
            assertThat(events.of("owner").get(1).a()).isEqualTo(owner);
        }
    }

    @Test
    void busKilledIsReportedOnceCallsFailFastAndAfterRestartTheClientWorksAgain() throws Exception {
        nfsd.start();
        RecordingListener events = new RecordingListener();
        GaneshaDbus dbus = connect(events);
        String firstOwner = dbus.nfsdOwner(CALL).orElseThrow();
        await().atMost(Duration.ofSeconds(2)).until(() -> events.lastOwner().equals(firstOwner));

        long t0 = System.nanoTime();
        nfsd.stopBus(); // SIGKILL dbus-daemon; ganesha 4.3 exits with its bus
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(1)).until(() -> events.count("busLost") == 1);
        System.out.println("[latency] dbus-daemon kill -> busLost: "
            + (events.of("busLost").get(0).nanos() - t0) / 1000 + " us (incl. waiting for the kill); cause "
            + events.of("busLost").get(0).a());
        assertThat(dbus.isConnected()).isFalse();
        assertThat(nfsd.ganeshaAlive()).as("ganesha 4.3 exits when its bus dies").isFalse();

        for (int i = 0; i < 3; i++) {
            long c0 = System.nanoTime();
            GaneshaDbusException e = catchThrowableOfType(GaneshaDbusException.class, () -> dbus.inGrace(Duration.ofSeconds(10)));
            long micros = (System.nanoTime() - c0) / 1000;
            assertThat(e.reason()).isEqualTo(Reason.BUS_LOST);
            assertThat(e.getMessage()).startsWith("get_grace() failed: not connected to the D-Bus bus at "
                + nfsd.busAddress() + " (connection lost");
            assertThat(micros).isLessThan(50_000);
            if (i == 0) {
                System.out.println("[bus lost] call failed after " + micros + " us: " + e.getMessage());
            }
        }
        assertThatThrownBy(() -> dbus.nfsdOwner(CALL))
            .isInstanceOfSatisfying(GaneshaDbusException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BUS_LOST));
        Thread.sleep(1500); // a few failed reconnect attempts against the missing bus
        assertThat(events.count("busLost")).isEqualTo(1);

        long r0 = System.nanoTime();
        nfsd.startBus();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> events.count("busRegained") == 1);
        System.out.println("[reconnect] busRegained " + (events.of("busRegained").get(0).nanos() - r0) / 1_000_000
            + " ms after the bus was back (backoff 50..500 ms)");
        // ganesha died with the bus: the listener converges to "no owner"
        await().atMost(Duration.ofSeconds(2)).until(() -> events.lastOwner().isEmpty());
        assertThat(dbus.isConnected()).isTrue();
        assertThat(dbus.nfsdOwner(CALL)).isEmpty();

        nfsd.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> !events.lastOwner().isEmpty());
        assertThat(dbus.nfsdOwner(CALL)).contains(events.lastOwner());
        dbus.inGrace(CALL);
        dbus.grace(0, "after-restart", CALL);
        await().atMost(Duration.ofSeconds(5)).until(() -> events.count("heartbeat") >= 1);
        assertThat(events.count("busLost")).isEqualTo(1);
        assertThat(events.count("busRegained")).isEqualTo(1);
        // order: lost, regained, then the owner going away
        List<String> kinds = events.events.stream().map(RecordingListener.Event::kind).filter(k -> !k.equals("heartbeat")).toList();
        assertThat(kinds).containsSubsequence("owner", "busLost", "busRegained", "owner", "owner");
    }

    @Test
    void aCallPendingWhenTheBusDiesFailsAtOnceWithBusLost() throws Exception {
        nfsd.start();
        RecordingListener events = new RecordingListener();
        GaneshaDbus dbus = connect(events);
        dbus.inGrace(CALL);
        nfsd.sigstop(); // ganesha cannot answer: the call stays pending
        java.util.concurrent.CompletableFuture<GaneshaDbusException> pending = java.util.concurrent.CompletableFuture
            .supplyAsync(() -> catchThrowableOfType(GaneshaDbusException.class, () -> dbus.inGrace(Duration.ofSeconds(15))));
        Thread.sleep(300);
        assertThat(pending).isNotDone();
        long t0 = System.nanoTime();
        nfsd.stopBus();
        GaneshaDbusException e = pending.get(3, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("[bus lost] pending get_grace failed " + ms + " ms after the bus kill: " + e.getMessage());
        assertThat(e.reason()).isEqualTo(Reason.BUS_LOST);
        assertThat(e.getMessage()).startsWith("get_grace() failed: not connected to the D-Bus bus at ");
        assertThat(ms).isLessThan(1000);
        await().atMost(Duration.ofSeconds(2)).until(() -> events.count("busLost") == 1);
        nfsd.kill9();
    }

    @Test
    void closeLeavesNoThreadsBehind() throws Exception {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        nfsd.start();
        RecordingListener events = new RecordingListener();
        GaneshaDbus dbus = GaneshaDbus.connect(nfsd.busAddress(), events, FAST);
        dbus.inGrace(CALL);
        nfsd.stopBus(); // loss and a few reconnect attempts
        await().atMost(Duration.ofSeconds(2)).until(() -> events.count("busLost") == 1);
        Thread.sleep(300);
        nfsd.startBus();
        await().atMost(Duration.ofSeconds(5)).until(() -> events.count("busRegained") == 1);
        dbus.close();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(newThreads(before)).isEmpty());
    }

    private static List<String> newThreads(java.util.Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> !before.contains(t) && t.isAlive())
            .map(Thread::getName)
            .filter(n -> !n.startsWith("awaitility") && !n.startsWith("ForkJoinPool") && !n.startsWith("process reaper")
                && !n.startsWith("GaneshaOnPrivateBus"))
            .toList();
    }

    @Test
    void connectingToAMissingSocketFailsFastWithAClearMessage() {
        String address = "unix:path=" + nfsd.dir().resolve("no-such-bus.sock");
        long t0 = System.nanoTime();
        GaneshaDbusException e = catchThrowableOfType(GaneshaDbusException.class,
            () -> GaneshaDbus.connect(address, GaneshaBusListener.IGNORE));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("[connect] missing socket failed after " + ms + " ms: " + e.getMessage());
        assertThat(e.reason()).isEqualTo(Reason.BUS_UNREACHABLE);
        assertThat(e.getMessage()).startsWith("D-Bus bus unreachable at " + address + ": ");
        assertThat(ms).isLessThan(1000);
    }

    @Test
    void connectingToAHungBusFailsWithinTheConnectTimeout() throws Exception {
        nfsd.startBus();
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        nfsd.sigstopBus();
        try {
            long t0 = System.nanoTime();
            GaneshaDbusException e = catchThrowableOfType(GaneshaDbusException.class,
                () -> GaneshaDbus.connect(nfsd.busAddress(), GaneshaBusListener.IGNORE,
                    FAST.withConnectTimeout(Duration.ofMillis(700))));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("[connect] SIGSTOPped bus failed after " + ms + " ms: " + e.getMessage());
            assertThat(e.reason()).isEqualTo(Reason.BUS_UNREACHABLE);
            assertThat(e.getMessage()).isEqualTo("D-Bus bus unreachable at " + nfsd.busAddress()
                + ": no connection within 700 ms (dbus-daemon hung?)");
            assertThat(ms).isBetween(650L, 1700L);
        } finally {
            nfsd.sigcontBus();
        }
        // the abandoned attempt (blocked in SASL) was interrupted: no dbus-java threads linger
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(newThreads(before)).isEmpty());
        GaneshaDbus dbus = connect(GaneshaBusListener.IGNORE);
        assertThat(dbus.nfsdOwner(CALL)).isEmpty();
    }

    @Test
    void openBeforeTheBusExistsReportsBusLostThenConnectsWhenItAppears() throws Exception {
        RecordingListener events = new RecordingListener();
        GaneshaDbus dbus = GaneshaDbus.open(nfsd.busAddress(), events, FAST);
        closeables.add(dbus);
        await().atMost(Duration.ofSeconds(2)).until(() -> events.count("busLost") == 1);
        assertThatThrownBy(() -> dbus.inGrace(CALL))
            .isInstanceOfSatisfying(GaneshaDbusException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BUS_LOST));

        nfsd.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> events.count("busRegained") == 1);
        await().atMost(Duration.ofSeconds(2)).until(() -> !events.lastOwner().isEmpty());
        dbus.inGrace(CALL);
        assertThat(events.count("busLost")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ helpers

    private static DBusSignal heartbeat(DBusConnection from, boolean healthy) throws Exception {
        return from.getMessageFactory().createSignal(null, GaneshaDbus.HEARTBEAT_PATH, GaneshaDbus.ADMIN_INTERFACE,
            GaneshaDbus.HEARTBEAT_MEMBER, "b", healthy);
    }

    record Stats(long min, long p50, long p90, long max) {
        static Stats of(long[] values) {
            long[] v = values.clone();
            java.util.Arrays.sort(v);
            return new Stats(v[0], v[v.length / 2], v[(int) (v.length * 0.9)], v[v.length - 1]);
        }

        @Override
        public String toString() {
            return "min " + min + " us, median " + p50 + " us, p90 " + p90 + " us, max " + max + " us";
        }
    }
}
