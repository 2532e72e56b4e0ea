package io.ganeshaha.agent.dbus;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * ganesha.nfsd's admin interface over a {@link BusSession}: {@code grace}, {@code get_grace}, and who
 * owns {@code org.ganesha.nfsd}. Every call takes an explicit timeout that really bounds it (see
 * {@link BusCall}); failures are {@link GaneshaDbusException}s whose
 * {@link GaneshaDbusException#reason() reason} tells apart an unreachable or lost bus, no
 * ganesha.nfsd on the bus, a timeout, and ganesha answering {@code status=false}. Thread-safe.
 *
 * <p>The session's {@link GaneshaBusListener} gets ganesha's owner changes and its
 * {@code heartbeat(b)} signals, on one event thread, in order, within about a millisecond.
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
    /** Highest grace event ganesha 4.3 knows (0 grace, 1 release locks, 2 release IP, 3 update clients, 4 take node id, 5 take IP). */
    public static final int MAX_GRACE_EVENT = 5;

    private final BusSession session;

    public GaneshaDbus(BusSession session) {
        this.session = Objects.requireNonNull(session, "session");
    }

    /** A new session on {@code busAddress} (see {@link BusSession#connect}) with ganesha's API on it. */
    public static GaneshaDbus connect(String busAddress, GaneshaBusListener listener) throws GaneshaDbusException {
        return connect(busAddress, listener, BusSession.Options.defaults());
    }

    public static GaneshaDbus connect(String busAddress, GaneshaBusListener listener, BusSession.Options options)
            throws GaneshaDbusException {
        return new GaneshaDbus(BusSession.connect(busAddress, listener, options));
    }

    /** A new session that keeps trying an unreachable bus (see {@link BusSession#open}). */
    public static GaneshaDbus open(String busAddress, GaneshaBusListener listener, BusSession.Options options) {
        return new GaneshaDbus(BusSession.open(busAddress, listener, options));
    }

    public String address() {
        return session.address();
    }

    /** The session, for ganesha's other interfaces ({@link GaneshaExports}). */
    BusSession session() {
        return session;
    }

    /** Whether a live bus connection is in place right now. */
    public boolean isConnected() {
        return session.isConnected();
    }

    /** ganesha's "release IP" event, whose argument is matched against each client's owner. */
    static final int RELEASE_EVENT = 2;

    /**
     * Sends {@code grace("EVENT:KEY")} to ganesha.nfsd and waits for its answer.
     *
     * @param event grace event 0..5 (always sent explicitly: a bare IPv6 key would be parsed as an event)
     * @param key the IP or node name: with the fs recovery backend, event 5 reads the client records
     *        of {@code <RecoveryRoot>/<key>/v4recov}; for event 2, a client owner (they hold spaces:
     *        "Linux NFSv4.1 host"). Non-empty; no control characters; spaces only for event 2
     * @throws GaneshaDbusException GANESHA_FAILED if ganesha answered status=false, TIMEOUT if no answer
     *         came within {@code timeout} (ganesha's grace handler can block while grace references are held)
     */
    public void grace(int event, String key, Duration timeout) throws GaneshaDbusException {
        String argument = graceArgument(event, key);
        String operation = "grace(\"" + argument + "\")";
        Object[] reply = session.call(operation, BUS_NAME, ADMIN_PATH, ADMIN_INTERFACE, "grace", "s", timeout,
                argument);
        if (reply.length < 1 || !(reply[0] instanceof Boolean status)) {
            throw GaneshaDbusException.unexpectedReply(operation,
                    "expected (b status, s error), got " + BusCall.describe(reply));
        }
        if (!status) {
            throw GaneshaDbusException.ganeshaFailed(operation, reply.length > 1 ? String.valueOf(reply[1]) : "");
        }
    }

    /** Calls {@code get_grace()} and returns its first boolean: whether ganesha.nfsd is in grace. */
    public boolean inGrace(Duration timeout) throws GaneshaDbusException {
        String operation = "get_grace()";
        Object[] reply = session.call(operation, BUS_NAME, ADMIN_PATH, ADMIN_INTERFACE, "get_grace", null, timeout);
        if (reply.length < 1 || !(reply[0] instanceof Boolean isGrace)) {
            throw GaneshaDbusException.unexpectedReply(operation,
                    "expected (b isgrace, b status, s error), got " + BusCall.describe(reply));
        }
        if (reply.length > 1 && Boolean.FALSE.equals(reply[1])) {
            throw GaneshaDbusException.ganeshaFailed(operation, reply.length > 2 ? String.valueOf(reply[2]) : "");
        }
        return isGrace;
    }

    /** The unique bus name (e.g. {@code :1.42}) owning {@code org.ganesha.nfsd}, empty if none. */
    public Optional<String> nfsdOwner(Duration timeout) throws GaneshaDbusException {
        return session.nfsdOwner(timeout);
    }

    /** Closes the session: no listener callback starts after this returns. Idempotent. */
    @Override
    public void close() {
        session.close();
    }

    @Override
    public String toString() {
        return "GaneshaDbus[" + session + "]";
    }

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
            boolean space = c == ' ' && event == RELEASE_EVENT;
            if (!space && (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c))) {
                throw new IllegalArgumentException(
                    "grace key must not contain whitespace or control characters, got \"" + printable(key) + "\"");
            }
        }
        return event + ":" + key;
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
}
