package io.ganeshaha.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ganeshaha.agent.testing.Failover;
import io.ganeshaha.agent.testing.LabClient;
import io.ganeshaha.agent.testing.ProjectPaths;
import io.ganeshaha.agent.testing.ThreeNodeLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real Linux NFS clients (lab client machines, their own kernels) are the judges of a failover and
 * of the fail-back after it. The writer holds an fcntl lock on a file of the shared export,
 * mounted through N2's VIP, and appends checksummed records to it, each fsync'ed; the locker,
 * mounted through N3's VIP (a survivor that is not the taker), tries to take the same lock every
 * 100 ms. nfsd on N2 fails, then comes back. The writer must reclaim its open and its lock on the
 * node that took its VIP over and again at home, go on writing without an I/O error, and lose no
 * acknowledged record; the locker must never get the lock while the writer holds it, except in the
 * window a kill -9 opens on this lab's one kernel (the dead process's locks vanish at once, before
 * the survivors are in grace): that window is measured and bounded by the survivors' grace entry.
 * Run alone with {@code ./mvnw verify -pl node-agent -Dit.test=ClientFailoverIT}.
 */
@Tag("integration")
@Tag("clients")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientFailoverIT {

    static final String N2 = ThreeNodeLab.NODES.get(1);
    static final String N3 = ThreeNodeLab.NODES.get(2);
    static final Duration RESUME = Duration.ofSeconds(60);
    /**
     * Seconds between the locker's tries. Each guest is a kernel in a process whose system calls
     * trap through the host: more tries load the two CPUs enough to slow the failover itself.
     */
    static final String LOCKER_PERIOD = "0.3";

    static ThreeNodeLab lab;
    static LabClient writer;
    static LabClient locker;

    @BeforeAll
    static void start() throws Exception {
        lab = new ThreeNodeLab(Path.of("target/it-client-failover").toAbsolutePath());
        lab.awaitHealthy(Duration.ofSeconds(90));
        writer = lab.lab.client("writer");
        locker = lab.lab.client("locker");
        writer.start();
        locker.start();
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @AfterEach
    void stopWorkloads() {
        for (LabClient c : List.of(writer, locker)) {
            c.exec("sh", "-c", "pkill -f 'client/(writer|locker).py' ; sleep 0.5; umount -f /run/nfs 2>/dev/null; true");
        }
    }

    /** The workloads on one mount version, the data file named after the scenario. */
    record Run(String file, String writerLog, String lockerLog) {}

    static Run startWorkloads(String scenario, String version) {
        lab.awaitHealthy(Duration.ofSeconds(90));
        lab.awaitNoneInGrace(Duration.ofSeconds(60));
        String data = "/run/nfs/" + scenario;
        mount(writer, lab.homeVip.get(N2), version);
        mount(locker, lab.homeVip.get(N3), version);
        Path scripts = ProjectPaths.root().resolve("node-agent/src/test/resources/client");
        Run run = new Run(scenario, "/run/" + scenario + "-writer.log", "/run/" + scenario + "-locker.log");
        writer.exec("sh", "-c", "setsid python3 " + scripts.resolve("writer.py") + " " + data + " " + run.writerLog()
                + " </dev/null >/run/" + scenario + "-writer.out 2>&1 &").orFail("start the writer");
        // A new lock waits out the grace the nodes may still be in (up to Grace_Period, 20 s here).
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> oks(log(writer, run.writerLog())).length >= 10);
        locker.exec("sh", "-c", "setsid python3 " + scripts.resolve("locker.py") + " " + data + " " + run.lockerLog()
                + " " + LOCKER_PERIOD + " </dev/null >/run/" + scenario + "-locker.out 2>&1 &").orFail("start the locker");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> log(locker, run.lockerLog()).stream()
                .filter(l -> l.startsWith("busy ")).count() >= 3);
        return run;
    }

    static void mount(LabClient client, String vip, String version) {
        client.exec("sh", "-c", "mkdir -p /run/nfs && mount -t nfs4 -o vers=" + version + " " + vip
                + ":/shared /run/nfs").orFail("mount " + vip + " on " + client.name());
    }

    static List<String> log(LabClient client, String path) {
        return client.exec("sh", "-c", "cat " + path + " 2>/dev/null || true").orFail("read " + path).stdout()
                .lines().toList();
    }

    /** The times (ns since the epoch) of the writer's acknowledged writes, in order. */
    static long[] oks(List<String> log) {
        return log.stream().filter(l -> l.startsWith("ok ")).mapToLong(l -> Long.parseLong(l.split(" ")[2])).sorted()
                .toArray();
    }

    /** The longest wait between two acknowledged writes from {@code fromNs} on, in ms. */
    static long stallMs(long[] oks, long fromNs) {
        long stall = 0;
        long previous = fromNs;
        for (long t : oks) {
            if (t > fromNs) {
                stall = Math.max(stall, t - previous);
                previous = t;
            }
        }
        return stall / 1_000_000;
    }

    static void awaitWritesAfter(Run run, long fromNs, String what) {
        try {
            await().atMost(RESUME).pollInterval(Duration.ofSeconds(1))
                    .until(() -> oks(log(writer, run.writerLog())).length > 0
                            && last(oks(log(writer, run.writerLog()))) > fromNs + 2_000_000_000L);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the writer's writes did not resume within " + RESUME + " of " + what
                    + "; its last lines and NFS operations:\n" + writer.exec("sh", "-c", "tail -3 " + run.writerLog()
                            + "; grep -E 'EXCHANGE_ID|CREATE_SESSION|RECLAIM_COMPLETE|SEQUENCE|OPEN:|LOCK:' "
                            + "/proc/self/mountstats").stdout(), e);
        }
    }

    static long last(long[] values) {
        return values[values.length - 1];
    }

    /** The locker's successful attempts: {start, end} in ns. */
    static List<long[]> lockerGot(Run run) {
        return log(locker, run.lockerLog()).stream().filter(l -> l.startsWith("got "))
                .map(l -> new long[] {Long.parseLong(l.split(" ")[1]), Long.parseLong(l.split(" ")[2])}).toList();
    }

    /** Every acknowledged record is in the file, whole and in order; none damaged. */
    static void assertRecordsIntact(Run run) throws Exception {
        long acknowledged = oks(log(writer, run.writerLog())).length;
        List<String> records = Files.readAllLines(lab.lab.dir().resolve("shared/export").resolve(run.file()));
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            String[] parts = records.get(i).split(" ");
            String body = parts[0] + " " + parts[1] + " " + parts[2];
            CRC32 crc = new CRC32();
            crc.update(body.getBytes());
            if (!parts[1].equals(Integer.toString(i + 1)) || !String.format("%08x", crc.getValue()).equals(parts[3])) {
                bad.add(records.get(i));
            }
        }
        assertThat(bad).as("records damaged or out of order").isEmpty();
        assertThat((long) records.size()).as("every acknowledged record is there").isGreaterThanOrEqualTo(acknowledged);
    }

    static void assertNoClientError(Run run) {
        assertThat(log(writer, run.writerLog())).as("no I/O error reached the writer").noneMatch(l -> l.startsWith("error "));
        assertThat(log(locker, run.lockerLog())).as("no I/O error reached the locker").noneMatch(l -> l.startsWith("error "));
        assertThat(writer.exec("sh", "-c", "dmesg | grep -iE 'lost|reclaim' || true").stdout())
                .as("the writer's kernel lost no lock").doesNotContainIgnoringCase("lost");
    }

    /**
     * A failover and its fail-back as the clients live them: {@code fault} is injected on N2, then
     * {@code recovery} brings its nfsd back (or nothing, when the agent and the supervisor do).
     *
     * @param lockWindowAllowed whether the fault frees the writer's lock on the shared file at once
     *     (kill -9), so the locker may get it until the survivors are in grace
     */
    void failoverAndBack(String scenario, String version, Runnable fault, Runnable recovery, boolean lockWindowAllowed)
            throws Exception {
        Run run = startWorkloads(scenario, version);

        long faultNs = System.currentTimeMillis() * 1_000_000;
        Failover.Result failover = lab.failover.inject(N2, fault, Duration.ofSeconds(60));
        failover = lab.failover.sampleGraceUntilAllSeen(failover, Duration.ofSeconds(5));
        assertThat(failover.vipElsewhereMs()).as("N2's VIP on a survivor").isPresent();
        awaitWritesAfter(run, faultNs + failover.vipElsewhereMs().get() * 1_000_000, "the failover");
        long failoverStall = stallMs(oks(log(writer, run.writerLog())), faultNs - 1_000_000_000L);

        long backNs = System.currentTimeMillis() * 1_000_000;
        Failover.FailBack back = lab.failover.failBack(N2, recovery, Duration.ofSeconds(90));
        assertThat(back.vipHomeMs()).as("N2's VIP home").isPresent();
        long homeNs = backNs + back.vipHomeMs().get() * 1_000_000;
        awaitWritesAfter(run, homeNs, "the fail-back");
        long[] oks = oks(log(writer, run.writerLog()));
        long backStall = stallMs(oks, homeNs - 1_000_000_000L);

        List<long[]> got = lockerGot(run);
        long allInGraceNs = faultNs + failover.allInGraceMs().orElse(Long.MAX_VALUE / 2_000_000) * 1_000_000;
        System.out.printf("%s (NFSv%s): writer stalled %d ms at failover (VIP on %s after %d ms, survivors in grace"
                + " %s ms), %d ms at fail-back (VIP home after %d ms, on no node %d ms); the locker got the lock %d"
                + " time(s)%s; %d records acknowledged%n", scenario, version, failoverStall, failover.vipTakenBy()
                        .orElse("?"), failover.vipElsewhereMs().get(), failover.survivorInGraceMs(), backStall,
                back.vipHomeMs().get(), back.vipOnNoNodeMs(), got.size(), got.isEmpty() ? ""
                        : ", the last ending " + (got.get(got.size() - 1)[1] - faultNs) / 1_000_000 + " ms after the fault",
                oks.length);

        assertNoClientError(run);
        if (lockWindowAllowed) {
            // A try begun after every survivor was seen in grace reached a server in grace, which
            // must refuse it: the window is the detection latency only.
            assertThat(got).as("the locker got the lock after the survivors were in grace")
                    .noneMatch(g -> g[0] > allInGraceNs);
        } else {
            assertThat(got).as("the locker never gets the writer's lock").isEmpty();
        }
        assertThat(got).as("the locker never gets the lock at fail-back").noneMatch(g -> g[0] > backNs);
        assertRecordsIntact(run);
    }

    @Test
    @Order(1)
    void killNineAndBackWithNfsV41() throws Exception {
        failoverAndBack("kill-v41", "4.1", () -> lab.lab.ganesha(N2, "kill"), () -> lab.lab.ganesha(N2, "start"), true);
    }

    /**
     * nfsd on N2 hangs (SIGSTOP): the hung process keeps its locks on the shared file, the agent
     * ends it only once the survivors are in grace and the VIP has left, and its supervisor (as
     * systemd's Restart= would) starts it again, so the VIP comes home by itself. The locker must
     * never get the lock: there is no window.
     */
    @Test
    @Order(2)
    void hangAndBackWithNfsV41() throws Exception {
        lab.lab.ganesha(N2, "supervise");
        try {
            failoverAndBack("hang-v41", "4.1", () -> lab.lab.ganesha(N2, "stop"), () -> {}, false);
        } finally {
            lab.lab.ganesha(N2, "unsupervise");
        }
    }

    /** As {@link #killNineAndBackWithNfsV41}, with NFSv4.0 clients (SETCLIENTID, no sessions). */
    @Test
    @Order(3)
    void killNineAndBackWithNfsV40() throws Exception {
        failoverAndBack("kill-v40", "4.0", () -> lab.lab.ganesha(N2, "kill"), () -> lab.lab.ganesha(N2, "start"), true);
    }
}
