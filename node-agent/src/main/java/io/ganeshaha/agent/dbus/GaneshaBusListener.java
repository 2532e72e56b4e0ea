package io.ganeshaha.agent.dbus;

/**
 * Events from {@link GaneshaDbus} about the local ganesha.nfsd and the bus itself.
 *
 * <p>All callbacks run on one dedicated thread per {@link GaneshaDbus}, in the order the events
 * happened, never concurrently. A callback should return quickly: while it runs, later events wait.
 * An exception thrown by a callback is logged and swallowed; delivery of later events goes on.
 */
public interface GaneshaBusListener {

    /** A listener that ignores everything (for one-shot callers that only make calls). */
    GaneshaBusListener IGNORE = new GaneshaBusListener() {
        @Override
        public void ownerChanged(String oldOwner, String newOwner) {
        }

        @Override
        public void heartbeat(boolean healthy) {
        }

        @Override
        public void busLost(Throwable cause) {
        }
    };

    /**
     * The unique bus name owning {@code org.ganesha.nfsd} changed. The empty string means "no owner".
     * {@code oldOwner} is always the {@code newOwner} of the previous call (initially {@code ""}), so
     * the listener's view stays consistent; after a (re)connection the listener gets one call if the
     * owner differs from what it last heard.
     */
    void ownerChanged(String oldOwner, String newOwner);

    /**
     * ganesha.nfsd emitted its {@code heartbeat(b isHealthy)} signal (about once a second). Only
     * heartbeats sent by the current owner of {@code org.ganesha.nfsd} are passed on.
     */
    void heartbeat(boolean healthy);

    /**
     * The connection to the bus was lost (or, for {@link GaneshaDbus#open}, could not be made at
     * first). Reported once per loss. Calls fail fast until {@link #busRegained()}.
     */
    void busLost(Throwable cause);

    /** The connection to the bus was re-established after {@link #busLost(Throwable)}. */
    default void busRegained() {
    }
}
