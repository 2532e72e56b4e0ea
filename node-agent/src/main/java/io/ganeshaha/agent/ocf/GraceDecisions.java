package io.ganeshaha.agent.ocf;

/**
 * What ganesha_grace answers, decided from what the agent knows. Pure: unit-tested without a
 * cluster.
 */
public final class GraceDecisions {

    private GraceDecisions() {}

    /**
     * monitor: a started instance is healthy while {@code grace-active} is set on its node. Once the
     * attribute is gone the monitor fails ("new error"), which stops this node's grace instance and
     * sends every survivor the post-stop notify.
     */
    public static OcfExitCode monitor(boolean started, boolean graceActiveSet) {
        if (!started) {
            return OcfExitCode.NOT_RUNNING;
        }
        return graceActiveSet ? OcfExitCode.SUCCESS : OcfExitCode.ERR_GENERIC;
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
