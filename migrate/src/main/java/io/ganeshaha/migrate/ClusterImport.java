package io.ganeshaha.migrate;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpec;
import io.ganeshaha.api.v1alpha1.GaneshaSpec;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.api.v1alpha1.MemberNodeBuilder;
import io.ganeshaha.api.v1alpha1.TakeoverOrder;
import io.ganeshaha.api.v1alpha1.VirtualIpSpec;
import io.ganeshaha.api.v1alpha1.VirtualIpSpecBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.w3c.dom.Document;

/**
 * A GlusterFS cluster carried over: the GaneshaCluster that gives the members of ganesha-ha.conf the
 * virtual IPs, grace delay, shared storage, takeover order and portblock pairs the live CIB has, and
 * the list of what it could not carry over.
 */
public final class ClusterImport {

    /** The cluster and every {@code not carried over} item, in the order found. */
    public record Result(GaneshaCluster cluster, List<String> notCarriedOver) {}

    /** The pid file GlusterFS's ganesha_mon reads. */
    public static final String GLUSTERFS_PID_FILE = "/var/run/ganesha.pid";

    private ClusterImport() {}

    /**
     * @param kubernetesNames Kubernetes node names by Pacemaker node name, where they differ
     * @param namespace the GaneshaCluster's namespace, if one is to be written
     */
    public static Result of(GaneshaHaConf conf, Document cib, Map<String, String> kubernetesNames,
            Optional<String> namespace) throws BadInput {
        List<String> members = conf.nodes();
        if (members.size() < 2) {
            throw new BadInput("ganesha-ha.conf: HA_CLUSTER_NODES lists " + members.size() + " node(s); an HA cluster"
                    + " needs at least 2");
        }
        for (String pacemakerName : kubernetesNames.keySet()) {
            if (!members.contains(pacemakerName)) {
                throw new BadInput("--node-name " + pacemakerName + "=...: " + pacemakerName + " is not in HA_CLUSTER_NODES "
                        + members);
            }
        }
        String name = KubernetesNames.clusterName(conf.name()).orElseThrow(() -> new BadInput(
                "ganesha-ha.conf: HA_NAME=\"" + conf.setting(GaneshaHaConf.HA_NAME).orElse("")
                        + "\" has no letter or digit to make a GaneshaCluster name of"));
        CibLayout layout = CibReader.read(cib, members);
        List<String> notCarriedOver = new ArrayList<>(layout.notCarriedOver());

        GaneshaClusterSpec spec = new GaneshaClusterSpec();
        for (String member : members) {
            spec.getNodes().add(member(conf, layout, member, kubernetesNames, notCarriedOver));
        }
        for (String member : members) {
            if (!layout.cibNodes().isEmpty() && !layout.cibNodes().contains(member)) {
                notCarriedOver.add("node " + member + " of HA_CLUSTER_NODES: the CIB has no such Pacemaker node");
            }
        }
        spec.setHaVolMnt(haVolMnt(conf, layout, notCarriedOver));
        spec.setGraceDelaySeconds(graceDelay(layout, notCarriedOver));
        TakeoverOrderInference.Result order = TakeoverOrderInference.infer(members, layout.groups());
        order.mismatches().forEach(m -> notCarriedOver.add(m + "; the GaneshaCluster uses Preceding"));
        spec.setTakeoverOrder(order.order().orElse(TakeoverOrder.Preceding));
        spec.setPortBlock(PortBlockImport.of(members, layout, spec.getHaVolMnt(), notCarriedOver).orElse(null));
        // GlusterFS's ganesha_mon reads /var/run/ganesha.pid (its RHEL 6 variant, never set up by
        // ganesha-ha.sh, /var/run/ganesha.nfsd.pid): the nfsd of such a cluster writes it there,
        // and the agents' fallback must read the same file.
        GaneshaSpec ganesha = new GaneshaSpec();
        ganesha.setPidFile(GLUSTERFS_PID_FILE);
        spec.setGanesha(ganesha);
        // Left to their defaults, which the API server fills in: nothing in GlusterFS's CIB says them.
        spec.setAgent(null);
        spec.setOcfProviderDir(null);

        ObjectMetaBuilder meta = new ObjectMetaBuilder().withName(name);
        namespace.ifPresent(meta::withNamespace);
        return new Result(new GaneshaCluster(meta.build(), spec), List.copyOf(notCarriedOver));
    }

    private static MemberNode member(GaneshaHaConf conf, CibLayout layout, String member,
            Map<String, String> kubernetesNames, List<String> notCarriedOver) throws BadInput {
        String confVip = conf.vipOf(member).orElseThrow(() -> new BadInput("ganesha-ha.conf: node " + member
                + " of HA_CLUSTER_NODES has no VIP (VIP_" + member + "=\"address\", or VIP_"
                + member.replaceAll("[-.]", "_") + "=\"address\")"));
        String kubernetesName = kubernetesNames.getOrDefault(member, member);
        if (!KubernetesNames.isNodeName(kubernetesName)) {
            throw new BadInput("node " + member + ": " + kubernetesName + " is not a Kubernetes node name (lowercase"
                    + " letters, digits, '-' and '.'): give its name with --node-name " + member + "=<kubernetes-name>");
        }
        List<VirtualIpSpec> vips = new ArrayList<>();
        var cibVips = layout.group(member).vips.values();
        if (cibVips.isEmpty()) {
            notCarriedOver.add("VIP of node " + member + ": the CIB has no " + member + "-cluster_ip-1 resource;"
                    + " imported VIP_" + member + "=" + confVip + " from ganesha-ha.conf, /32 as ganesha-ha.sh wrote it");
            vips.add(new VirtualIpSpecBuilder().withAddress(confVip).withPrefixLength(confVip.contains(":") ? 128 : 32)
                    .build());
        }
        for (CibLayout.Vip vip : cibVips) {
            vips.add(VipImport.of(vip, notCarriedOver));
        }
        if (!cibVips.isEmpty() && cibVips.stream().noneMatch(v -> v.address().equals(confVip))) {
            notCarriedOver.add("VIP_" + member + "=" + confVip + " in ganesha-ha.conf: the CIB's " + member
                    + "-cluster_ip-* resources have " + cibVips.stream().map(CibLayout.Vip::address).toList()
                    + ", which were imported");
        }
        return new MemberNodeBuilder().withName(kubernetesName).withPacemakerName(member).withVirtualIps(vips).build();
    }

    /** nfs_setup's ha_vol_mnt, else HA_VOL_MNT, else GlusterFS's default (also ours). */
    private static String haVolMnt(GaneshaHaConf conf, CibLayout layout, List<String> notCarriedOver) {
        Optional<String> fromConf = conf.setting(GaneshaHaConf.HA_VOL_MNT);
        if (layout.haVolMnt().isPresent() && fromConf.isPresent() && !layout.haVolMnt().equals(fromConf)) {
            notCarriedOver.add("HA_VOL_MNT=" + fromConf.get() + " in ganesha-ha.conf: nfs_setup's ha_vol_mnt in the CIB"
                    + " is " + layout.haVolMnt().get() + ", which was imported");
        }
        return layout.haVolMnt().or(() -> fromConf).orElse(GaneshaClusterSpec.DEFAULT_HA_VOL_MNT);
    }

    /** ganesha_mon's grace_delay, else its default of 5 s (also ours). */
    private static int graceDelay(CibLayout layout, List<String> notCarriedOver) {
        if (layout.graceDelay().isEmpty()) {
            return GaneshaClusterSpec.DEFAULT_GRACE_DELAY_SECONDS;
        }
        String value = layout.graceDelay().get();
        try {
            int seconds = Integer.parseInt(value.strip());
            if (seconds >= 0 && seconds <= 300) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        notCarriedOver.add("grace_delay=" + value + " of nfs-mon: graceDelaySeconds is a whole number of seconds from 0"
                + " to 300; the GaneshaCluster uses " + GaneshaClusterSpec.DEFAULT_GRACE_DELAY_SECONDS);
        return GaneshaClusterSpec.DEFAULT_GRACE_DELAY_SECONDS;
    }
}
