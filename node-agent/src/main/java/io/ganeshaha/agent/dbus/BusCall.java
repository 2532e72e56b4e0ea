package io.ganeshaha.agent.dbus;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.messages.Error;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.messages.constants.Flags;

/**
 * One method call over a {@link BusLink}, bounded for real: sent as a raw D-Bus method call and its
 * reply awaited with {@link MethodCall#getReply(long)} for the caller's timeout, so dbus-java's
 * global default timeout (20 s) is neither used nor changed. Every failure is a typed
 * {@link GaneshaDbusException}.
 */
final class BusCall {

    private static final String ERR_SERVICE_UNKNOWN = "org.freedesktop.DBus.Error.ServiceUnknown";
    private static final String ERR_NAME_HAS_NO_OWNER = "org.freedesktop.DBus.Error.NameHasNoOwner";
    /**
     * dbus-daemon refuses calls once a connection awaits max_replies_per_connection (128 by default)
     * replies, answering LimitsExceeded. Calls to a hung ganesha that we gave up on stay pending
     * there, so we stop sending to ganesha while this many of ours are still unanswered.
     */
    static final int MAX_UNANSWERED_CALLS = 32;

    /** What a call needs of the session it belongs to. */
    interface Owner {
        String address();

        /** The link was found dead: the session reports the loss and reconnects. */
        void lost(BusLink link, Throwable cause);

        /**
         * Throws CLOSED or BUS_LOST if {@code link} is no longer usable (the session closed, it was
         * found lost, or its transport is down, which dbus-java may reveal only after waking up the
         * waiting callers).
         */
        void requireCurrent(BusLink link, String operation, Throwable cause) throws GaneshaDbusException;
    }

    private BusCall() {}

    static Object[] call(Owner session, BusLink s, String operation, String destination, String path, String iface,
                         String member, String signature, long timeoutMs, Object... args) throws GaneshaDbusException {
        DBusConnection conn = s.conn;
        boolean toGanesha = GaneshaDbus.BUS_NAME.equals(destination);
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
                session.lost(s, e);
                throw GaneshaDbusException.busLost(operation, session.address(), e);
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
            session.requireCurrent(s, operation, new IOException("connection closed while waiting for a reply"));
            if (toGanesha) {
                s.unanswered.add(mc); // still pending at dbus-daemon until ganesha answers or goes away
            }
            throw GaneshaDbusException.timeout(operation, timeoutMs, destination);
        }
        if (reply instanceof Error error) {
            String name = error.getName();
            String text = errorText(error);
            // on disconnect dbus-java answers pending calls with an error named after the IOException
            session.requireCurrent(s, operation, new IOException(name + ": " + text));
            if (ERR_SERVICE_UNKNOWN.equals(name) || ERR_NAME_HAS_NO_OWNER.equals(name)) {
                throw GaneshaDbusException.noOwner(operation, session.address());
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

    /** A reply's values with their types, for an error message about an unexpected reply. */
    static String describe(Object[] values) {
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
}
