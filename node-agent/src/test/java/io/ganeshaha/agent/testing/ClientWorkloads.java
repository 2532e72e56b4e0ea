package io.ganeshaha.agent.testing;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The two client workloads of a failover run on lab client machines, and what their logs say.
 * The writer (node-agent/src/test/resources/client/writer.py) holds an fcntl lock on a file of
 * the shared export and appends checksummed records to it, each fsync'ed; the locker (locker.py),
 * on another client, tries to take the same lock every few hundred ms. Both log every operation
 * with its time in ns since the epoch (the guests' clock is the host's).
 */
public final class ClientWorkloads {

    /** Seconds between the writer's records: the resolution of the stall measured. */
    public static final String WRITER_PERIOD = "0.2";
    /**
     * Seconds between the locker's tries. Each guest is a kernel in a process whose system calls
     * trap through the host: more tries load the two CPUs enough to slow the failover itself.
     */
    public static final String LOCKER_PERIOD = "0.5";

    private static final String MOUNT = "/run/nfs";

    private final Lab lab;
    private final LabClient writer;
    private final LabClient locker;
    private final String name;

    private ClientWorkloads(Lab lab, LabClient writer, LabClient locker, String name) {
        this.lab = lab;
        this.writer = writer;
        this.locker = locker;
        this.name = name;
    }

    /**
     * Mounts the shared export through {@code writerVip} on the writer and {@code lockerVip} on
     * the locker (NFS {@code version}), and starts both on the file {@code name}; returns once the
     * writer holds the lock and wrote, and the locker was refused it.
     */
    public static ClientWorkloads start(Lab lab, LabClient writer, String writerVip, LabClient locker, String lockerVip,
            String name, String version) {
        ClientWorkloads w = new ClientWorkloads(lab, writer, locker, name);
        // What the kernels report (a lost lock) is read per run.
        writer.exec("dmesg", "-C").orFail("clear the writer's kernel log");
        locker.exec("dmesg", "-C").orFail("clear the locker's kernel log");
        mount(writer, writerVip, version);
        mount(locker, lockerVip, version);
        Path scripts = ProjectPaths.root().resolve("node-agent/src/test/resources/client");
        writer.exec("sh", "-c", "setsid python3 " + scripts.resolve("writer.py") + " " + MOUNT + "/" + name + " "
                + w.writerLog() + " " + WRITER_PERIOD + " </dev/null >/run/" + name + "-writer.out 2>&1 &")
                .orFail("start the writer");
        // A new lock waits out the grace the nodes may still be in (up to Grace_Period).
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> w.oks().length >= 10);
        locker.exec("sh", "-c", "setsid python3 " + scripts.resolve("locker.py") + " " + MOUNT + "/" + name + " "
                + w.lockerLog() + " " + LOCKER_PERIOD + " </dev/null >/run/" + name + "-locker.out 2>&1 &")
                .orFail("start the locker");
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> log(locker, w.lockerLog()).stream().filter(ClientWorkloads::refusal).count() >= 3);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the locker was not refused the writer's lock three times in 30 s; its log:\n"
                    + tail(log(locker, w.lockerLog())) + "\nits output: " + locker.exec("sh", "-c", "cat /run/" + name
                    + "-locker.out; dmesg | tail -n 20").stdout() + "\nthe writer's log:\n" + tail(w.writerLines()), e);
        }
        return w;
    }

    private static void mount(LabClient client, String vip, String version) {
        client.exec("sh", "-c", "mkdir -p " + MOUNT + " && " + mountCommand(vip, version, MOUNT))
                .orFail("mount " + vip + " on " + client.name());
    }

    /**
     * The mount of the shared export through {@code vip}: NFSv4 {@code version} ("4.0", "4.1"),
     * or "3", NFSv3 over TCP (MOUNT too), its locks through the kernel's lockd (NLM).
     */
    static String mountCommand(String vip, String version, String mountPoint) {
        if (version.equals("3")) {
            return "mount -t nfs -o vers=3,proto=tcp,mountproto=tcp " + vip + ":/shared " + mountPoint;
        }
        return "mount -t nfs4 -o vers=" + version + " " + vip + ":/shared " + mountPoint;
    }

    /**
     * How long a client that held nothing before the fault waits for its first lock: the locker
     * mounts {@code vip} a second time (a server it has not talked to, so a new client there),
     * creates a file of its own, locks it, writes and fsyncs a line, and unmounts. Measured in the
     * guest from before the mount to the fsync's return.
     */
    public Duration firstLockWait(String vip, String version) {
        String mount = MOUNT + "-first";
        Path script = ProjectPaths.root().resolve("node-agent/src/test/resources/client/first-lock.py");
        String out = locker.exec(Duration.ofSeconds(120), "sh", "-c", "mkdir -p " + mount + " && start=$(date +%s%N)"
                + " && " + mountCommand(vip, version, mount) + " && python3 " + script
                + " " + mount + "/" + name + "-first $start; status=$?; umount -f " + mount + "; exit $status")
                .orFail("a first lock through " + vip).stdout().strip();
        String[] times = out.lines().reduce((a, b) -> b).orElse("").split(" ");
        if (times.length != 2) {
            throw new AssertionError("first-lock.py printed no times: " + out);
        }
        return Duration.ofNanos(Long.parseLong(times[1]) - Long.parseLong(times[0]));
    }

    /**
     * The locker's longest wait for an answer to a lock try begun in [{@code fromNs}, {@code toNs}):
     * during a survivor's grace the server answers NFS4ERR_GRACE and the kernel retries with a
     * growing delay, so this is how long a client of a healthy survivor waits for a new lock. A
     * try still unanswered counts until {@code toNs}.
     */
    public Duration longestLockWait(long fromNs, long toNs) {
        long longest = 0;
        long pending = -1;
        for (String line : lockerLines()) {
            String[] f = line.split(" ");
            if (f[0].equals("try") && f.length == 2) {
                pending = Long.parseLong(f[1]);
            } else if (f.length >= 3 && (f[0].equals("got") || refusal(line) || f[0].equals("error"))) {
                long start = Long.parseLong(f[1]);
                if (start >= fromNs && start < toNs) {
                    longest = Math.max(longest, Long.parseLong(f[2]) - start);
                }
                pending = -1;
            }
        }
        if (pending >= fromNs && pending < toNs) {
            longest = Math.max(longest, toNs - pending);
        }
        return Duration.ofNanos(longest);
    }

    /** Stops both workloads and unmounts (their locks go with them). */
    public void stop() {
        for (LabClient c : List.of(writer, locker)) {
            c.exec("sh", "-c", "pkill -f 'client/(writer|locker).py' ; sleep 0.5; umount -f " + MOUNT
                    + " 2>/dev/null; true");
        }
    }

    private String writerLog() {
        return "/run/" + name + "-writer.log";
    }

    private String lockerLog() {
        return "/run/" + name + "-locker.log";
    }

    /**
     * A lock try the server refused: {@code busy} (EAGAIN), or {@code refused} (EIO: how Linux 7
     * reports a lock another ganesha node holds, locker.py).
     */
    static boolean refusal(String line) {
        return line.startsWith("busy ") || line.startsWith("refused ");
    }

    /** The locker's tries refused as EIO (Linux 7 clients), which are refusals, not errors. */
    public long refusalsAsEio() {
        return lockerLines().stream().filter(l -> l.startsWith("refused ")).count();
    }

    private static String tail(List<String> lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    private static List<String> log(LabClient client, String path) {
        return client.exec("sh", "-c", "cat " + path + " 2>/dev/null || true").orFail("read " + path).stdout()
                .lines().toList();
    }

    public List<String> writerLines() {
        return log(writer, writerLog());
    }

    public List<String> lockerLines() {
        return log(locker, lockerLog());
    }

    /** The times of the writer's acknowledged writes, in order. */
    public long[] oks() {
        return oks(writerLines());
    }

    static long[] oks(List<String> log) {
        return log.stream().filter(l -> l.startsWith("ok ")).mapToLong(l -> Long.parseLong(l.split(" ")[2])).sorted()
                .toArray();
    }

    /**
     * The outage the writer saw from {@code fromNs} on: the longest wait between two acknowledged
     * writes (the first counted from {@code fromNs}), and when the write ending it was
     * acknowledged.
     */
    /**
     * How far a guest's clock, which its workloads' logs are in, is from the test's: the guest's
     * {@code date} against the midpoint of the host's clock around the call, to within half the
     * call's round trip ({@code uncertaintyMs}).
     */
    public record ClockOffset(long offsetMs, long uncertaintyMs) {
        @Override
        public String toString() {
            return (offsetMs >= 0 ? "+" : "") + offsetMs + " ms (±" + uncertaintyMs + ")";
        }
    }

    /** The writer's guest clock against the host's. */
    public ClockOffset writerClock() {
        return clockOffset(writer);
    }

    public static ClockOffset clockOffset(LabClient client) {
        long before = System.currentTimeMillis();
        String guest = client.exec("date", "+%s%3N").orFail("the guest's clock").stdout().strip();
        long after = System.currentTimeMillis();
        return new ClockOffset(Long.parseLong(guest) - (before + after) / 2, (after - before + 1) / 2);
    }

    public record Outage(long stallMs, long resumedAtNs) {}

    public static Outage outage(long[] oks, long fromNs) {
        long stall = 0;
        long resumed = fromNs;
        long previous = fromNs;
        for (long t : oks) {
            if (t > fromNs) {
                if (t - previous > stall) {
                    stall = t - previous;
                    resumed = t;
                }
                previous = t;
            }
        }
        return new Outage(stall / 1_000_000, resumed);
    }

    /** Waits until the writer acknowledged a write more than 2 s after {@code fromNs}. */
    public void awaitWritesAfter(long fromNs, Duration within, String what) {
        try {
            await().atMost(within).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        long[] oks = oks();
                        return oks.length > 0 && oks[oks.length - 1] > fromNs + 2_000_000_000L;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the writer's writes did not resume within " + within + " of " + what
                    + "; its last lines and NFS operations:\n" + writer.exec("sh", "-c", "tail -3 " + writerLog()
                            + "; grep -E 'EXCHANGE_ID|CREATE_SESSION|RECLAIM_COMPLETE|SEQUENCE|OPEN:|LOCK:' "
                            + "/proc/self/mountstats").stdout(), e);
        }
    }

    /** The locker's successful tries, {start, end} in ns: each one a lock the writer believed its own. */
    public List<long[]> lockerGot() {
        return lockerLines().stream().filter(l -> l.startsWith("got "))
                .map(l -> new long[] {Long.parseLong(l.split(" ")[1]), Long.parseLong(l.split(" ")[2])}).toList();
    }

    /**
     * The locker's successful tries begun after {@code ns}: each one a lock violation once the lock
     * could no longer be free (the writer held it before the fault, and after {@code ns} every
     * server that could grant it was in grace or held the writer's reclaimed lock).
     */
    public List<long[]> lockerGotAfter(long ns) {
        return lockerGot().stream().filter(g -> g[0] > ns).toList();
    }

    /**
     * Waits until the locker was refused {@code count} tries begun after {@code ns}: once no
     * server is in grace, a refusal is the writer's lock itself, held where the locker asks.
     */
    public void awaitRefusalsAfter(long ns, int count, Duration within, String what) {
        try {
            await().atMost(within).pollInterval(Duration.ofSeconds(1)).until(() -> lockerLines().stream()
                    .filter(ClientWorkloads::refusal).filter(l -> Long.parseLong(l.split(" ")[1]) > ns).count() >= count);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the locker was not refused the lock " + count + " times " + what + " within "
                    + within + "; its log:\n" + tail(lockerLines()) + "\nthe writer's log:\n" + tail(writerLines()), e);
        }
    }

    /** I/O errors either application saw. */
    public List<String> clientErrors() {
        List<String> errors = new ArrayList<>();
        writerLines().stream().filter(l -> l.startsWith("error ")).forEach(l -> errors.add("writer: " + l));
        lockerLines().stream().filter(l -> l.startsWith("error ")).forEach(l -> errors.add("locker: " + l));
        return errors;
    }

    /** Whether the writer's kernel reported a lost lock. */
    public boolean kernelLostALock() {
        // NFSv4: "... lost lock ..."; NFSv3's lockd: "lockd: failed to reclaim lock for pid N"
        String said = writer.exec("sh", "-c", "dmesg | grep -iE 'lost|failed to reclaim' || true").stdout().toLowerCase();
        return said.contains("lost") || said.contains("failed to reclaim");
    }

    /**
     * Acknowledged records missing from the file or damaged in it: every line must be the next
     * record, whole, its checksum right, and the file must hold at least as many as were
     * acknowledged.
     */
    public List<String> lostOrDamagedRecords() throws java.io.IOException {
        long acknowledged = oks().length;
        List<String> records = Files.readAllLines(lab.dir().resolve("shared/export").resolve(name));
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            String[] parts = records.get(i).split(" ");
            boolean whole = parts.length == 4;
            CRC32 crc = new CRC32();
            if (whole) {
                crc.update((parts[0] + " " + parts[1] + " " + parts[2]).getBytes());
            }
            if (!whole || !parts[1].equals(Integer.toString(i + 1)) || !String.format("%08x", crc.getValue()).equals(parts[3])) {
                bad.add("damaged or out of order: " + records.get(i));
            }
        }
        if (records.size() < acknowledged) {
            bad.add((acknowledged - records.size()) + " acknowledged record(s) missing");
        }
        return bad;
    }
}
