package io.ganeshaha.api.agent;

/**
 * The ConfigMap {@code <cluster>-ha-config} through which the operator configures the node agents:
 * its keys, and where the agent's pod mounts it. The operator writes it, the agents read it.
 */
public final class HaConfigMap {

    /** The CIB's {@code resources} section, rendered from the GaneshaCluster. */
    public static final String RESOURCES = "resources.xml";
    /** The CIB's {@code constraints} section. */
    public static final String CONSTRAINTS = "constraints.xml";
    /** {@code <cluster uid>/<generation>} of the rendering the two sections come from. */
    public static final String CIB_GENERATION = "cib-generation";
    /** The agent's own settings ({@link AgentSettings}). */
    public static final String AGENT_PROPERTIES = "agent.properties";
    /** Where the ConfigMap is mounted in the agent container. */
    public static final String MOUNT_PATH = "/etc/ganesha-ha";

    private HaConfigMap() {}
}
