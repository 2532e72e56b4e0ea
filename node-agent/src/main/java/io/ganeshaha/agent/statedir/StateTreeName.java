package io.ganeshaha.agent.statedir;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which directory under {@code <ha_vol_mnt>/nfs-ganesha/} holds a node's NFS state. The agent names
 * trees after the Pacemaker node name; GlusterFS's ganesha_nfsd named them after {@code hostname},
 * and ganesha-ha.sh after the names in {@code HA_CLUSTER_NODES}. Where those differ (short names in
 * the cluster, FQDN host names, or the reverse) a tree already on the shared storage under the other
 * name holds the node's client records: it is adopted, never shadowed by a fresh empty tree beside
 * it. Pure: decided from the names and the directories that exist.
 *
 * @param name the directory name to use
 * @param adopted true when it is an existing tree under a name other than the Pacemaker one
 * @param why in words, for the log
 */
public record StateTreeName(String name, boolean adopted, String why) {

    /** Two or more existing trees could be the node's: refusing is the only safe answer. */
    public static final class Ambiguous extends Exception {
        public Ambiguous(String message) {
            super(message);
        }
    }

    /**
     * @param node the Pacemaker node name
     * @param hostName the host's name, when this is the local node ({@code hostname}, as GlusterFS's
     *     agent used it); empty for a peer
     * @param existing the directory names under {@code nfs-ganesha/} now
     */
    public static StateTreeName resolve(String node, Optional<String> hostName, Collection<String> existing)
            throws Ambiguous {
        if (existing.contains(node)) {
            return new StateTreeName(node, false, "the tree named after the Pacemaker node name exists");
        }
        Set<String> names = new LinkedHashSet<>();
        hostName.filter(h -> !h.isBlank()).ifPresent(h -> {
            names.add(h);
            names.add(shortName(h));
        });
        List<String> candidates = new ArrayList<>();
        for (String dir : existing) {
            if (names.contains(dir) || shortName(dir).equals(shortName(node))
                    || hostName.map(h -> shortName(dir).equals(shortName(h))).orElse(false)) {
                candidates.add(dir);
            }
        }
        if (candidates.size() > 1) {
            throw new Ambiguous("no state tree is named " + node + " but " + candidates.size()
                    + " could be its own (" + String.join(", ", candidates) + "); rename the one holding its "
                    + "client records to " + node + " and move the others away");
        }
        if (candidates.size() == 1) {
            String dir = candidates.get(0);
            return new StateTreeName(dir, true, "adopted the existing tree " + dir + " (named after "
                    + (hostName.filter(dir::equals).isPresent() ? "the host name, as GlusterFS's ganesha_nfsd did"
                            : "another form of the name " + node) + ") instead of creating an empty " + node);
        }
        return new StateTreeName(node, false, "no tree existed for " + node + hostName.map(h -> " or " + h).orElse(""));
    }

    /** The host part of a name: {@code nfs-1} for {@code nfs-1.example.org}. */
    static String shortName(String name) {
        int dot = name.indexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
