package io.ganeshaha.agent.watch;

/** What the agent believes about the local ganesha.nfsd. */
public enum NfsdHealth {
    /** Running, on the bus (when the bus is up) and sending healthy heartbeats. */
    SERVING,
    /** Not running, or not (yet) on the bus. */
    DOWN,
    /**
     * Running but silent: no healthy heartbeat within the hang timeout, for as long as the silence
     * lasts. Once the node's virtual IP has moved away because of it, the agent ends the process
     * (its supervisor starts a fresh one, which fails back), so a resumed one cannot flap back.
     */
    HUNG;

    public boolean serving() {
        return this == SERVING;
    }
}
