package io.ganeshaha.operator.dependent;

import io.ganeshaha.api.agent.HaConfigMap;
import io.fabric8.kubernetes.api.model.HostPathVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.ganeshaha.api.v1alpha1.AgentSpec;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.operator.Labels;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The node agents: one pod per member node, on the host's network and with the host paths the agent
 * works on. The pod template carries the hash of the rendered configuration, so a CR change rolls
 * the agents only when what they run with really changed.
 */
// Cache only the objects this operator made, not every one of the kind in the watched namespaces.
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class AgentDaemonSetDependent extends CRUDKubernetesDependentResource<DaemonSet, GaneshaCluster> {

    public static final String CONTAINER = "node-agent";
    /** The agent's /q/health and /q/metrics port on the host (hostNetwork). */
    public static final int HTTP_PORT = 9746;
    /** The name of that port in the pod spec: the chart's PodMonitor scrapes /q/metrics by it. */
    public static final String HTTP_PORT_NAME = "http";

    /** A host path the agent needs, where the container sees it, and why. */
    record HostMount(String volume, String path, String containerPath, String type, boolean propagate,
            boolean readOnly) {

        /** Seen in the container at the host's own path. */
        HostMount(String volume, String path, String type, boolean propagate) {
            this(volume, path, path, type, propagate, false);
        }
    }

    static List<HostMount> hostMounts(GaneshaCluster cluster) {
        return List.of(
                // ganesha.nfsd's admin interface and its NameOwnerChanged signals.
                new HostMount("dbus", "/run/dbus", "Directory", false),
                // Pacemaker's IPC (libqb) lives in /dev/shm: attrd_updater and crm_node need it.
                new HostMount("dev-shm", "/dev/shm", "Directory", false),
                // The socket the OCF entry points forward to, and the started-instance records
                // that survive an agent restart.
                new HostMount("agent-run", "/run/ganesha-ha", "DirectoryOrCreate", false),
                // The OCF provider directory: the agent installs the entry points Pacemaker calls.
                new HostMount("ocf-provider", HaConfiguration.ocfProviderDir(cluster.getSpec()), "DirectoryOrCreate", false),
                // ganesha_nfsd switches the /var/lib/nfs link to the shared storage; a link is
                // replaced in its parent directory, so the parent is mounted.
                new HostMount("var-lib", "/var/lib", "Directory", true),
                // The shared storage holding every node's NFS state (ha_vol_mnt); it may be
                // mounted on the host after the agent starts, hence propagation.
                new HostMount("ha-vol", HaConfiguration.haVolMnt(cluster.getSpec()), "DirectoryOrCreate", true),
                // ganesha.nfsd's pid file: the agent's cross-check of nfsd's health and its only
                // source while the bus is away (the process it names is seen through hostPID).
                // Its host directory is seen at a path of its own, never over /run or /var/run,
                // where it would hide the mounts above.
                new HostMount("ganesha-pid", Path.of(HaConfiguration.pidFile(cluster.getSpec())).getParent().toString(),
                        HaConfiguration.AGENT_PID_DIR, "DirectoryOrCreate", true, false),
                // The cluster's exports file, which ganesha.conf includes, and the per-export files
                // ganesha reads an AddExport or UpdateExport from: at the host's own path, since
                // ganesha reads the path the agent names.
                new HostMount("ganesha-exports", Path.of(HaConfiguration.exportsFile(cluster.getSpec())).getParent().toString(),
                        "DirectoryOrCreate", false),
                // The host's users and groups, read-only. Pacemaker's tools accept a daemon's IPC
                // only from the uid and gid that hacluster and haclient have in the user database
                // they read; the host's numbers are assigned when Pacemaker is installed and differ
                // from the image's (seen: 102/105 on a host, 100/101 in the image, and every
                // attrd_updater call refused with "Software caused connection abort"). A file
                // mount shows the file the host had when the pod started: useradd replaces it, so
                // a host that gets Pacemaker (and hacluster) after its agent started needs the
                // agent pod restarted; until then readiness says Pacemaker does not answer.
                new HostMount("host-passwd", "/etc/passwd", "/etc/passwd", "File", false, true),
                new HostMount("host-group", "/etc/group", "/etc/group", "File", false, true));
    }

    public AgentDaemonSetDependent() {
        super(DaemonSet.class);
    }

    @Override
    protected DaemonSet desired(GaneshaCluster primary, Context<GaneshaCluster> context) {
        Map<String, String> labels = Labels.of(primary);
        String configHash = HaConfiguration.render(primary).agentSettingsHash();
        List<String> memberNames = primary.getSpec().getNodes().stream().map(MemberNode::getName).toList();
        AgentSpec agent = HaConfiguration.agent(primary.getSpec());
        AgentDefaults defaults = AgentDefaults.fromConfig();

        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        for (HostMount m : hostMounts(primary)) {
            volumes.add(new VolumeBuilder()
                    .withName(m.volume())
                    .withHostPath(new HostPathVolumeSourceBuilder().withPath(m.path()).withType(m.type()).build())
                    .build());
            mounts.add(new VolumeMountBuilder()
                    .withName(m.volume())
                    .withMountPath(m.containerPath())
                    .withMountPropagation(m.propagate() ? "HostToContainer" : null)
                    .withReadOnly(m.readOnly() ? Boolean.TRUE : null)
                    .build());
        }
        volumes.add(new VolumeBuilder()
                .withName("ha-config")
                .withNewConfigMap().withName(Labels.configMapName(primary)).endConfigMap()
                .build());
        mounts.add(new VolumeMountBuilder()
                .withName("ha-config")
                .withMountPath(HaConfigMap.MOUNT_PATH)
                .withReadOnly(true)
                .build());

        return new DaemonSetBuilder()
                .withNewMetadata()
                .withName(Labels.agentName(primary))
                .withNamespace(primary.getMetadata().getNamespace())
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withNewSelector().withMatchLabels(Labels.selector(primary)).endSelector()
                // One node's agent at a time, the next only once the new one is ready: a roll never
                // leaves two nodes without the agent that moves their VIPs.
                .withNewUpdateStrategy()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(1))
                .withMaxSurge(new IntOrString(0))
                .endRollingUpdate()
                .endUpdateStrategy()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .withAnnotations(Map.of(Labels.CONFIG_HASH, configHash))
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName(Labels.agentName(primary))
                // The agent manages VIP-related state and talks to services bound on the host.
                .withHostNetwork(true)
                // The pid file names a host process: the agent must see the host's /proc.
                .withHostPID(true)
                .withDnsPolicy("ClusterFirstWithHostNet")
                .withPriorityClassName(defaults.pod().priorityClassName())
                // Unset rather than empty, as the API server stores them.
                .withImagePullSecrets(defaults.pod().imagePullSecrets().isEmpty() ? null : defaults.pod().imagePullSecrets())
                .withTolerations(defaults.pod().tolerations().isEmpty() ? null : defaults.pod().tolerations())
                .withNodeSelector(defaults.pod().nodeSelector().isEmpty() ? null : defaults.pod().nodeSelector())
                .withNewAffinity()
                .withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                // metadata.name, not the kubernetes.io/hostname label: the member list holds
                // node names, and the label may differ from them.
                .addNewNodeSelectorTerm()
                .addNewMatchField()
                .withKey("metadata.name")
                .withOperator("In")
                .withValues(memberNames)
                .endMatchField()
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity()
                .endAffinity()
                .addNewContainer()
                .withName(CONTAINER)
                .withImage(defaults.imageFor(agent))
                .withImagePullPolicy(defaults.pullPolicyFor(agent))
                .withResources(defaults.resourcesFor(agent))
                .addNewEnv()
                .withName("QUARKUS_CONFIG_LOCATIONS")
                .withValue(HaConfigMap.MOUNT_PATH + "/" + HaConfigMap.AGENT_PROPERTIES)
                .endEnv()
                // Who the agent reports as, for its GaneshaNode.
                .addNewEnv()
                .withName("GANESHA_HA_AGENT_KUBERNETES_NAMESPACE")
                .withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef().endValueFrom()
                .endEnv()
                .addNewEnv()
                .withName("GANESHA_HA_AGENT_KUBERNETES_NODE_NAME")
                .withNewValueFrom().withNewFieldRef().withFieldPath("spec.nodeName").endFieldRef().endValueFrom()
                .endEnv()
                .addNewPort()
                .withName(HTTP_PORT_NAME)
                .withContainerPort(HTTP_PORT)
                .withProtocol("TCP")
                .endPort()
                // Ready: Pacemaker's calls served, Pacemaker answering, nfsd's bus connected.
                .withNewReadinessProbe()
                .withNewHttpGet().withPath("/q/health/ready").withPort(new IntOrString(HTTP_PORT)).endHttpGet()
                .withPeriodSeconds(10)
                .withTimeoutSeconds(5)
                .withFailureThreshold(3)
                .endReadinessProbe()
                // Live while the failover loop runs; the JVM's start is covered by the start-up probe.
                .withNewStartupProbe()
                .withNewHttpGet().withPath("/q/health/live").withPort(new IntOrString(HTTP_PORT)).endHttpGet()
                .withPeriodSeconds(5)
                .withTimeoutSeconds(5)
                .withFailureThreshold(24)
                .endStartupProbe()
                .withNewLivenessProbe()
                .withNewHttpGet().withPath("/q/health/live").withPort(new IntOrString(HTTP_PORT)).endHttpGet()
                .withPeriodSeconds(10)
                .withTimeoutSeconds(5)
                .withFailureThreshold(6)
                .endLivenessProbe()
                // Privileged: attrd_updater needs Pacemaker's IPC as the host's root, and the
                // /var/lib/nfs switch rewrites a host directory.
                .withNewSecurityContext()
                .withPrivileged(true)
                .endSecurityContext()
                .withVolumeMounts(mounts)
                .endContainer()
                .withVolumes(volumes)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
