package io.ganeshaha.agent.statedir;

import java.nio.file.Path;
import java.util.List;

/**
 * Where every node's NFS state lives on the shared storage, as GlusterFS's ganesha-ha.sh laid it
 * out: {@code <ha_vol_mnt>/nfs-ganesha/<node>/nfs/}. Each node's directory also links to every
 * peer's ganesha and statd directories, so that a survivor taking over a departed peer (ganesha
 * grace event 5 keyed by the peer's name) finds that peer's client records under its own
 * recovery root: {@code /var/lib/nfs/ganesha/<peer>/v4recov}.
 */
public record StateLayout(Path haVolMnt) {

    /** Directories every node's state tree holds, relative to its {@code nfs} directory. */
    public static final List<String> DIRECTORIES =
            List.of("ganesha", "ganesha/v4recov", "ganesha/v4old", "statd", "statd/sm", "statd/sm.bak");
    /** Files every node's state tree holds, relative to its {@code nfs} directory. */
    public static final List<String> FILES = List.of("statd/state", "state");

    public Path root() {
        return haVolMnt.resolve("nfs-ganesha");
    }

    /** The directory /var/lib/nfs points at while ganesha_nfsd runs on this node. */
    public Path nodeDir(String node) {
        return root().resolve(checkedName(node)).resolve("nfs");
    }

    /** The link in {@code node}'s tree through which it reads {@code peer}'s ganesha records. */
    public Path peerGaneshaLink(String node, String peer) {
        return nodeDir(node).resolve("ganesha").resolve(checkedName(peer));
    }

    public Path peerStatdLink(String node, String peer) {
        return nodeDir(node).resolve("statd").resolve(checkedName(peer));
    }

    /** A node name becomes a path segment: refuse anything that could escape the tree. */
    static String checkedName(String node) {
        if (node.isEmpty() || node.contains("/") || node.equals(".") || node.equals("..") || node.contains("\0")) {
            throw new IllegalArgumentException("node name '" + node + "' cannot name a state directory");
        }
        return node;
    }
}
