package io.ganeshaha.agent.watch;

/** What the agent believes about the local ganesha.nfsd. */
public enum NfsdHealth {
    /** Running, on the bus (when the bus is up) and sending healthy heartbeats. */
    SERVING,
    /** Not running, or not (yet) on the bus. */
    DOWN,
    /**
     * Running but silent: no healthy heartbeat within the hang timeout. Sticky for that process:
     * a daemon that froze once is not trusted again until it is restarted, so a SIGCONT does not
     * make the virtual IP flap back.
     */
    HUNG;

    public boolean serving() {
        return this == SERVING;
    }
}
