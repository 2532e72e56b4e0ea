package io.ganeshaha.api.agent;

import io.ganeshaha.api.v1alpha1.GaneshaClusterSpec;
import io.ganeshaha.api.v1alpha1.GaneshaSpec;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.api.v1alpha1.PortBlockSpec;
import io.ganeshaha.api.v1alpha1.VirtualIpSpec;
import io.ganeshaha.cib.HaCluster;
import io.ganeshaha.cib.Member;
import io.ganeshaha.cib.PortBlock;
import io.ganeshaha.cib.TakeoverOrder;
import io.ganeshaha.cib.VirtualIp;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Pacemaker layout a GaneshaCluster's spec stands for, as {@code CibRenderer} takes it, with
 * every default the API server would fill in. One mapping: the operator renders the agents'
 * ConfigMap from it, and {@code ganesha-ha import} and the tests check their round trips with it.
 */
public final class PacemakerLayout {

    private PacemakerLayout() {}

    public static HaCluster of(GaneshaClusterSpec spec) {
        List<Member> members = spec.getNodes().stream().map(PacemakerLayout::member).toList();
        return new HaCluster(HaCluster.DEFAULT_PROVIDER, haVolMnt(spec), Duration.ofSeconds(graceDelaySeconds(spec)),
                members, spec.getTakeoverOrder() == io.ganeshaha.api.v1alpha1.TakeoverOrder.Following
                        ? TakeoverOrder.FOLLOWING : TakeoverOrder.PRECEDING, Optional.of(pidFile(spec)), portBlock(spec));
    }

    public static String haVolMnt(GaneshaClusterSpec spec) {
        return orDefault(spec.getHaVolMnt(), GaneshaClusterSpec.DEFAULT_HA_VOL_MNT);
    }

    public static int graceDelaySeconds(GaneshaClusterSpec spec) {
        Integer delay = spec.getGraceDelaySeconds();
        return delay == null ? GaneshaClusterSpec.DEFAULT_GRACE_DELAY_SECONDS : delay;
    }

    /** ganesha.nfsd's pid file on the host: what ganesha_mon's fallback reads and the agent watches. */
    public static String pidFile(GaneshaClusterSpec spec) {
        GaneshaSpec ganesha = spec.getGanesha() == null ? new GaneshaSpec() : spec.getGanesha();
        return orDefault(ganesha.getPidFile(), GaneshaSpec.DEFAULT_PID_FILE);
    }

    /** GlusterFS's portblock pairs, when the spec enables them, with the tickle directory or its default. */
    public static Optional<PortBlock> portBlock(GaneshaClusterSpec spec) {
        return Optional.ofNullable(spec.getPortBlock()).filter(PortBlockSpec::enabledOrDefault)
                .map(p -> new PortBlock(p.tickleDirOrDefault(haVolMnt(spec))));
    }

    private static Member member(MemberNode node) {
        List<VirtualIpSpec> vips = node.getVirtualIps() == null ? List.of() : node.getVirtualIps();
        return new Member(node.pacemakerNameOrDefault(), vips.stream()
                .map(v -> new VirtualIp(v.getAddress(), v.getPrefixLength(),
                        Optional.ofNullable(v.getNetworkInterface()).filter(nic -> !nic.isBlank())))
                .toList());
    }

    static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
