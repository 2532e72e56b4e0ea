package io.ganeshaha.cib;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the Pacemaker configuration of an HA NFS-Ganesha cluster is rendered from.
 *
 * @param provider the OCF provider directory the entry points are installed in
 *        ({@code /usr/lib/ocf/resource.d/<provider>/})
 * @param haVolMnt the shared storage mount ({@code ha_vol_mnt})
 * @param graceDelay upper bound of the wait for the survivors' grace acknowledgements ({@code grace_delay})
 * @param takeoverOrder which survivor a failed node's virtual IPs prefer
 * @param pidFile ganesha.nfsd's pid file, where it is not the entry points' default: ganesha_mon's
 *        fallback reads it while the agent is away, so it must be the file the agent watches
 * @param portBlock GlusterFS's portblock pair around every node's virtual IPs, when wanted
 */
public record HaCluster(String provider, String haVolMnt, Duration graceDelay, List<Member> members,
        TakeoverOrder takeoverOrder, Optional<String> pidFile, Optional<PortBlock> portBlock) {

    public static final String DEFAULT_PROVIDER = "ganesha-ha";

    /** A cluster whose virtual IPs fail over in GlusterFS's order. */
    public HaCluster(String provider, String haVolMnt, Duration graceDelay, List<Member> members) {
        this(provider, haVolMnt, graceDelay, members, TakeoverOrder.PRECEDING, Optional.empty());
    }

    /** A cluster without portblock pairs. */
    public HaCluster(String provider, String haVolMnt, Duration graceDelay, List<Member> members,
            TakeoverOrder takeoverOrder, Optional<String> pidFile) {
        this(provider, haVolMnt, graceDelay, members, takeoverOrder, pidFile, Optional.empty());
    }

    public HaCluster {
        members = List.copyOf(members);
        java.util.Objects.requireNonNull(takeoverOrder, "takeoverOrder");
        java.util.Objects.requireNonNull(pidFile, "pidFile");
        java.util.Objects.requireNonNull(portBlock, "portBlock");
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an HA cluster needs members");
        }
        Set<String> names = new HashSet<>();
        for (Member m : members) {
            if (!names.add(m.node())) {
                throw new IllegalArgumentException("node " + m.node() + " is named twice");
            }
        }
        if (graceDelay.isNegative() || graceDelay.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("grace delay must be a whole, non-negative number of seconds, got " + graceDelay);
        }
    }
}
