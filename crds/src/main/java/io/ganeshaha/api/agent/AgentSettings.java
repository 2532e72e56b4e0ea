package io.ganeshaha.api.agent;

import java.util.List;
import java.util.Objects;

/**
 * The node agent's own settings as the operator renders them into {@link HaConfigMap#AGENT_PROPERTIES}
 * (the agent reads them as its configuration, prefix {@value #PREFIX}): where ganesha and the
 * host's state are, where the entry points and the Pacemaker rendering go, and what the Kubernetes
 * mirror needs (namespace and node name come from the pod's downward API). What Pacemaker decides
 * (grace_delay, ha_vol_mnt) is not here: it reaches the agent with each OCF action, so changing it
 * restarts no agent.
 */
public record AgentSettings(String socket, String instanceDir, String dbusAddress, String pidFile,
        String nfsStateDir, String ocfProviderDir, String pacemakerConfigDir, String exportsFile, String cluster,
        List<String> virtualIps) {

    public static final String PREFIX = "ganesha-ha.agent.";

    public static final String DEFAULT_SOCKET = "/run/ganesha-ha/agent.sock";
    public static final String DEFAULT_INSTANCE_DIR = "/run/ganesha-ha/resources";
    public static final String DEFAULT_DBUS_ADDRESS = "unix:path=/run/dbus/system_bus_socket";
    public static final String DEFAULT_PID_FILE = "/run/ganesha/ganesha.pid";
    public static final String DEFAULT_NFS_STATE_DIR = "/var/lib/nfs";
    public static final String DEFAULT_EXPORTS_FILE = "/etc/ganesha/ganesha-ha-exports.conf";
    /** The file, beside the exports file, that holds the cluster's NFSV4 block ({@link Nfsv4Block}). */
    public static final String NFSV4_FILE_NAME = "ganesha-ha-nfsv4.conf";

    public static final String SOCKET = PREFIX + "socket";
    public static final String INSTANCE_DIR = PREFIX + "instance-dir";
    public static final String DBUS_ADDRESS = PREFIX + "dbus-address";
    public static final String PID_FILE = PREFIX + "pid-file";
    public static final String NFS_STATE_DIR = PREFIX + "nfs-state-dir";
    public static final String OCF_PROVIDER_DIR = PREFIX + "ocf-provider-dir";
    public static final String PACEMAKER_CONFIG_DIR = PREFIX + "pacemaker-config-dir";
    public static final String EXPORTS_FILE = PREFIX + "exports-file";
    public static final String CLUSTER = PREFIX + "kubernetes.cluster";
    public static final String VIRTUAL_IPS = PREFIX + "kubernetes.virtual-ips";

    public AgentSettings {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(instanceDir, "instanceDir");
        Objects.requireNonNull(dbusAddress, "dbusAddress");
        Objects.requireNonNull(pidFile, "pidFile");
        Objects.requireNonNull(nfsStateDir, "nfsStateDir");
        Objects.requireNonNull(ocfProviderDir, "ocfProviderDir");
        Objects.requireNonNull(pacemakerConfigDir, "pacemakerConfigDir");
        Objects.requireNonNull(exportsFile, "exportsFile");
        Objects.requireNonNull(cluster, "cluster");
        virtualIps = List.copyOf(virtualIps);
    }

    /** The settings of an agent of {@code cluster} in the pod the operator declares; paths at their defaults. */
    public static AgentSettings forCluster(String cluster, String dbusAddress, String pidFile, String ocfProviderDir,
            String exportsFile, List<String> virtualIps) {
        return new AgentSettings(DEFAULT_SOCKET, DEFAULT_INSTANCE_DIR, dbusAddress, pidFile, DEFAULT_NFS_STATE_DIR,
                ocfProviderDir, HaConfigMap.MOUNT_PATH, exportsFile, cluster, virtualIps);
    }

    /** The properties file, one {@code key=value} a line, after a comment naming who rendered it. */
    public String render(String comment) {
        return String.join("\n",
                "# " + comment,
                SOCKET + "=" + socket,
                INSTANCE_DIR + "=" + instanceDir,
                DBUS_ADDRESS + "=" + dbusAddress,
                PID_FILE + "=" + pidFile,
                NFS_STATE_DIR + "=" + nfsStateDir,
                OCF_PROVIDER_DIR + "=" + ocfProviderDir,
                // The agents converge the CIB to resources.xml/constraints.xml of this directory.
                PACEMAKER_CONFIG_DIR + "=" + pacemakerConfigDir,
                // ... and ganesha's exports to exports.json of it, through this file.
                EXPORTS_FILE + "=" + exportsFile,
                CLUSTER + "=" + cluster,
                VIRTUAL_IPS + "=" + String.join(",", virtualIps),
                "");
    }
}
