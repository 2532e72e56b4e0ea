package io.ganeshaha.agent.dbus;

import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.freedesktop.dbus.connections.IDisconnectCallback;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.connections.transports.AbstractTransport;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.matchrules.DBusMatchRule;
import org.freedesktop.dbus.matchrules.DBusMatchRuleBuilder;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.messages.Error;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.messages.constants.Flags;
import org.freedesktop.dbus.messages.constants.MessageTypes;

/**
 * Talks to the local ganesha.nfsd over D-Bus: {@code grace}, {@code get_grace}, who owns
 * {@code org.ganesha.nfsd}, and watching its owner and its {@code heartbeat} signal.
 *
 * <h2>Calls</h2>
 * Every call takes an explicit timeout that really bounds it: the calls are sent as raw D-Bus method
 * calls and their replies awaited with {@link MethodCall#getReply(long)} for that long, so the global
 * {@code MethodCall.setDefaultTimeout} (20 s by default in dbus-java) is neither used nor changed.
 * Failures are {@link GaneshaDbusException}s whose {@link GaneshaDbusException#reason() reason} tells
 * apart an unreachable or lost bus, no ganesha.nfsd on the bus, a timeout, and ganesha answering
 * {@code status=false}. All methods are thread-safe.
 *
 * <h2>Watching</h2>
 * The {@link GaneshaBusListener} gets {@code NameOwnerChanged} for {@code org.ganesha.nfsd} and
 * ganesha's {@code heartbeat(b)} signals (only those sent by the current owner of the name, since on
 * the system bus anyone may emit a signal), on one event thread, in order, within about a
 * millisecond of the signal. Listener exceptions are logged and do not stop delivery.
 *
 * <h2>Bus loss and reconnection</h2>
 * This class reconnects by itself. When the connection to dbus-daemon breaks (dbus-java's disconnect
 * callback, or a call finding the connection dead) the listener gets {@code busLost(cause)} once and
 * every call fails at once with {@link GaneshaDbusException.Reason#BUS_LOST}. In the background a
 * reconnect is attempted after {@link Options#reconnectInitialDelay()}, then with the delay doubling
 * up to {@link Options#reconnectMaxDelay()}, forever until {@link #close()}; each attempt is bounded
 * by {@link Options#connectTimeout()} (a dead socket fails at once, a hung dbus-daemon at the
 * timeout). On success the listener gets {@code busRegained()} and then, if the owner of
 * {@code org.ganesha.nfsd} differs from what it last heard, {@code ownerChanged(last, current)}.
 * Note that ganesha.nfsd 4.3 itself exits when its bus goes away (libdbus exit-on-disconnect) and
 * does not come back on its own: after a bus restart, expect {@code ownerChanged(x, "")} or no owner.
 *
 * <p>{@link #connect} fails with {@link GaneshaDbusException.Reason#BUS_UNREACHABLE} if the first
 * connection cannot be made within the connect timeout; {@link #open} never fails for that reason:
 * it reports {@code busLost} and keeps trying, for a supervisor that must start before the bus.
 */
public final class GaneshaDbus implements AutoCloseable {

    /** The well-known bus name of ganesha.nfsd. */
    public static final String BUS_NAME = "org.ganesha.nfsd";
    /** Object path of ganesha's admin interface. */
    public static final String ADMIN_PATH = "/org/ganesha/nfsd/admin";
    /** Interface of ganesha's admin methods and of its heartbeat signal. */
    public static final String ADMIN_INTERFACE = "org.ganesha.nfsd.admin";
    /** Object path ganesha emits {@code heartbeat(b)} on. */
    public static final String HEARTBEAT_PATH = "/org/ganesha/nfsd/heartbeat";
    /** Member name of the heartbeat signal. */
    public static final String HEARTBEAT_MEMBER = "heartbeat";
    /** The usual system bus address. */
    public static final String SYSTEM_BUS_ADDRESS = "unix:path=/run/dbus/system_bus_socket";
    /** Highest grace event ganesha 4.3 knows (0 grace, 1 release locks, 2 release IP, 3 update clients, 4 take node id, 5 take IP). */
    public static final int MAX_GRACE_EVENT = 5;

    static final String DBUS_NAME = "org.freedesktop.DBus";
    static final String DBUS_PATH = "/org/freedesktop/DBus";
    static final String DBUS_INTERFACE = "org.freedesktop.DBus";

    private static final String ERR_SERVICE_UNKNOWN = "org.freedesktop.DBus.Error.ServiceUnknown";
    private static final String ERR_NAME_HAS_NO_OWNER = "org.freedesktop.DBus.Error.NameHasNoOwner";
    /**
     * dbus-daemon refuses calls once a connection awaits max_replies_per_connection (128 by default)
     * replies, answering LimitsExceeded. Calls to a hung ganesha that we gave up on stay pending
     * there, so we stop sending to ganesha while this many of ours are still unanswered.
     */
    static final int MAX_UNANSWERED_CALLS = 32;
    /** dbus-java retries a failed socket connect every 500 ms for timeout/500 attempts: one attempt. */
    private static final int ONE_TRANSPORT_ATTEMPT_MS = 500;

    private static final System.Logger LOG = System.getLogger(GaneshaDbus.class.getName());
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
    private final GaneshaBusListener listener;
    private final Options options;
    private final long instance = INSTANCES.incrementAndGet();

    private final ExecutorService events;
    private final ExecutorService connector;
    private final ScheduledExecutorService reconnector;
    private final AtomicLong sessionIds = new AtomicLong();
    private volatile Thread eventThread;

    private final Object lock = new Object();
    /** The live connection; null while disconnected. Guarded by {@link #lock}. */
    private Session session;
    /** Why we are disconnected (last loss or failed attempt). Guarded by {@link #lock}. */
    private Throwable lostCause;
    private boolean closed;
    private long reconnectDelayMs;
    private ScheduledFuture<?> pendingReconnect;

    /** The owner the listener last heard of; only touched on the event thread. */
    private String reportedOwner = "";

    private GaneshaDbus(String address, GaneshaBusListener listener, Options options) {
        this.address = requireAddress(address);
        this.listener = Objects.requireNonNull(listener, "listener");
        this.options = Objects.requireNonNull(options, "options");
        this.events = Executors.newSingleThreadExecutor(threads("events"));
        this.connector = Executors.newSingleThreadExecutor(threads("connect"));
        this.reconnector = Executors.newSingleThreadScheduledExecutor(threads("reconnect"));
        this.reconnectDelayMs = options.reconnectInitialDelay().toMillis();
    }

    /** {@link #connect(String, GaneshaBusListener, Options)} with {@link Options#defaults()}. */
    public static GaneshaDbus connect(String busAddress, GaneshaBusListener listener) throws GaneshaDbusException {
        return connect(busAddress, listener, Options.defaults());
    }

    /**
     * Connects to the bus at {@code busAddress} (e.g. {@value #SYSTEM_BUS_ADDRESS}) and starts
     * watching. Fails with {@link GaneshaDbusException.Reason#BUS_UNREACHABLE} if no connection can
     * be made within {@link Options#connectTimeout()}. Once connected, reconnects by itself.
     */
    public static GaneshaDbus connect(String busAddress, GaneshaBusListener listener, Options options)
            throws GaneshaDbusException {
        GaneshaDbus dbus = new GaneshaDbus(busAddress, listener, options);
        try {
            Session s = dbus.connectSession();
            dbus.install(s, false);
            return dbus;
        } catch (GaneshaDbusException | RuntimeException e) {
            dbus.close();
            throw e;
        }
    }

    /**
     * Like {@link #connect(String, GaneshaBusListener, Options)} but never fails for an unreachable
     * bus: the first failure is reported as {@code busLost(cause)} and reconnection goes on in the
     * background.
     */
    public static GaneshaDbus open(String busAddress, GaneshaBusListener listener, Options options) {
        GaneshaDbus dbus = new GaneshaDbus(busAddress, listener, options);
        try {
            dbus.install(dbus.connectSession(), false);
        } catch (GaneshaDbusException e) {
            synchronized (dbus.lock) {
                dbus.lostCause = e;
                dbus.dispatch(() -> dbus.listener.busLost(e));
                dbus.scheduleReconnect();
            }
        }
        return dbus;
    }

    /** The bus address this instance connects to. */
    public String address() {
        return address;
    }

    /** Whether a live bus connection is in place right now. */
    public boolean isConnected() {
        Session s;
        synchronized (lock) {
            s = session;
        }
        return s != null && s.conn.isConnected();
    }

    /**
     * Sends {@code grace("EVENT:KEY")} to ganesha.nfsd and waits for its answer.
     *
     * @param event grace event 0..5 (always sent explicitly: a bare IPv6 key would be parsed as an event)
     * @param key the IP or node name: with the fs recovery backend, event 5 reads the client records
     *        of {@code <RecoveryRoot>/<key>/v4recov}; non-empty, no whitespace or control characters
     * @throws GaneshaDbusException GANESHA_FAILED if ganesha answered status=false, TIMEOUT if no answer
     *         came within {@code timeout} (ganesha's grace handler can block while grace references are held)
     */
    public void grace(int event, String key, Duration timeout) throws GaneshaDbusException {
        String argument = graceArgument(event, key);
        String operation = "grace(\"" + argument + "\")";
        Object[] reply = call(operation, BUS_NAME, ADMIN_PATH, ADMIN_INTERFACE, "grace", "s", timeout, argument);
        if (reply.length < 1 || !(reply[0] instanceof Boolean status)) {
            throw GaneshaDbusException.unexpectedReply(operation, "expected (b status, s error), got " + describe(reply));
        }
        if (!status) {
            throw GaneshaDbusException.ganeshaFailed(operation, reply.length > 1 ? String.valueOf(reply[1]) : "");
        }
    }

    /** Calls {@code get_grace()} and returns its first boolean: whether ganesha.nfsd is in grace. */
    public boolean inGrace(Duration timeout) throws GaneshaDbusException {
        String operation = "get_grace()";
        Object[] reply = call(operation, BUS_NAME, ADMIN_PATH, ADMIN_INTERFACE, "get_grace", null, timeout);
        if (reply.length < 1 || !(reply[0] instanceof Boolean isGrace)) {
            throw GaneshaDbusException.unexpectedReply(operation,
                "expected (b isgrace, b status, s error), got " + describe(reply));
        }
        if (reply.length > 1 && Boolean.FALSE.equals(reply[1])) {
            throw GaneshaDbusException.ganeshaFailed(operation, reply.length > 2 ? String.valueOf(reply[2]) : "");
        }
        return isGrace;
    }

    /** The unique bus name (e.g. {@code :1.42}) owning {@code org.ganesha.nfsd}, empty if none. */
    public Optional<String> nfsdOwner(Duration timeout) throws GaneshaDbusException {
        return nameOwner(requireSession("GetNameOwner(" + BUS_NAME + ")"), timeout);
    }

    /**
     * Stops watching and closes the bus connection. No listener callback starts after this returns
     * (one already running may still finish). Idempotent.
     */
    @Override
    public void close() {
        Session s;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            s = session;
            session = null;
            if (pendingReconnect != null) {
                pendingReconnect.cancel(false);
            }
        }
        reconnector.shutdownNow();
        connector.shutdownNow();
        if (s != null) {
            closeQuietly(s.conn);
        }
        events.shutdown();
        if (Thread.currentThread() != eventThread) {
            try {
                if (!events.awaitTermination(1, TimeUnit.SECONDS)) {
                    LOG.log(System.Logger.Level.WARNING, "GaneshaBusListener callback still running 1 s after close()");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        events.shutdownNow();
    }

    @Override
    public String toString() {
        return "GaneshaDbus[" + address + (isConnected() ? ", connected" : ", disconnected") + "]";
    }

    // ---------------------------------------------------------------- validation (package-visible for tests)

    /** Builds the {@code grace} argument {@code "EVENT:KEY"}, validating both parts. */
    static String graceArgument(int event, String key) {
        if (event < 0 || event > MAX_GRACE_EVENT) {
            throw new IllegalArgumentException("grace event must be 0.." + MAX_GRACE_EVENT + ", got " + event);
        }
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("grace key (IP address or node name) must not be empty");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                throw new IllegalArgumentException(
                    "grace key must not contain whitespace or control characters, got \"" + printable(key) + "\"");
            }
        }
        return event + ":" + key;
    }

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

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || (Character.isWhitespace(c) && c != ' ')) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- calls

    private Session requireSession(String operation) throws GaneshaDbusException {
        synchronized (lock) {
            if (closed) {
                throw GaneshaDbusException.closed(operation);
            }
            if (session == null) {
                throw GaneshaDbusException.busLost(operation, address, lostCause);
            }
            return session;
        }
    }

    private Object[] call(String operation, String destination, String path, String iface, String member,
                          String signature, Duration timeout, Object... args) throws GaneshaDbusException {
        long timeoutMs = timeoutMillis(timeout);
        return call(requireSession(operation), operation, destination, path, iface, member, signature, timeoutMs, args);
    }

    private Object[] call(Session s, String operation, String destination, String path, String iface, String member,
                          String signature, long timeoutMs, Object... args) throws GaneshaDbusException {
        DBusConnection conn = s.conn;
        boolean toGanesha = BUS_NAME.equals(destination);
        if (toGanesha) {
            s.unanswered.removeIf(MethodCall::hasReply);
            if (s.unanswered.size() >= MAX_UNANSWERED_CALLS) {
                throw GaneshaDbusException.backlog(operation, s.unanswered.size(), destination);
            }
        }
        MethodCall mc;
        try {
            mc = conn.getMessageFactory().createMethodCall(destination, path, iface, member,
                Flags.NO_AUTO_START, signature, args);
        } catch (DBusException e) {
            throw GaneshaDbusException.dbusError(operation, "(message construction)", e.getMessage(), e);
        }
        try {
            conn.sendMessage(mc);
        } catch (RuntimeException e) { // NotConnected and other DBusExecutionExceptions
            if (!conn.isConnected()) {
                onLost(s, e);
                throw GaneshaDbusException.busLost(operation, address, e);
            }
            throw GaneshaDbusException.dbusError(operation, "(send)", e.getMessage(), e);
        }

        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Message reply = null;
        while (reply == null) {
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMs <= 0) {
                break;
            }
            reply = mc.getReply(remainingMs); // waits at most remainingMs; restores the interrupt flag
            if (reply == null && Thread.currentThread().isInterrupted()) {
                if (toGanesha) {
                    s.unanswered.add(mc);
                }
                throw GaneshaDbusException.interrupted(operation, new InterruptedException());
            }
        }
        if (reply == null) {
            throwIfConnectionGone(s, operation, new IOException("connection closed while waiting for a reply"));
            if (toGanesha) {
                s.unanswered.add(mc); // still pending at dbus-daemon until ganesha answers or goes away
            }
            throw GaneshaDbusException.timeout(operation, timeoutMs, destination);
        }
        if (reply instanceof Error error) {
            String name = error.getName();
            String text = errorText(error);
            // on disconnect dbus-java answers pending calls with an error named after the IOException
            throwIfConnectionGone(s, operation, new IOException(name + ": " + text));
            if (ERR_SERVICE_UNKNOWN.equals(name) || ERR_NAME_HAS_NO_OWNER.equals(name)) {
                throw GaneshaDbusException.noOwner(operation, address);
            }
            throw GaneshaDbusException.dbusError(operation, name, text, null);
        }
        try {
            Object[] params = reply.getParameters();
            return params == null ? new Object[0] : params;
        } catch (DBusException e) {
            throw GaneshaDbusException.unexpectedReply(operation, "cannot decode: " + e.getMessage());
        }
    }

    /**
     * If {@code s} is no longer usable (we closed, it was found lost, or its transport is down, which
     * dbus-java may reveal only after waking up the waiting callers), throws CLOSED or BUS_LOST.
     */
    private void throwIfConnectionGone(Session s, String operation, Throwable cause) throws GaneshaDbusException {
        boolean transportDown = !s.conn.isConnected();
        if (transportDown) {
            onLost(s, cause);
        }
        synchronized (lock) {
            if (closed) {
                throw GaneshaDbusException.closed(operation);
            }
            if (session != s) {
                throw GaneshaDbusException.busLost(operation, address, lostCause != null ? lostCause : cause);
            }
        }
    }

    private Optional<String> nameOwner(Session s, Duration timeout) throws GaneshaDbusException {
        String operation = "GetNameOwner(" + BUS_NAME + ")";
        try {
            Object[] reply = call(s, operation, DBUS_NAME, DBUS_PATH, DBUS_INTERFACE, "GetNameOwner", "s",
                timeoutMillis(timeout), BUS_NAME);
            if (reply.length < 1 || !(reply[0] instanceof String owner)) {
                throw GaneshaDbusException.unexpectedReply(operation, "expected (s owner), got " + describe(reply));
            }
            return owner.isEmpty() ? Optional.empty() : Optional.of(owner);
        } catch (GaneshaDbusException e) {
            if (e.reason() == GaneshaDbusException.Reason.NO_OWNER) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static String errorText(Error error) {
        try {
            Object[] p = error.getParameters();
            if (p != null && p.length > 0 && p[0] != null) {
                return String.valueOf(p[0]);
            }
        } catch (DBusException | RuntimeException e) {
            // fall through
        }
        return "";
    }

    private static String describe(Object[] values) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            Object v = values[i];
            b.append(v == null ? "null" : v.getClass().getSimpleName() + " " + v);
        }
        return b.append(')').toString();
    }

    // ---------------------------------------------------------------- connection lifecycle

    /** One bus connection; also its own disconnect callback, so a stale connection's events are ignored. */
    private final class Session implements IDisconnectCallback {
        final long id = sessionIds.incrementAndGet();
        volatile DBusConnection conn;
        /** Calls to ganesha that timed out on our side but are still pending at dbus-daemon. */
        final Set<MethodCall> unanswered = ConcurrentHashMap.newKeySet();

        @Override
        public void disconnectOnError(IOException e) {
            onLost(this, e);
        }

        @Override
        public void clientDisconnect() {
            onLost(this, new EOFException("the bus closed the connection"));
        }

        @Override
        public void exceptionOnTerminate(IOException e) {
            onLost(this, e);
        }

        @Override
        public void requestedDisconnect(Integer remaining) {
            onLost(this, new IOException("connection closed"));
        }

        @Override
        public String toString() {
            return "session#" + id;
        }
    }

    /** One bounded connection attempt: socket, SASL, Hello, and the two match rules. */
    private Session connectSession() throws GaneshaDbusException {
        long timeoutMs = timeoutMillis(options.connectTimeout());
        Session s = new Session();
        AtomicReference<AbstractTransport> transport = new AtomicReference<>();
        AtomicBoolean abandoned = new AtomicBoolean();
        Future<DBusConnection> attempt;
        try {
            attempt = connector.submit(() -> openConnection(s, transport, abandoned));
        } catch (RejectedExecutionException e) {
            throw GaneshaDbusException.closed("connect");
        }
        try {
            s.conn = attempt.get(timeoutMs, TimeUnit.MILLISECONDS);
            return s;
        } catch (TimeoutException e) {
            abandon(attempt, transport, abandoned);
            throw GaneshaDbusException.unreachable(address,
                "no connection within " + timeoutMs + " ms (dbus-daemon hung?)", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw GaneshaDbusException.unreachable(address, rootMessage(cause), cause);
        } catch (CancellationException e) {
            throw GaneshaDbusException.closed("connect");
        } catch (InterruptedException e) {
            abandon(attempt, transport, abandoned);
            Thread.currentThread().interrupt();
            throw GaneshaDbusException.interrupted("connect to " + address, e);
        }
    }

    private void abandon(Future<DBusConnection> attempt, AtomicReference<AbstractTransport> transport,
                         AtomicBoolean abandoned) {
        abandoned.set(true);
        if (!attempt.cancel(true)) { // it finished meanwhile: close what it made
            try {
                closeQuietly(attempt.get(0, TimeUnit.MILLISECONDS));
            } catch (Exception ignored) {
                // it failed: nothing to close
            }
        }
        closeQuietly(transport.get());
    }

    private DBusConnection openConnection(Session s, AtomicReference<AbstractTransport> transport,
                                          AtomicBoolean abandoned) throws DBusException {
        DBusConnection c = null;
        try {
            c = DBusConnectionBuilder.forAddress(address)
                .withShared(false)
                .withDisconnectCallback(s)
                .receivingThreadConfig()
                    .withSignalThreadCount(1) // one thread: signals reach us in wire order
                    .withMethodReturnThreadCount(1)
                    .withErrorHandlerThreadCount(1)
                    .withMethodCallThreadCount(1)
                    .connectionConfig()
                .transportConfig()
                    .withTimeout(ONE_TRANSPORT_ATTEMPT_MS) // we retry ourselves, with backoff
                    .withPreConnectCallback(transport::set)
                    .back()
                .build();
            c.addGenericSigHandler(nameOwnerChangedRule(), sig -> onNameOwnerChanged(s, sig));
            c.addGenericSigHandler(heartbeatRule(), sig -> onHeartbeat(s, sig));
        } catch (DBusException | RuntimeException e) {
            if (c != null) {
                closeQuietly(c);
            } else {
                closeQuietly(transport.get());
            }
            throw e;
        }
        if (abandoned.get()) {
            closeQuietly(c);
            throw new CancellationException("connection attempt abandoned");
        }
        return c;
    }

    static DBusMatchRule nameOwnerChangedRule() {
        return DBusMatchRuleBuilder.create()
            .withType(MessageTypes.SIGNAL)
            .withSender(DBUS_NAME)
            .withPath(DBUS_PATH)
            .withInterface(DBUS_INTERFACE)
            .withMember("NameOwnerChanged")
            .withArg0123(0, BUS_NAME)
            .build();
    }

    static DBusMatchRule heartbeatRule() {
        return DBusMatchRuleBuilder.create()
            .withType(MessageTypes.SIGNAL)
            .withPath(HEARTBEAT_PATH)
            .withInterface(ADMIN_INTERFACE)
            .withMember(HEARTBEAT_MEMBER)
            .build();
    }

    /** Makes {@code s} the live session (unless closed), then tells the listener and reconciles the owner. */
    private void install(Session s, boolean regained) {
        synchronized (lock) {
            if (closed) {
                closeQuietly(s.conn);
                return;
            }
            session = s;
            lostCause = null;
            reconnectDelayMs = options.reconnectInitialDelay().toMillis();
            if (regained) {
                dispatch(listener::busRegained);
            }
            dispatch(() -> reconcileOwner(s));
        }
        if (!s.conn.isConnected()) { // dropped while we were installing it
            onLost(s, new IOException("connection dropped right after connecting"));
        }
    }

    private void onLost(Session s, Throwable cause) {
        synchronized (lock) {
            if (closed || session != s) {
                return; // already handled, or a stale/own connection
            }
            session = null;
            lostCause = cause;
            LOG.log(System.Logger.Level.WARNING, "D-Bus connection to " + address + " lost: " + cause);
            dispatch(() -> listener.busLost(cause));
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
            if (closed || session != null) {
                return;
            }
        }
        try {
            install(connectSession(), true);
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

    private boolean isCurrent(Session s) {
        synchronized (lock) {
            return !closed && session == s;
        }
    }

    // ---------------------------------------------------------------- signals and the event thread

    private void onNameOwnerChanged(Session s, DBusSignal signal) {
        Object[] p;
        try {
            p = signal.getParameters();
        } catch (DBusException e) {
            LOG.log(System.Logger.Level.WARNING, "undecodable NameOwnerChanged signal: " + e.getMessage());
            return;
        }
        if (p == null || p.length < 3 || !BUS_NAME.equals(p[0])) {
            return;
        }
        String newOwner = p[2] == null ? "" : p[2].toString();
        dispatch(() -> {
            if (isCurrent(s)) {
                deliverOwner(newOwner);
            }
        });
    }

    private void onHeartbeat(Session s, DBusSignal signal) {
        Object[] p;
        try {
            p = signal.getParameters();
        } catch (DBusException e) {
            LOG.log(System.Logger.Level.WARNING, "undecodable heartbeat signal: " + e.getMessage());
            return;
        }
        if (p == null || p.length < 1 || !(p[0] instanceof Boolean healthy)) {
            return;
        }
        String sender = signal.getSource();
        dispatch(() -> {
            if (isCurrent(s) && sender != null && sender.equals(reportedOwner)) {
                listener.heartbeat(healthy);
            }
        });
    }

    /** Event thread: query the owner and report it if it differs from what the listener last heard. */
    private void reconcileOwner(Session s) {
        if (!isCurrent(s)) {
            return;
        }
        try {
            deliverOwner(nameOwner(s, options.connectTimeout()).orElse(""));
        } catch (GaneshaDbusException e) {
            LOG.log(System.Logger.Level.DEBUG, "owner query after connecting failed: " + e.getMessage());
        }
    }

    /** Event thread only. */
    private void deliverOwner(String newOwner) {
        if (newOwner.equals(reportedOwner)) {
            return;
        }
        String old = reportedOwner;
        reportedOwner = newOwner;
        listener.ownerChanged(old, newOwner);
    }

    /** Queue a listener-facing task on the event thread; exceptions are logged, never propagated. */
    private void dispatch(Runnable task) {
        try {
            events.execute(() -> {
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                }
                try {
                    task.run();
                } catch (Throwable t) { // NOPMD: a listener bug must not stop event delivery
                    if (t instanceof VirtualMachineError vme) {
                        throw vme;
                    }
                    LOG.log(System.Logger.Level.WARNING, "GaneshaBusListener threw; continuing", t);
                }
            });
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    // ---------------------------------------------------------------- helpers

    private ThreadFactory threads(String role) {
        return r -> {
            Thread t = new Thread(r, "ganesha-dbus-" + instance + "-" + role);
            t.setDaemon(true);
            if ("events".equals(role)) {
                eventThread = t;
            }
            return t;
        };
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String text = c.getMessage();
        String outer = t.getMessage();
        if (c == t || text == null) {
            return t.getClass().getSimpleName() + (outer == null ? "" : ": " + outer);
        }
        return (outer == null ? t.getClass().getSimpleName() : outer)
            + (outer != null && outer.contains(text) ? "" : " (" + c.getClass().getSimpleName() + ": " + text + ")");
    }

    private static void closeQuietly(AutoCloseable c) {
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
