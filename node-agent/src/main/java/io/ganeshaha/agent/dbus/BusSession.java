package io.ganeshaha.agent.dbus;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.lang3.concurrent.BasicThreadFactory;

/**
 * The agent's session on the system bus: one live connection at a time, bounded calls over it, and
 * the signals about ganesha.nfsd routed to a {@link GaneshaBusListener}. What ganesha's admin
 * interface means is {@link GaneshaDbus}'s business; this class knows only the bus.
 *
 * <h2>Bus loss and reconnection</h2>
 * The session reconnects by itself. When the connection to dbus-daemon breaks (dbus-java's
 * disconnect callback, or a call finding the connection dead) the listener gets
 * {@code busLost(cause)} once and every call fails at once with
 * {@link GaneshaDbusException.Reason#BUS_LOST}. In the background a reconnect is attempted after
 * {@link Options#reconnectInitialDelay()}, then with the delay doubling up to
 * {@link Options#reconnectMaxDelay()}, forever until {@link #close()}; each attempt is bounded by
 * {@link Options#connectTimeout()} (a dead socket fails at once, a hung dbus-daemon at the timeout).
 * On success the listener gets {@code busRegained()} and then, if the owner of
 * {@code org.ganesha.nfsd} differs from what it last heard, {@code ownerChanged(last, current)}.
 * ganesha.nfsd 4.3 itself exits when its bus goes away (libdbus exit-on-disconnect) and does not
 * come back on its own: after a bus restart, expect {@code ownerChanged(x, "")} or no owner.
 *
 * <p>{@link #connect} fails with {@link GaneshaDbusException.Reason#BUS_UNREACHABLE} if the first
 * connection cannot be made within the connect timeout; {@link #open} never fails for that reason:
 * it reports {@code busLost} and keeps trying, for a supervisor that must start before the bus.
 */
public final class BusSession implements AutoCloseable, BusCall.Owner {

    /** The usual system bus address. */
    public static final String SYSTEM_BUS_ADDRESS = "unix:path=/run/dbus/system_bus_socket";

    static final String DBUS_NAME = "org.freedesktop.DBus";
    static final String DBUS_PATH = "/org/freedesktop/DBus";
    static final String DBUS_INTERFACE = "org.freedesktop.DBus";

    private static final System.Logger LOG = System.getLogger(BusSession.class.getName());
    private static final AtomicLong INSTANCES = new AtomicLong();

    /**
     * Connection settings.
     *
     * @param connectTimeout bound on one connection attempt (socket, auth, Hello, AddMatch), and on
     *        the owner query made after each (re)connection
     * @param reconnectInitialDelay delay before the first reconnect attempt after a loss
     * @param reconnectMaxDelay the delay doubles after each failed attempt up to this
     */
    public record Options(Duration connectTimeout, Duration reconnectInitialDelay, Duration reconnectMaxDelay) {

        public Options {
            requirePositive(connectTimeout, "connectTimeout");
            requirePositive(reconnectInitialDelay, "reconnectInitialDelay");
            requirePositive(reconnectMaxDelay, "reconnectMaxDelay");
            if (reconnectMaxDelay.compareTo(reconnectInitialDelay) < 0) {
                throw new IllegalArgumentException("reconnectMaxDelay (" + reconnectMaxDelay
                    + ") must not be shorter than reconnectInitialDelay (" + reconnectInitialDelay + ")");
            }
        }

        /** 2 s per connection attempt; reconnect after 100 ms, backing off to 2 s. */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofSeconds(2));
        }

        public Options withConnectTimeout(Duration value) {
            return new Options(value, reconnectInitialDelay, reconnectMaxDelay);
        }

        public Options withReconnectDelays(Duration initial, Duration max) {
            return new Options(connectTimeout, initial, max);
        }
    }

    private final String address;
    private final Options options;
    private final long instance = INSTANCES.incrementAndGet();
    private final ExecutorService connectThread;
    private final ScheduledExecutorService reconnector;
    private final BusConnector connector;
    private final SignalRouter router;
    private final AtomicLong linkIds = new AtomicLong();

    private final Object lock = new Object();
    /** The live connection; null while disconnected. Guarded by {@link #lock}. */
    private BusLink link;
    /** Why we are disconnected (last loss or failed attempt). Guarded by {@link #lock}. */
    private Throwable lostCause;
    private boolean closed;
    private long reconnectDelayMs;
    private ScheduledFuture<?> pendingReconnect;

    private BusSession(String address, GaneshaBusListener listener, Options options) {
        this.address = requireAddress(address);
        this.options = Objects.requireNonNull(options, "options");
        this.connectThread = Executors.newSingleThreadExecutor(threads("connect"));
        this.reconnector = Executors.newSingleThreadScheduledExecutor(threads("reconnect"));
        this.connector = new BusConnector(this.address, connectThread);
        this.router = new SignalRouter(Objects.requireNonNull(listener, "listener"), this::isCurrent,
                "ganesha-dbus-" + instance + "-events");
        this.reconnectDelayMs = options.reconnectInitialDelay().toMillis();
    }

    /**
     * Connects to the bus at {@code busAddress} (e.g. {@value #SYSTEM_BUS_ADDRESS}) and starts
     * watching. Fails with {@link GaneshaDbusException.Reason#BUS_UNREACHABLE} if no connection can
     * be made within {@link Options#connectTimeout()}. Once connected, reconnects by itself.
     */
    public static BusSession connect(String busAddress, GaneshaBusListener listener, Options options)
            throws GaneshaDbusException {
        BusSession session = new BusSession(busAddress, listener, options);
        try {
            session.install(session.newLink(), false);
            return session;
        } catch (GaneshaDbusException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * Like {@link #connect} but never fails for an unreachable bus: the first failure is reported as
     * {@code busLost(cause)} and reconnection goes on in the background.
     */
    public static BusSession open(String busAddress, GaneshaBusListener listener, Options options) {
        BusSession session = new BusSession(busAddress, listener, options);
        try {
            session.install(session.newLink(), false);
        } catch (GaneshaDbusException e) {
            synchronized (session.lock) {
                session.lostCause = e;
                session.router.busLost(e);
                session.scheduleReconnect();
            }
        }
        return session;
    }

    @Override
    public String address() {
        return address;
    }

    /** Whether a live bus connection is in place right now. */
    public boolean isConnected() {
        BusLink s;
        synchronized (lock) {
            s = link;
        }
        return s != null && s.conn.isConnected();
    }

    /** A method call on the live connection, bounded by {@code timeout}; see {@link BusCall}. */
    Object[] call(String operation, String destination, String path, String iface, String member, String signature,
                  Duration timeout, Object... args) throws GaneshaDbusException {
        long timeoutMs = timeoutMillis(timeout);
        return BusCall.call(this, requireLink(operation), operation, destination, path, iface, member, signature,
                timeoutMs, args);
    }

    /** The unique bus name (e.g. {@code :1.42}) owning {@code org.ganesha.nfsd}, empty if none. */
    Optional<String> nfsdOwner(Duration timeout) throws GaneshaDbusException {
        return nfsdOwner(requireLink("GetNameOwner(" + GaneshaDbus.BUS_NAME + ")"), timeout);
    }

    private Optional<String> nfsdOwner(BusLink s, Duration timeout) throws GaneshaDbusException {
        String operation = "GetNameOwner(" + GaneshaDbus.BUS_NAME + ")";
        try {
            Object[] reply = BusCall.call(this, s, operation, DBUS_NAME, DBUS_PATH, DBUS_INTERFACE, "GetNameOwner",
                    "s", timeoutMillis(timeout), GaneshaDbus.BUS_NAME);
            if (reply.length < 1 || !(reply[0] instanceof String owner)) {
                throw GaneshaDbusException.unexpectedReply(operation,
                        "expected (s owner), got " + BusCall.describe(reply));
            }
            return owner.isEmpty() ? Optional.empty() : Optional.of(owner);
        } catch (GaneshaDbusException e) {
            if (e.reason() == GaneshaDbusException.Reason.NO_OWNER) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Stops watching and closes the bus connection. No listener callback starts after this returns
     * (one already running may still finish). Idempotent.
     */
    @Override
    public void close() {
        BusLink s;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            router.stop();
            s = link;
            link = null;
            if (pendingReconnect != null) {
                pendingReconnect.cancel(false);
            }
        }
        reconnector.shutdownNow();
        connectThread.shutdownNow();
        if (s != null) {
            closeQuietly(s.conn);
        }
        router.close();
    }

    @Override
    public String toString() {
        return "BusSession[" + address + (isConnected() ? ", connected" : ", disconnected") + "]";
    }

    // ---------------------------------------------------------------- the live link

    private BusLink requireLink(String operation) throws GaneshaDbusException {
        synchronized (lock) {
            if (closed) {
                throw GaneshaDbusException.closed(operation);
            }
            if (link == null) {
                throw GaneshaDbusException.busLost(operation, address, lostCause);
            }
            return link;
        }
    }

    @Override
    public void requireCurrent(BusLink s, String operation, Throwable cause) throws GaneshaDbusException {
        if (!s.conn.isConnected()) {
            lost(s, cause);
        }
        synchronized (lock) {
            if (closed) {
                throw GaneshaDbusException.closed(operation);
            }
            if (link != s) {
                throw GaneshaDbusException.busLost(operation, address, lostCause != null ? lostCause : cause);
            }
        }
    }

    private boolean isCurrent(BusLink s) {
        synchronized (lock) {
            return !closed && link == s;
        }
    }

    /** One bounded connection attempt. */
    private BusLink newLink() throws GaneshaDbusException {
        BusLink s = new BusLink(linkIds.incrementAndGet(), this::lost);
        connector.connect(s, router, timeoutMillis(options.connectTimeout()));
        return s;
    }

    /** Makes {@code s} the live link (unless closed), then tells the listener and reconciles the owner. */
    private void install(BusLink s, boolean regained) {
        synchronized (lock) {
            if (closed) {
                closeQuietly(s.conn);
                return;
            }
            link = s;
            lostCause = null;
            reconnectDelayMs = options.reconnectInitialDelay().toMillis();
            if (regained) {
                router.busRegained();
            }
            router.reconcileOwner(s, l -> nfsdOwner(l, options.connectTimeout()));
        }
        if (!s.conn.isConnected()) { // dropped while we were installing it
            lost(s, new IOException("connection dropped right after connecting"));
        }
    }

    @Override
    public void lost(BusLink s, Throwable cause) {
        synchronized (lock) {
            if (closed || link != s) {
                return; // already handled, or a stale/own connection
            }
            link = null;
            lostCause = cause;
            LOG.log(System.Logger.Level.WARNING, "D-Bus connection to " + address + " lost: " + cause);
            router.busLost(cause);
            reconnectDelayMs = options.reconnectInitialDelay().toMillis();
            scheduleReconnect();
        }
        // may run on dbus-java's reader thread, inside its disconnect: close elsewhere
        try {
            reconnector.execute(() -> closeQuietly(s.conn));
        } catch (RejectedExecutionException e) {
            // closing down: close() takes care of it
        }
    }

    /** Caller holds {@link #lock}. */
    private void scheduleReconnect() {
        if (closed) {
            return;
        }
        try {
            pendingReconnect = reconnector.schedule(this::reconnect, reconnectDelayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing down
        }
    }

    private void reconnect() {
        synchronized (lock) {
            if (closed || link != null) {
                return;
            }
        }
        try {
            install(newLink(), true);
            LOG.log(System.Logger.Level.INFO, "D-Bus connection to " + address + " re-established");
        } catch (GaneshaDbusException e) {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                lostCause = e;
                reconnectDelayMs = Math.min(reconnectDelayMs * 2, options.reconnectMaxDelay().toMillis());
                LOG.log(System.Logger.Level.DEBUG, "reconnect to " + address + " failed, next attempt in "
                    + reconnectDelayMs + " ms: " + e.getMessage());
                scheduleReconnect();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "unexpected failure reconnecting to " + address, e);
            synchronized (lock) {
                lostCause = e;
                reconnectDelayMs = options.reconnectMaxDelay().toMillis();
                scheduleReconnect();
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    static long timeoutMillis(Duration timeout) {
        requirePositive(timeout, "timeout");
        try {
            return Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeout.toNanos() + 999_999));
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    private static String requireAddress(String address) {
        Objects.requireNonNull(address, "busAddress");
        if (address.isBlank()) {
            throw new IllegalArgumentException("bus address must not be blank (e.g. " + SYSTEM_BUS_ADDRESS + ")");
        }
        return address.strip();
    }

    private ThreadFactory threads(String role) {
        return BasicThreadFactory.builder().namingPattern("ganesha-dbus-" + instance + "-" + role).daemon().build();
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "ignoring failure closing " + c + ": " + e);
        }
    }
}
