package io.ganeshaha.agent.testing;

import io.ganeshaha.agent.failover.NfsdGrace;
import java.time.Duration;

/**
 * One node's ganesha.nfsd as the grace calls see it, in memory: a grace call puts it in grace and
 * goes into the cluster's {@link Journal} as {@code grace EVENT:KEY}. Failures a real nfsd gives:
 * {@link #refuse} (the bus or nfsd answers an error), {@link #neverConfirm} (the call succeeds but
 * get_grace never reports grace, as when ganesha lifts an empty grace at once).
 */
public final class FakeNfsdGrace implements NfsdGrace {

    private final String node;
    private final Journal journal;
    private volatile boolean inGrace;
    private volatile String refuse;
    private volatile boolean neverConfirm;

    public FakeNfsdGrace(String node, Journal journal) {
        this.node = node;
        this.journal = journal;
    }

    /** Every grace call fails with this message; null to answer again. */
    public void refuse(String message) {
        this.refuse = message;
    }

    /** Grace calls of {@code event} throw {@code e}, as a bug below the agent would. */
    public void throwOn(int event, RuntimeException e) {
        this.throwEvent = event;
        this.throwing = e;
    }

    private volatile int throwEvent = -1;
    private volatile RuntimeException throwing;

    /** Runs {@code check} inside each grace call of {@code event}, as nfsd would read its files then. */
    public void onGrace(int event, Runnable check) {
        this.checkEvent = event;
        this.check = check;
    }

    private volatile int checkEvent = -1;
    private volatile Runnable check;

    public void neverConfirm(boolean neverConfirm) {
        this.neverConfirm = neverConfirm;
    }

    public void leaveGrace() {
        inGrace = false;
    }

    @Override
    public void grace(int event, String key, Duration timeout) throws GraceFailure {
        String failure = refuse;
        if (failure != null) {
            throw new GraceFailure(failure, null);
        }
        if (event == throwEvent && throwing != null) {
            throw throwing;
        }
        if (event == checkEvent && check != null) {
            check.run();
        }
        journal.add(node, "grace " + event + ":" + key);
        inGrace = !neverConfirm;
    }

    @Override
    public boolean inGrace(Duration timeout) throws GraceFailure {
        String failure = refuse;
        if (failure != null) {
            throw new GraceFailure(failure, null);
        }
        return inGrace;
    }
}
