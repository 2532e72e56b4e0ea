package io.ganeshaha.agent.dbus;

import java.util.Objects;

/**
 * A D-Bus operation against the local ganesha.nfsd failed. {@link #reason()} says why, in a form a
 * caller can branch on; the message says the same for a human, naming the operation, e.g.
 * {@code grace("5:n2") failed: timeout after 500 ms waiting for a reply from org.ganesha.nfsd}.
 */
public final class GaneshaDbusException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why an operation failed. */
    public enum Reason {
        /** No connection to the bus could be made (socket missing, refused, auth hung, ...). */
        BUS_UNREACHABLE,
        /** The bus connection was lost (dbus-daemon died or restarted); reconnecting in the background. */
        BUS_LOST,
        /** Nobody owns {@code org.ganesha.nfsd}: ganesha.nfsd is not running or not on this bus. */
        NO_OWNER,
        /**
         * No reply within the caller's timeout (a hung or busy ganesha.nfsd, or a hung bus); also
         * when ganesha still owes replies to many earlier timed-out calls (then failing at once).
         */
        TIMEOUT,
        /** ganesha.nfsd answered, with status=false and its error text. */
        GANESHA_FAILED,
        /** The bus or ganesha.nfsd answered with a D-Bus error, or with an unexpected reply. */
        DBUS_ERROR,
        /** The {@link GaneshaDbus} was closed. */
        CLOSED,
        /** The calling thread was interrupted while waiting. */
        INTERRUPTED
    }

    private final Reason reason;

    GaneshaDbusException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    static GaneshaDbusException unreachable(String address, String detail, Throwable cause) {
        return new GaneshaDbusException(Reason.BUS_UNREACHABLE,
            "D-Bus bus unreachable at " + address + ": " + detail, cause);
    }

    static GaneshaDbusException busLost(String operation, String address, Throwable cause) {
        return new GaneshaDbusException(Reason.BUS_LOST,
            operation + " failed: not connected to the D-Bus bus at " + address
                + " (connection lost" + describe(cause) + "; reconnecting in the background)",
            cause);
    }

    static GaneshaDbusException noOwner(String operation, String address) {
        return new GaneshaDbusException(Reason.NO_OWNER,
            operation + " failed: no owner of " + GaneshaDbus.BUS_NAME + " on the bus at " + address
                + " (ganesha.nfsd not running, or not connected to this bus)",
            null);
    }

    static GaneshaDbusException timeout(String operation, long timeoutMs, String destination) {
        return new GaneshaDbusException(Reason.TIMEOUT,
            operation + " failed: timeout after " + timeoutMs + " ms waiting for a reply from " + destination,
            null);
    }

    static GaneshaDbusException backlog(String operation, int unanswered, String destination) {
        return new GaneshaDbusException(Reason.TIMEOUT,
            operation + " failed: timeout: " + destination + " has not answered " + unanswered
                + " earlier calls (hung?); not sending more until it does",
            null);
    }

    static GaneshaDbusException ganeshaFailed(String operation, String errorText) {
        return new GaneshaDbusException(Reason.GANESHA_FAILED,
            operation + " failed: ganesha answered status=false: "
                + (errorText == null || errorText.isEmpty() ? "(no error text)" : errorText),
            null);
    }

    static GaneshaDbusException dbusError(String operation, String errorName, String errorText, Throwable cause) {
        return new GaneshaDbusException(Reason.DBUS_ERROR,
            operation + " failed: D-Bus error " + errorName
                + (errorText == null || errorText.isEmpty() ? "" : ": " + errorText),
            cause);
    }

    static GaneshaDbusException unexpectedReply(String operation, String detail) {
        return new GaneshaDbusException(Reason.DBUS_ERROR,
            operation + " failed: unexpected reply: " + detail, null);
    }

    static GaneshaDbusException closed(String operation) {
        return new GaneshaDbusException(Reason.CLOSED, operation + " failed: GaneshaDbus is closed", null);
    }

    static GaneshaDbusException interrupted(String operation, InterruptedException cause) {
        return new GaneshaDbusException(Reason.INTERRUPTED,
            operation + " failed: interrupted while waiting for a reply", cause);
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "";
        }
        String text = cause.getMessage();
        return ": " + cause.getClass().getSimpleName() + (text == null || text.isBlank() ? "" : " " + text);
    }
}
