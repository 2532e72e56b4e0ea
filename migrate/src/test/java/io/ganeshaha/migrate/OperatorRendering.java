package io.ganeshaha.migrate;

import io.ganeshaha.api.v1alpha1.GaneshaClusterSpec;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.cib.HaCluster;
import io.ganeshaha.cib.Member;
import io.ganeshaha.cib.PortBlock;
import io.ganeshaha.cib.TakeoverOrder;
import io.ganeshaha.cib.VirtualIp;
import java.time.Duration;
import java.util.Optional;

/**
 * The spec as the operator hands it to CibRenderer (operator's HaConfiguration.toHaCluster, which
 * this module cannot depend on: the operator is a Quarkus application). Kept to the fields the
 * round trip compares; the pid file is left out, it does not reach the compared resources.
 */
final class OperatorRendering {

    private OperatorRendering() {}

    static HaCluster toHaCluster(GaneshaClusterSpec spec) {
        String haVolMnt = spec.getHaVolMnt() == null ? GaneshaClusterSpec.DEFAULT_HA_VOL_MNT : spec.getHaVolMnt();
        return new HaCluster(HaCluster.DEFAULT_PROVIDER, haVolMnt,
                Duration.ofSeconds(spec.getGraceDelaySeconds() == null ? GaneshaClusterSpec.DEFAULT_GRACE_DELAY_SECONDS
                        : spec.getGraceDelaySeconds()),
                spec.getNodes().stream().map(OperatorRendering::member).toList(),
                spec.getTakeoverOrder() == io.ganeshaha.api.v1alpha1.TakeoverOrder.Following ? TakeoverOrder.FOLLOWING
                        : TakeoverOrder.PRECEDING,
                Optional.empty(),
                Optional.ofNullable(spec.getPortBlock()).filter(p -> p.enabledOrDefault())
                        .map(p -> new PortBlock(p.tickleDirOrDefault(haVolMnt))));
    }

    private static Member member(MemberNode node) {
        return new Member(node.pacemakerNameOrDefault(), node.getVirtualIps().stream()
                .map(v -> new VirtualIp(v.getAddress(), v.getPrefixLength(), Optional.ofNullable(v.getNetworkInterface())))
                .toList());
    }
}
