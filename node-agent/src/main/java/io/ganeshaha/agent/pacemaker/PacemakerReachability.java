package io.ganeshaha.agent.pacemaker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Whether this node's Pacemaker answers, as the agent's own calls to it (attrd_updater) last found.
 * It is logged once when Pacemaker stops answering and once when it answers again, however often
 * the agent's periodic work asks meanwhile, and it is part of the agent's readiness.
 */
public final class PacemakerReachability {

    private static final Logger LOG = Logger.getLogger(PacemakerReachability.class);

    private final Clock clock;
    private String failure;
    private Instant since;

    public PacemakerReachability(Clock clock) {
        this.clock = clock;
        this.since = clock.instant();
    }

    /** A call to Pacemaker was answered. */
    public synchronized void answered() {
        if (failure != null) {
            LOG.infof("Pacemaker answers again, after %d s without: the agent acts on node attributes again",
                    Duration.between(since, clock.instant()).toSeconds());
            failure = null;
            since = clock.instant();
        }
    }

    /** A call to Pacemaker failed: the reason, for the log and readiness. */
    public synchronized void failed(String reason) {
        if (failure == null) {
            LOG.errorf("Pacemaker does not answer on this node (%s): node attributes cannot change until it does; "
                    + "the entry points' fallbacks stand in for Pacemaker's own calls", reason);
            since = clock.instant();
        }
        failure = reason;
    }

    public synchronized boolean reachable() {
        return failure == null;
    }

    /** "reachable", or since when and why not. */
    public synchronized String describe() {
        return failure == null ? "reachable" : "unreachable since " + since + ": " + failure;
    }
}
