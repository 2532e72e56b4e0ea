package io.ganeshaha.agent.pacemaker;

/** A Pacemaker tool could not be run, did not answer in time, or failed: always bounded, never a hang. */
public final class PacemakerCommandException extends Exception {
    public PacemakerCommandException(String message) {
        super(message);
    }

    public PacemakerCommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
