package io.ganeshaha.agent.ocf;

/** The exit codes of the OCF resource agent API, as Pacemaker interprets them. */
public enum OcfExitCode {
    SUCCESS(0),
    ERR_GENERIC(1),
    ERR_ARGS(2),
    ERR_UNIMPLEMENTED(3),
    ERR_PERM(4),
    ERR_INSTALLED(5),
    ERR_CONFIGURED(6),
    NOT_RUNNING(7);

    private final int code;

    OcfExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
