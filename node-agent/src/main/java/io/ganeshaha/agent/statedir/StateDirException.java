package io.ganeshaha.agent.statedir;

/** The state directory could not be switched or restored; the message names the path involved. */
public final class StateDirException extends Exception {
    public StateDirException(String message, Throwable cause) {
        super(message, cause);
    }

    public StateDirException(String message) {
        super(message);
    }
}
