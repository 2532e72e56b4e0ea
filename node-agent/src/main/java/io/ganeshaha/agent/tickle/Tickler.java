package io.ganeshaha.agent.tickle;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Resets the NFS clients' connections to the virtual IPs that come up on this node, so that they
 * reconnect at once instead of on their retransmission timer. After a node is lost whole, its
 * clients' connections are not reset by anyone: each retransmits into the void with a timer that
 * doubles, and reaches the taker only at the next retransmission after the address moved (seconds,
 * up to a minute). tickle_tcp (resource-agents, as portblock's tickle ACKs use it) sends each such
 * client an ACK from the address it is connected to; the client answers with an ACK of its own,
 * which this host, knowing no such connection, answers with a reset.
 *
 * <p>ganesha_takeover starts just before its group's addresses (a failover here, or the addresses
 * coming home): it calls {@link #addressesComing()}, and for the next {@code window} every address
 * that appears here is tickled with the connections to it that any node recorded
 * ({@link ConnectionRecorder}), read through the peer links in this node's ganesha directory.
 * Before the tickles, the sockets this host has left on the address from an earlier time it was
 * here are closed ({@link StaleSockets}): a client's answer must meet a reset, not one of them.
 * portblock is not used: its record is written only by its monitor on the node that is lost,
 * it needs iptables and a member after every IPaddr2, and it writes tcp_tw_recycle, gone from
 * kernels since 4.12.
 */
public final class Tickler {

    private static final Logger LOG = Logger.getLogger(Tickler.class);
    private static final Duration POLL = Duration.ofMillis(50);

    /** Sends the tickles: tickle_tcp fed {@code local<TAB>remote} lines. */
    @FunctionalInterface
    public interface TickleCommand {
        void tickle(List<String> lines) throws IOException;
    }

    private final Path stateDir;
    private final Supplier<Set<InetAddress>> localAddresses;
    private final TickleCommand command;
    private final ExecutorService executor;
    private final Clock clock;
    private final Duration window;
    private final java.util.function.Consumer<Set<InetAddress>> arrived;
    private final StaleSockets stale;

    public Tickler(Path stateDir, Supplier<Set<InetAddress>> localAddresses, TickleCommand command,
            ExecutorService executor, Clock clock, Duration window) {
        this(stateDir, localAddresses, command, executor, clock, window, added -> { });
    }

    /**
     * @param arrived told of the addresses that came up in a window, as they are seen, before
     *     their clients are tickled (their NFSv3 clients are notified: {@code io.ganeshaha.agent.nlm.StatdNotifier})
     */
    public Tickler(Path stateDir, Supplier<Set<InetAddress>> localAddresses, TickleCommand command,
            ExecutorService executor, Clock clock, Duration window, java.util.function.Consumer<Set<InetAddress>> arrived) {
        this(stateDir, localAddresses, command, executor, clock, window, arrived, address -> List.of());
    }

    /**
     * @param stale closes, as each address comes up, this host's sockets left on it from an earlier
     *     time the address was here, first of all: before the clients are notified or tickled,
     *     whose answers must meet a reset here
     */
    public Tickler(Path stateDir, Supplier<Set<InetAddress>> localAddresses, TickleCommand command,
            ExecutorService executor, Clock clock, Duration window, java.util.function.Consumer<Set<InetAddress>> arrived,
            StaleSockets stale) {
        this.stale = stale;
        this.arrived = arrived;
        this.stateDir = stateDir;
        this.localAddresses = localAddresses;
        this.command = command;
        this.executor = executor;
        this.clock = clock;
        this.window = window;
    }

    /** tickle_tcp at {@code path}, 3 ACKs per connection, bounded to 5 s. */
    public static TickleCommand tickleTcp(Path path) {
        return lines -> {
            if (!Files.isExecutable(path)) {
                throw new IOException(path + " is not installed (resource-agents)");
            }
            Process p = new ProcessBuilder(path.toString(), "-n", "3").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(path + " did not finish within 5 s and was killed");
                }
                if (p.exitValue() != 0) {
                    throw new IOException(path + " exited with " + p.exitValue());
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while " + path + " ran", e);
            }
        };
    }

    private final Object lock = new Object();
    /** Whether a watch runs; until when; the addresses it has seen (present or tickled). */
    private boolean watching;
    private Instant until = Instant.MIN;
    private final Set<InetAddress> seen = new HashSet<>();

    /**
     * The addresses that appear here in the next window get their recorded clients tickled. One
     * watch serves every takeover start: a second one (two nodes lost at once) extends the window
     * of the watch under way instead of queueing behind it.
     */
    public void addressesComing() {
        synchronized (lock) {
            until = clock.instant().plus(window);
            if (watching) {
                return;
            }
            watching = true;
            seen.clear();
            seen.addAll(localAddresses.get());
        }
        try {
            executor.execute(this::watch);
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                watching = false;
            }
            LOG.warnf("not resetting the clients of the addresses coming up: %s", e.getMessage());
        }
    }

    private void watch() {
        List<Round> again = new ArrayList<>();
        try {
            while (true) {
                try {
                    Set<InetAddress> added = new LinkedHashSet<>(localAddresses.get());
                    synchronized (lock) {
                        added.removeAll(seen);
                        seen.addAll(added);
                    }
                    if (!added.isEmpty()) {
                        added.forEach(this::closeStale);
                        arrived.accept(Set.copyOf(added));
                        tickle(added, recorded(added), "").ifPresent(lines -> again.add(
                                new Round(added, lines, clock.instant().plus(AGAIN_AFTER))));
                    }
                    for (Round round : List.copyOf(again)) {
                        if (!clock.instant().isBefore(round.at())) {
                            again.remove(round);
                            tickle(round.addresses(), round.lines(), " again");
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.warnf(e, "resetting the clients of the addresses coming up failed; looking again");
                }
                synchronized (lock) {
                    if (!clock.instant().isBefore(until) && again.isEmpty()) {
                        return;
                    }
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (lock) {
                watching = false;
            }
        }
    }

    private void closeStale(InetAddress address) {
        try {
            List<String> closed = stale.close(address);
            if (!closed.isEmpty()) {
                LOG.infof("%s up here: closed %d socket(s) left on it from an earlier time it was here, so that its "
                        + "clients' connections meet a reset, not them: %s", address.getHostAddress(), closed.size(),
                        listed(closed));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("%s up here: could not close the sockets left on it from an earlier time it was here: %s; a "
                    + "client whose connection meets one (a TIME-WAIT of the same ports) may hang until it gives up",
                    address.getHostAddress(), e.getMessage());
        }
    }

    /** Sockets named in the log line; an address with thousands of clients would make it pages long. */
    static final int SOCKETS_LISTED = 10;

    /** The first {@link #SOCKETS_LISTED} of {@code closed}, and how many more there were. */
    static String listed(List<String> closed) {
        String first = String.join("; ", closed.subList(0, Math.min(closed.size(), SOCKETS_LISTED)));
        return closed.size() <= SOCKETS_LISTED ? first : first + "; and " + (closed.size() - SOCKETS_LISTED) + " more";
    }

    /**
     * The tickles go out again this long after the first: IPaddr2 announces the address (gratuitous
     * ARP) right after adding it, and a client that answers the first tickle before it learnt the
     * new owner answers into the void.
     */
    private static final Duration AGAIN_AFTER = Duration.ofSeconds(1);

    private record Round(Set<InetAddress> addresses, List<String> lines, Instant at) {}

    private List<String> recorded(Set<InetAddress> added) {
        Set<String> lines = new LinkedHashSet<>();
        for (Path record : records()) {
            for (NfsConnections.Connection c : ConnectionRecorder.read(record)) {
                if (added.contains(c.local())) {
                    lines.add(c.line());
                }
            }
        }
        return new ArrayList<>(lines);
    }

    /** Tickles {@code lines}; the lines, if there were any to tickle. */
    private java.util.Optional<List<String>> tickle(Set<InetAddress> added, List<String> lines, String round) {
        List<String> addresses = added.stream().map(InetAddress::getHostAddress).toList();
        if (lines.isEmpty()) {
            LOG.debugf("%s up here: no recorded client connection to reset", addresses);
            return java.util.Optional.empty();
        }
        try {
            command.tickle(lines);
            LOG.infof("%s up here: reset%s %d client connection(s) recorded for them, so the clients reconnect at once",
                    addresses, round, lines.size());
        } catch (IOException | RuntimeException e) {
            LOG.warnf("%s up here: could not reset%s the %d recorded client connection(s): %s; the clients reconnect"
                    + " when they retransmit", addresses, round, lines.size(), e.getMessage());
        }
        return java.util.Optional.of(lines);
    }

    /** This node's record and every peer's, through the peer links of its ganesha directory. */
    private List<Path> records() {
        Path ganesha = stateDir.resolve("ganesha");
        List<Path> records = new ArrayList<>();
        records.add(ganesha.resolve(ConnectionRecorder.FILE));
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(ganesha, Files::isSymbolicLink)) {
            entries.forEach(peer -> records.add(peer.resolve(ConnectionRecorder.FILE)));
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            LOG.debugf("no peer links in %s: %s", ganesha, e.getMessage());
        }
        return records;
    }
}
