package io.ganeshaha.agent.ocf;

import java.time.Duration;
import java.util.Optional;

/**
 * What ganesha_grace answers, decided from what the agent knows. Pure: unit-tested without a
 * cluster.
 */
public final class GraceDecisions {

    private GraceDecisions() {}

    /**
     * How long after {@code grace-active} went away a started instance still answers running. The
     * location rule {@code grace-active ne 1} stops the instance (and sends every survivor the
     * post-stop notify) within milliseconds of the deletion; a monitor that happens to run in
     * between would otherwise record a failed action on every such race (seen in the lab: the
     * monitor ran 33 ms after the deletion, the stop came 60 ms later). Past this window the stop
     * is not coming (a layout without the rule) and the monitor says the truth.
     */
    public static final Duration STOP_PENDING = Duration.ofSeconds(10);

    /**
     * monitor: a started instance runs while {@code grace-active} is set on its node. Once the
     * attribute has been gone for longer than {@link #STOP_PENDING} it answers OCF_NOT_RUNNING,
     * what GlusterFS changed its agent to after BZ 1394224: the known state "nfsd does not serve
     * here", not an error of the agent.
     *
     * @param goneFor how long the attribute has been seen gone; empty when that is not known (the
     *     entry points' fallback has no memory), which counts as longer than the window
     */
    public static OcfExitCode monitor(boolean started, boolean graceActiveSet, Optional<Duration> goneFor) {
        if (!started) {
            return OcfExitCode.NOT_RUNNING;
        }
        if (graceActiveSet || goneFor.filter(d -> d.compareTo(STOP_PENDING) < 0).isPresent()) {
            return OcfExitCode.SUCCESS;
        }
        return OcfExitCode.NOT_RUNNING;
    }

    /** monitor as the entry points' fallback answers it: with no memory of when the attribute went. */
    public static OcfExitCode monitor(boolean started, boolean graceActiveSet) {
        return monitor(started, graceActiveSet, Optional.empty());
    }

    /**
     * start: succeed at once when {@code grace-active} is set. When it is not, answer
     * OCF_NOT_RUNNING ("known error, don't attempt further restarts"), unless nfsd serves here and
     * ganesha_mon runs: then the attribute is on its way (the two-node start race GlusterFS fixed
     * later) and the caller waits for it rather than lying either way.
     */
    public enum Start {
        SUCCESS,
        WAIT_FOR_ATTRIBUTE,
        NOT_RUNNING
    }

    public static Start start(boolean graceActiveSet, boolean nfsdServing, boolean monStarted) {
        if (graceActiveSet) {
            return Start.SUCCESS;
        }
        return nfsdServing && monStarted ? Start.WAIT_FOR_ATTRIBUTE : Start.NOT_RUNNING;
    }
}
