package io.ganeshaha.agent.failover;

import java.time.Duration;

/** The two D-Bus calls a survivor makes to its own ganesha.nfsd. */
public interface NfsdGrace {

    /** Asks nfsd to enter grace for recovery event {@code event} of peer {@code key}. */
    void grace(int event, String key, Duration timeout) throws GraceFailure;

    /** Whether nfsd is in grace now. */
    boolean inGrace(Duration timeout) throws GraceFailure;

    /** A grace call failed: bus down, no nfsd on the bus, timeout, or nfsd refused. */
    final class GraceFailure extends Exception {
        public GraceFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
