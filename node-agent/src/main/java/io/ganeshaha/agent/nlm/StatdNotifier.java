package io.ganeshaha.agent.nlm;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * NFSv3 clients reclaim their locks (NLM) only when told the server rebooted: an SM_NOTIFY from
 * the server's address, naming it, to the client's statd, which has its lockd reclaim every lock
 * it holds through that address. ganesha never sends one for an address that moved, nor does
 * anything else: the clients of a lost node's address would keep locks nobody holds any more.
 *
 * <p>So when ganesha_takeover starts here (a failover, or the addresses coming home) the clients
 * every node's statd recorded ({@link StatdRecords}) are read at once, before a restarting nfsd
 * unmonitors them (ganesha's start sends SM_UNMON_ALL to its statd), and as each address comes
 * up here (after the takeover's grace, so the reclaims find this nfsd in grace) sm-notify sends
 * every one of them an SM_NOTIFY from that address, with a state number newer than any sent
 * before. A client that holds no lock through that address ignores it (statd matches the name
 * against the servers it monitors). sm-notify runs on a private copy of the records: the statd
 * directories stay statd's own, and a peer's statd may still be running there.
 */
public final class StatdNotifier {

    private static final Logger LOG = Logger.getLogger(StatdNotifier.class);
    /** The state numbers count seconds from here (odd: the host is up), as later as they are sent. */
    static final Instant STATE_EPOCH = Instant.parse("2025-01-01T00:00:00Z");
    /** Records read at one takeover start are still sent with those of the next, this long. */
    static final Duration KEEP_RECORDS = Duration.ofSeconds(60);

    /** Sends the notifications for {@code address}, the clients' records in {@code dir}/sm. */
    @FunctionalInterface
    public interface NotifyCommand {
        void send(Path dir, InetAddress address) throws IOException;
    }

    /**
     * nfs-utils' sm-notify at {@code path}: in the foreground ({@code -d}), even though it ran
     * since boot ({@code -f}), with the state number written in the directory ({@code -n}),
     * retrying an unresponsive client for a minute ({@code -m 1}), from and naming the address
     * ({@code -v}); killed if still running after {@code timeout}.
     */
    public static NotifyCommand smNotify(Path path, Duration timeout) {
        return (dir, address) -> {
            if (!Files.isExecutable(path)) {
                throw new IOException(path + " is not installed (nfs-common)");
            }
            Path output = dir.resolve("sm-notify.log");
            Process p = new ProcessBuilder(path.toString(), "-d", "-f", "-n", "-m", "1", "-P", dir.toString(), "-v",
                    address.getHostAddress()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(path + " still running after " + timeout + " and killed: " + tail(output));
                }
                if (p.exitValue() != 0) {
                    String said = tail(output);
                    throw new IOException(path + " exited with " + p.exitValue() + ": " + said + (said.contains("unusable")
                            ? " (give " + address.getHostAddress() + " a name this host resolves, in DNS or /etc/hosts:"
                                    + " sm-notify sends from an address only if it has one)" : ""));
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while " + path + " ran", e);
            }
        };
    }

    private final Path statdDir;
    private final Path workDir;
    private final NotifyCommand command;
    private final ExecutorService executor;
    private final Clock clock;
    private final AtomicLong runs = new AtomicLong();
    private Map<String, byte[]> records = Map.of();
    private Instant readAt = Instant.MIN;
    private int lastState;

    /**
     * @param statdDir this node's statd directory ({@code /var/lib/nfs/statd}), with a link to
     *     each peer's
     * @param workDir where the private copies go (local, not shared)
     */
    public StatdNotifier(Path statdDir, Path workDir, NotifyCommand command, ExecutorService executor, Clock clock) {
        this.statdDir = statdDir;
        this.workDir = workDir;
        this.command = command;
        this.executor = executor;
        this.clock = clock;
    }

    /** A takeover starts here: the clients every node's statd recorded, read now. */
    public void addressesComing() {
        StatdRecords.Found found = StatdRecords.everyNode(statdDir);
        found.problems().forEach(p -> LOG.warnf("NFSv3 clients to notify: %s", p));
        // Those a taker handed back are read now: kept in memory from here on.
        StatdRecords.clearHandedBack(statdDir, found.clients().keySet());
        synchronized (this) {
            Map<String, byte[]> merged = new HashMap<>();
            if (clock.instant().isBefore(readAt.plus(KEEP_RECORDS))) {
                merged.putAll(records);
            }
            merged.putAll(found.clients());
            records = Map.copyOf(merged);
            readAt = clock.instant();
        }
        if (!found.clients().isEmpty()) {
            LOG.infof("NFSv3 clients recorded by statd, to notify as the addresses come up here: %s",
                    found.clients().keySet());
        }
    }

    /** {@code addresses} came up here: their NFSv3 clients are told to reclaim their locks. */
    public void arrived(Set<InetAddress> addresses) {
        Map<String, byte[]> clients;
        synchronized (this) {
            clients = records;
        }
        if (clients.isEmpty()) {
            return;
        }
        for (InetAddress address : addresses) {
            int state = nextState();
            try {
                executor.execute(() -> send(address, clients, state));
            } catch (RejectedExecutionException e) {
                LOG.errorf("%s up here: cannot notify its NFSv3 clients %s (%s): their locks are not reclaimed",
                        address.getHostAddress(), clients.keySet(), e.getMessage());
            }
        }
    }

    /** Odd (the host is up), and above every number sent before from this node. */
    synchronized int nextState() {
        long seconds = Duration.between(STATE_EPOCH, clock.instant()).getSeconds();
        int byTime = (int) Math.min(Integer.MAX_VALUE - 1, Math.max(0, seconds) * 2 + 1);
        lastState = Math.max(byTime, lastState + 2);
        return lastState;
    }

    private void send(InetAddress address, Map<String, byte[]> clients, int state) {
        String name = address.getHostAddress();
        Path dir = workDir.resolve(name.replace(':', '_') + "-" + runs.incrementAndGet());
        try {
            Files.createDirectories(dir.resolve("sm"));
            Files.createDirectories(dir.resolve("sm.bak"));
            for (Map.Entry<String, byte[]> client : clients.entrySet()) {
                Files.write(dir.resolve("sm").resolve(client.getKey()), client.getValue());
            }
            Files.write(dir.resolve("state"), ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(state).array());
            command.send(dir, address);
            LOG.infof("%s up here: SM_NOTIFY (state %d) sent to its NFSv3 clients %s: they reclaim their locks here",
                    name, state, clients.keySet());
        } catch (IOException | RuntimeException e) {
            LOG.errorf("%s up here: could not notify its NFSv3 clients %s: %s; a client not notified keeps locks"
                    + " this node does not hold", name, clients.keySet(), e.getMessage());
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.debugf("cannot remove %s: %s", dir, e.getMessage());
        }
    }

    private static String tail(Path output) {
        try {
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
