package io.ganeshaha.agent.ocf;

import java.util.Arrays;
import java.util.Optional;

/** The three resource agents Pacemaker runs on every NFS server host. */
public enum OcfAgent {
    /** Watches the local ganesha.nfsd and owns the ganesha-active / grace-active attributes. */
    MON("ganesha_mon"),
    /** Clone with notify: puts surviving nfsds into NFS grace when a peer leaves or returns. */
    GRACE("ganesha_grace"),
    /** Clone for the cluster's life: points /var/lib/nfs at this node's shared state directory. */
    NFSD("ganesha_nfsd"),
    /** First in a node's virtual IP group: puts the node taking the IPs over into grace first. */
    TAKEOVER("ganesha_takeover");

    private final String agentName;

    OcfAgent(String agentName) {
        this.agentName = agentName;
    }

    public String agentName() {
        return agentName;
    }

    public static Optional<OcfAgent> byName(String name) {
        return Arrays.stream(values()).filter(a -> a.agentName.equals(name)).findFirst();
    }
}
