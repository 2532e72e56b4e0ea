package io.ganeshaha.migrate;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GlusterFS's {@code ganesha-ha.conf}: shell assignments ({@code HA_NAME="..."},
 * {@code HA_CLUSTER_NODES="a,b,c"}, {@code VIP_<node>="addr"}) that ganesha-ha.sh read line by line
 * with grep, so only lines that start with the name count and comments are lines starting with
 * {@code #}. Never evaluated: values are taken as written, without their quotes.
 *
 * @param settings every {@code NAME=value} line, first one of a name wins (as grep | head did)
 */
public record GaneshaHaConf(Map<String, String> settings) {

    public static final String HA_NAME = "HA_NAME";
    public static final String HA_CLUSTER_NODES = "HA_CLUSTER_NODES";
    public static final String HA_VOL_MNT = "HA_VOL_MNT";

    public static GaneshaHaConf parse(String text) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq <= 0) {
                continue;
            }
            settings.putIfAbsent(line.substring(0, eq).strip(), unquote(line.substring(eq + 1).strip()));
        }
        return new GaneshaHaConf(Map.copyOf(settings));
    }

    /** {@code "v"} or {@code 'v'} as v; an unquoted value ends at whitespace (a trailing comment). */
    static String unquote(String value) {
        if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')) {
            int end = value.indexOf(value.charAt(0), 1);
            return end < 0 ? value.substring(1) : value.substring(1, end);
        }
        String[] words = value.split("\\s+", 2);
        return words[0];
    }

    public Optional<String> setting(String name) {
        return Optional.ofNullable(settings.get(name)).filter(v -> !v.isBlank());
    }

    public String name() throws BadInput {
        return setting(HA_NAME).orElseThrow(() -> new BadInput("ganesha-ha.conf has no " + HA_NAME + "=\"...\""));
    }

    /** The members in HA_CLUSTER_NODES order: Pacemaker's node names. */
    public List<String> nodes() throws BadInput {
        String nodes = setting(HA_CLUSTER_NODES).orElseThrow(
                () -> new BadInput("ganesha-ha.conf has no " + HA_CLUSTER_NODES + "=\"node1,node2,...\""));
        return Arrays.stream(nodes.split(",")).map(String::strip).filter(n -> !n.isEmpty()).toList();
    }

    /**
     * A node's VIP: {@code VIP_<node>} as the node is written (ganesha-ha.sh's setup and later
     * {@code --add} wrote it so, dots and dashes included), or with every {@code -} and {@code .}
     * turned into {@code _} (how earlier {@code --add} wrote it, and how the script named the shell
     * variable it evaluated).
     */
    public Optional<String> vipOf(String node) {
        return setting("VIP_" + node).or(() -> setting("VIP_" + node.replaceAll("[-.]", "_")));
    }
}
