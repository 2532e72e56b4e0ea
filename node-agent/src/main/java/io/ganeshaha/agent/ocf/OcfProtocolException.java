package io.ganeshaha.agent.ocf;

/** A request from an entry point that does not follow the socket protocol (docs/agent-protocol.md). */
public final class OcfProtocolException extends Exception {
    public OcfProtocolException(String message) {
        super(message);
    }
}
