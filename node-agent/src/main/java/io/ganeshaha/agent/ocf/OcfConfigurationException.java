package io.ganeshaha.agent.ocf;

/** A resource parameter has a value the agent cannot work with: answered as OCF_ERR_CONFIGURED. */
public final class OcfConfigurationException extends Exception {
    public OcfConfigurationException(String message) {
        super(message);
    }
}
