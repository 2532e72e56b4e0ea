package io.ganeshaha.api.agent;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The ConfigMap {@code <cluster>-ha-config} through which the operator configures the node agents:
 * its keys, and where the agent's pod mounts it. The operator writes it, the agents read it.
 */
public final class HaConfigMap {

    /** The CIB's {@code resources} section, rendered from the GaneshaCluster. */
    public static final String RESOURCES = "resources.xml";
    /** The CIB's {@code constraints} section. */
    public static final String CONSTRAINTS = "constraints.xml";
    /**
     * The cluster properties ({@code crm_config}) the GaneshaCluster owns, one {@code name=value} a
     * line. An operator older than this key does not write it; the agents then leave the
     * properties alone.
     */
    public static final String CLUSTER_PROPERTIES = "cluster-properties";
    /** {@code <cluster uid>/<generation>} of the rendering the sections and properties come from. */
    public static final String CIB_GENERATION = "cib-generation";
    /**
     * The cluster's exports as JSON ({@link ExportBlocks#toJson}), which every agent renders into
     * ganesha's EXPORT blocks and applies live. An operator older than this key does not write it;
     * the agents then leave ganesha's exports alone.
     */
    public static final String EXPORTS = "exports.json";
    /** {@code <cluster uid>/<generation>} of the GaneshaCluster the exports come from. */
    public static final String EXPORTS_GENERATION = "exports-generation";
    /**
     * The cluster's NFSV4 block ({@link Nfsv4Block}), which every agent writes into
     * {@link AgentSettings#NFSV4_FILE_NAME} beside the exports file. Absent when the
     * GaneshaCluster sets no {@code spec.ganesha.nfsv4}: the agents then leave the file alone.
     */
    public static final String NFSV4 = "nfsv4.conf";
    /** The agent's own settings ({@link AgentSettings}). */
    public static final String AGENT_PROPERTIES = "agent.properties";
    /** Where the ConfigMap is mounted in the agent container. */
    public static final String MOUNT_PATH = "/etc/ganesha-ha";

    private HaConfigMap() {}

    /** {@link #CLUSTER_PROPERTIES}'s text: a comment, then the properties in name order. */
    public static String renderClusterProperties(Map<String, String> properties, String comment) {
        StringBuilder text = new StringBuilder("# ").append(comment).append('\n');
        new TreeMap<>(properties).forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
        return text.toString();
    }

    /** {@link #CLUSTER_PROPERTIES}'s text read back (Java properties syntax), by name. */
    public static SortedMap<String, String> parseClusterProperties(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException("a StringReader does not fail", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not in properties syntax: " + e.getMessage(), e);
        }
        SortedMap<String, String> out = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> out.put(name, properties.getProperty(name).strip()));
        return out;
    }
}
