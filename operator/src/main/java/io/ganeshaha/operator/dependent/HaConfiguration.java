package io.ganeshaha.operator.dependent;

import io.ganeshaha.api.v1alpha1.AgentSpec;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaSpec;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpec;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.api.v1alpha1.VirtualIpSpec;
import io.ganeshaha.cib.CibRenderer;
import io.ganeshaha.cib.HaCluster;
import io.ganeshaha.cib.Member;
import io.ganeshaha.cib.VirtualIp;
import io.ganeshaha.operator.controller.SpecValidator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configuration the node agents run with, rendered from a (validated) spec: the Pacemaker
 * resources and constraints by {@link CibRenderer}, the same layout the test lab uses, and the
 * agent's own settings. Both the ConfigMap and the DaemonSet's config hash come from here, so the
 * hash changes exactly when the rendered text does.
 */
public record HaConfiguration(Map<String, String> data) {

    public static final String RESOURCES = "resources.xml";
    public static final String CONSTRAINTS = "constraints.xml";
    public static final String AGENT_PROPERTIES = "agent.properties";

    /** Where the ConfigMap is mounted in the agent container. */
    public static final String MOUNT_PATH = "/etc/ganesha-ha";


    public static HaConfiguration render(GaneshaCluster cluster) {
        HaCluster ha = toHaCluster(cluster.getSpec());
        Map<String, String> data = new TreeMap<>();
        data.put(RESOURCES, CibRenderer.resources(ha));
        data.put(CONSTRAINTS, CibRenderer.constraints(ha));
        data.put(AGENT_PROPERTIES, agentProperties(cluster));
        return new HaConfiguration(Map.copyOf(data));
    }

    static HaCluster toHaCluster(GaneshaClusterSpec spec) {
        List<Member> members = spec.getNodes().stream().map(HaConfiguration::toMember).toList();
        return new HaCluster(HaCluster.DEFAULT_PROVIDER, haVolMnt(spec), Duration.ofSeconds(graceDelaySeconds(spec)),
                members);
    }

    private static Member toMember(MemberNode node) {
        List<VirtualIpSpec> vips = node.getVirtualIps() == null ? List.of() : node.getVirtualIps();
        return new Member(SpecValidator.pacemakerName(node), vips.stream()
                .map(v -> new VirtualIp(v.getAddress(), v.getPrefixLength(),
                        Optional.ofNullable(v.getNetworkInterface()).filter(nic -> !nic.isBlank())))
                .toList());
    }

    public static String haVolMnt(GaneshaClusterSpec spec) {
        String mnt = spec.getHaVolMnt();
        return mnt == null || mnt.isBlank() ? GaneshaClusterSpec.DEFAULT_HA_VOL_MNT : mnt;
    }

    static int graceDelaySeconds(GaneshaClusterSpec spec) {
        Integer delay = spec.getGraceDelaySeconds();
        return delay == null ? GaneshaClusterSpec.DEFAULT_GRACE_DELAY_SECONDS : delay;
    }

    /**
     * The node agent's settings (its AgentConfig, prefix {@code ganesha-ha.agent}): where ganesha
     * is, the host paths the DaemonSet mounts, and what the Kubernetes mirror needs (the cluster and
     * all its virtual IPs; namespace and node name come from the pod's downward API). What
     * Pacemaker decides (grace_delay, ha_vol_mnt) is not here: it reaches the agent with each OCF
     * action.
     */
    private static String agentProperties(GaneshaCluster cluster) {
        GaneshaClusterSpec spec = cluster.getSpec();
        GaneshaSpec ganesha = spec.getGanesha() == null ? new GaneshaSpec() : spec.getGanesha();
        String vips = spec.getNodes().stream()
                .flatMap(n -> n.getVirtualIps() == null ? java.util.stream.Stream.<VirtualIpSpec>empty()
                        : n.getVirtualIps().stream())
                .map(VirtualIpSpec::getAddress)
                .collect(java.util.stream.Collectors.joining(","));
        return String.join("\n",
                "# Rendered by ganesha-ha-operator for GaneshaCluster " + cluster.getMetadata().getName() + ".",
                "ganesha-ha.agent.socket=/run/ganesha-ha/agent.sock",
                "ganesha-ha.agent.instance-dir=/run/ganesha-ha/resources",
                "ganesha-ha.agent.dbus-address=" + orDefault(ganesha.getDbusAddress(), GaneshaSpec.DEFAULT_DBUS_ADDRESS),
                "ganesha-ha.agent.pid-file=" + orDefault(ganesha.getPidFile(), GaneshaSpec.DEFAULT_PID_FILE),
                "ganesha-ha.agent.nfs-state-dir=/var/lib/nfs",
                "ganesha-ha.agent.ocf-provider-dir=" + ocfProviderDir(spec),
                // The agents converge the CIB to resources.xml/constraints.xml of this mount.
                "ganesha-ha.agent.pacemaker-config-dir=" + MOUNT_PATH,
                "ganesha-ha.agent.kubernetes.cluster=" + cluster.getMetadata().getName(),
                "ganesha-ha.agent.kubernetes.virtual-ips=" + vips,
                "");
    }

    static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    public static String ocfProviderDir(GaneshaClusterSpec spec) {
        return orDefault(spec.getOcfProviderDir(), GaneshaClusterSpec.DEFAULT_OCF_PROVIDER_DIR);
    }

    public static AgentSpec agent(GaneshaClusterSpec spec) {
        return spec.getAgent() == null ? new AgentSpec() : spec.getAgent();
    }

    /** SHA-256 over the keys and values in key order: equal configurations, equal hashes. */
    public String hash() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(data).forEach((k, v) -> {
                digest.update(k.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(v.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            });
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
