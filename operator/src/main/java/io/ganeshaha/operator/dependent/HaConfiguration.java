package io.ganeshaha.operator.dependent;

import io.ganeshaha.api.agent.AgentSettings;
import io.ganeshaha.api.agent.ExportBlocks;
import io.ganeshaha.api.agent.HaConfigMap;
import io.ganeshaha.api.agent.Nfsv4Block;
import io.ganeshaha.api.v1alpha1.ExportsConfiguration;
import io.ganeshaha.api.agent.PacemakerLayout;
import io.ganeshaha.api.v1alpha1.AgentSpec;
import io.ganeshaha.api.v1alpha1.CibGeneration;
import io.ganeshaha.api.v1alpha1.GaneshaClusterStatus;
import io.ganeshaha.api.v1alpha1.PacemakerConfiguration;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaSpec;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpec;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.api.v1alpha1.PortBlockSpec;
import io.ganeshaha.api.v1alpha1.VirtualIpSpec;
import io.ganeshaha.cib.CibRenderer;
import io.ganeshaha.cib.HaCluster;
import io.ganeshaha.cib.PortBlock;
import io.ganeshaha.cib.TakeoverOrder;
import io.ganeshaha.cib.Member;
import io.ganeshaha.cib.VirtualIp;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The configuration the node agents run with, rendered from a (validated) spec: the Pacemaker
 * resources, constraints and owned cluster properties by {@link CibRenderer}, the same layout the
 * test lab uses, and the agent's own settings. Both the ConfigMap and the DaemonSet's config hash come from here, so the
 * hash changes exactly when the agents' settings do.
 */
public record HaConfiguration(Map<String, String> data) {


    public static HaConfiguration render(GaneshaCluster cluster) {
        HaCluster ha = toHaCluster(cluster.getSpec());
        Map<String, String> data = new TreeMap<>();
        data.put(HaConfigMap.RESOURCES, CibRenderer.resources(ha));
        data.put(HaConfigMap.CONSTRAINTS, CibRenderer.constraints(ha));
        data.put(HaConfigMap.CLUSTER_PROPERTIES, HaConfigMap.renderClusterProperties(CibRenderer.clusterProperties(ha),
                "Cluster properties GaneshaCluster " + cluster.getMetadata().getName() + " owns (no-quorum-policy from its "
                        + "member count); the node agents set them. Rendered by ganesha-ha-operator."));
        data.put(HaConfigMap.AGENT_PROPERTIES, agentSettings(cluster).render(
                "Rendered by ganesha-ha-operator for GaneshaCluster " + cluster.getMetadata().getName() + "."));
        return new HaConfiguration(Map.copyOf(data));
    }

    static HaCluster toHaCluster(GaneshaClusterSpec spec) {
        return PacemakerLayout.of(spec);
    }

    public static String haVolMnt(GaneshaClusterSpec spec) {
        return PacemakerLayout.haVolMnt(spec);
    }

    /** What the node agents of {@code cluster} run with (see {@link AgentSettings}). */
    static AgentSettings agentSettings(GaneshaCluster cluster) {
        GaneshaClusterSpec spec = cluster.getSpec();
        GaneshaSpec ganesha = spec.getGanesha() == null ? new GaneshaSpec() : spec.getGanesha();
        List<String> vips = spec.getNodes().stream()
                .flatMap(n -> n.getVirtualIps() == null ? Stream.<VirtualIpSpec>empty() : n.getVirtualIps().stream())
                .map(VirtualIpSpec::getAddress)
                .toList();
        return AgentSettings.forCluster(cluster.getMetadata().getName(),
                orDefault(ganesha.getDbusAddress(), GaneshaSpec.DEFAULT_DBUS_ADDRESS),
                AGENT_PID_DIR + "/" + Path.of(pidFile(spec)).getFileName(), ocfProviderDir(spec), exportsFile(spec), vips);
    }

    static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Where the agent's pod sees the host directory of ganesha.nfsd's pid file. */
    public static final String AGENT_PID_DIR = "/host/ganesha-pid";

    /** ganesha.nfsd's pid file on the host (see {@link PacemakerLayout#pidFile}). */
    public static String pidFile(GaneshaClusterSpec spec) {
        return PacemakerLayout.pidFile(spec);
    }

    /** The exports file on the host, which the agent's pod sees at the same path. */
    public static String exportsFile(GaneshaClusterSpec spec) {
        GaneshaSpec ganesha = spec.getGanesha() == null ? new GaneshaSpec() : spec.getGanesha();
        return orDefault(ganesha.getExportsFile(), GaneshaSpec.DEFAULT_EXPORTS_FILE);
    }

    public static String ocfProviderDir(GaneshaClusterSpec spec) {
        return orDefault(spec.getOcfProviderDir(), GaneshaClusterSpec.DEFAULT_OCF_PROVIDER_DIR);
    }

    public static AgentSpec agent(GaneshaClusterSpec spec) {
        return spec.getAgent() == null ? new AgentSpec() : spec.getAgent();
    }

    /**
     * Which generation of the Pacemaker configuration this rendering is: the one the status already
     * records while the rendered sections and cluster properties are the same (a spec edit that
     * renders the same must not make the agents rewrite the CIB), else this cluster's current
     * generation: a member count crossing three changes no-quorum-policy, so it is a new one. Pure:
     * the reconciler asks it before the dependents are built, and the ConfigMap carries its answer.
     */
    public PacemakerConfiguration pacemakerConfiguration(GaneshaCluster cluster) {
        String digest = sha256(Map.of(HaConfigMap.RESOURCES, data.get(HaConfigMap.RESOURCES),
                HaConfigMap.CONSTRAINTS, data.get(HaConfigMap.CONSTRAINTS),
                HaConfigMap.CLUSTER_PROPERTIES, data.get(HaConfigMap.CLUSTER_PROPERTIES)));
        PacemakerConfiguration recorded = Optional.ofNullable(cluster.getStatus())
                .map(GaneshaClusterStatus::getPacemakerConfiguration).orElseGet(PacemakerConfiguration::new);
        return new PacemakerConfiguration(generation(cluster, digest, recorded.getGeneration(), recorded.getDigest()),
                digest);
    }

    /**
     * Which version of the exports this spec asks for: the one the status records while the exports
     * are the same (an edit elsewhere in the spec asks nothing of the agents' ganesha), else this
     * cluster's current generation. Pure, like {@link #pacemakerConfiguration}: the reconciler asks it
     * before the dependents are built, and the ConfigMap carries its answer.
     */
    public static ExportsConfiguration exportsConfiguration(GaneshaCluster cluster) {
        String digest = sha256(Map.of(HaConfigMap.EXPORTS, exportsJson(cluster)));
        ExportsConfiguration recorded = Optional.ofNullable(cluster.getStatus())
                .map(GaneshaClusterStatus::getExportsConfiguration).orElseGet(ExportsConfiguration::new);
        return new ExportsConfiguration(generation(cluster, digest, recorded.getGeneration(), recorded.getDigest()),
                digest);
    }

    /**
     * The generation the status recorded with {@code recordedDigest}, while that is still
     * {@code digest} and the record is this cluster's (not a namesake's before it); else the
     * cluster's current generation.
     */
    private static String generation(GaneshaCluster cluster, String digest, String recordedGeneration,
            String recordedDigest) {
        String uid = cluster.getMetadata().getUid();
        boolean same = digest.equals(recordedDigest) && recordedGeneration != null
                && CibGeneration.parse(recordedGeneration).filter(g -> g.clusterUid().equals(uid)).isPresent();
        return same ? recordedGeneration : new CibGeneration(uid, cluster.getMetadata().getGeneration()).toString();
    }

    /** The ConfigMap's exports.json: the spec's exports, by id. */
    public static String exportsJson(GaneshaCluster cluster) {
        return ExportBlocks.toJson(cluster.getSpec().getExports());
    }

    /**
     * The NFSV4 block every agent writes for its ganesha.nfsd ({@link HaConfigMap#NFSV4}); empty
     * when the spec sets no {@code ganesha.nfsv4} (the agents then leave ganesha's NFSV4 settings to
     * ganesha.conf).
     */
    public static Optional<String> nfsv4Block(GaneshaCluster cluster) {
        GaneshaSpec ganesha = cluster.getSpec().getGanesha();
        if (ganesha == null || ganesha.getNfsv4() == null) {
            return Optional.empty();
        }
        return Optional.of(Nfsv4Block.render(ganesha.getNfsv4(), cluster.getMetadata().getName(),
                "rendered by the ganesha-ha operator from GaneshaCluster " + cluster.getMetadata().getNamespace() + "/"
                        + cluster.getMetadata().getName() + " (spec.ganesha.nfsv4); the node agent writes it"));
    }

    /**
     * SHA-256 over what the agents read only at start-up, their settings: the DaemonSet carries it,
     * so the agents restart exactly when those change. The Pacemaker sections and properties are not
     * in it: the agents pick those up from the mounted ConfigMap while they run.
     */
    public String agentSettingsHash() {
        return sha256(Map.of(HaConfigMap.AGENT_PROPERTIES, data.get(HaConfigMap.AGENT_PROPERTIES)));
    }

    /** SHA-256 over the keys and values in key order: equal entries, equal hashes. */
    private static String sha256(Map<String, String> entries) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(entries).forEach((k, v) -> {
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
