package io.ganeshaha.migrate;

/** An input the import cannot work from (exit code 2); the message names what is wrong with it. */
public final class BadInput extends Exception {
    public BadInput(String message) {
        super(message);
    }

    public BadInput(String message, Throwable cause) {
        super(message, cause);
    }
}
