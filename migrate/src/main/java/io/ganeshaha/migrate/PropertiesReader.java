package io.ganeshaha.migrate;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * Reads the CIB sections a GaneshaCluster does not own: the cluster properties, the resource and
 * operation defaults, and the nodes. The agents leave these in the CIB as they are; what in them is
 * not Pacemaker's own or ganesha-ha.sh's is named, since no GaneshaCluster will say it.
 */
final class PropertiesReader {

    /**
     * Properties Pacemaker writes itself, the mark the agents keep, and maintenance-mode: the
     * switch-over itself sets it around the import (docs/migrating-from-glusterfs.md).
     */
    private static final Set<String> PACEMAKER_OWN = Set.of("dc-version", "cluster-infrastructure", "cluster-name",
            "have-watchdog", "last-lrm-refresh", "ganesha-ha-cib-generation", "maintenance-mode");

    private final CibLayout layout;
    private final List<String> members;

    PropertiesReader(CibLayout layout, List<String> members) {
        this.layout = layout;
        this.members = members;
    }

    /**
     * ganesha-ha.sh set {@code stonith-enabled=false} and {@code no-quorum-policy} {@code ignore}
     * below three nodes, {@code stop} from three on.
     */
    void readProperties(Element crmConfig) {
        Map<String, String> expected = Map.of("stonith-enabled", "false",
                "no-quorum-policy", members.size() < 3 ? "ignore" : "stop");
        Dom.nvpairs(crmConfig, "cluster_property_set").forEach((name, value) -> {
            if (name.equals("no-quorum-policy") && !value.equals(expected.get(name))) {
                // The GaneshaCluster owns this one: the agents will set it as ganesha-ha.sh did.
                layout.notCarriedOver("cluster property no-quorum-policy=" + value + ": the GaneshaCluster renders "
                        + expected.get(name) + " for " + members.size() + " nodes, as ganesha-ha.sh did, and the agents"
                        + " will set it so");
            } else if (!PACEMAKER_OWN.contains(name) && !value.equals(expected.get(name))) {
                layout.notCarriedOver("cluster property " + name + "=" + value + ": a GaneshaCluster does not set it"
                        + " (it stays in the CIB as it is)");
            }
        });
    }

    void readDefaults(Element defaults) {
        Map<String, String> pairs = Dom.nvpairs(defaults, "meta_attributes");
        if (!pairs.isEmpty()) {
            layout.notCarriedOver(defaults.getTagName() + " " + Dom.describe(pairs) + ": a GaneshaCluster does not set"
                    + " them (they stay in the CIB as they are)");
        }
    }

    void readNodes(Element nodes) {
        for (Element node : Dom.children(nodes, "node")) {
            String uname = node.getAttribute("uname");
            layout.cibNode(uname);
            if (!members.contains(uname)) {
                layout.notCarriedOver("Pacemaker node " + uname + ": it is not in HA_CLUSTER_NODES, so the GaneshaCluster"
                        + " has no VIP for it and does not list it");
            }
        }
    }
}
