package io.ganeshaha.agent.config;

import io.ganeshaha.api.agent.AgentSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The node agent's own settings (environment variables {@code GANESHA_HA_AGENT_*} or
 * application.properties; the operator renders them as {@link AgentSettings}). What Pacemaker decides (attribute names, grace_delay, ha_vol_mnt) is not
 * here: it arrives with each OCF action, from the CIB.
 */
@ConfigMapping(prefix = "ganesha-ha.agent")
public interface AgentConfig {

    /** The unix socket the OCF entry points forward to (their {@code agent_socket} parameter). */
    @WithDefault(AgentSettings.DEFAULT_SOCKET)
    Path socket();

    /** Where started resource instances are recorded (tmpfs: survives agent restarts, not reboots). */
    @WithDefault(AgentSettings.DEFAULT_INSTANCE_DIR)
    Path instanceDir();

    /** The system bus ganesha.nfsd is on. */
    @WithDefault(AgentSettings.DEFAULT_DBUS_ADDRESS)
    String dbusAddress();

    /** ganesha.nfsd's pid file: the cross-check, and the only source while the bus is down. */
    @WithDefault(AgentSettings.DEFAULT_PID_FILE)
    Path pidFile();

    /** The host's NFS state directory that ganesha_nfsd points at the shared storage. */
    @WithDefault(AgentSettings.DEFAULT_NFS_STATE_DIR)
    Path nfsStateDir();

    /**
     * No healthy heartbeat for this long after one was due (ganesha's heartbeat_freq, learnt from
     * the beats) means nfsd hangs; 0 turns hang detection off, as does an nfsd sending no heartbeat.
     */
    @WithDefault("3s")
    Duration hangTimeout();

    /** How often the pid file and /proc are checked. */
    /**
     * How long a node that found its nfsd hung waits, once it published so, before it looks for a
     * serving peer to give its virtual IP to: a stall of shared storage hangs every node's nfsd
     * within about one heartbeat period (1 s by default) of each other, and each must see the
     * others' marks to hold on to its address rather than hand it to another hung node. A mark
     * that comes later still, while the failover waits for acknowledgements, stops it there too.
     */
    @WithDefault("1500ms")
    Duration hungSettle();

    @WithDefault("50ms")
    Duration processPollInterval();

    /** Bound of every D-Bus call to ganesha.nfsd. */
    @WithDefault("5s")
    Duration dbusCallTimeout();

    /**
     * How long the bus daemon may take to answer the watch's once-a-second check. A bus that does
     * not answer suspends hang detection: ganesha's heartbeats cannot arrive through it.
     */
    @WithDefault("1s")
    Duration busAnswerTimeout();

    /** Bound of every Pacemaker tool call (attrd_updater, crm_node, cibadmin, crm_attribute). */
    @WithDefault("5s")
    Duration pacemakerTimeout();

    /** How often the survivors' grace acknowledgements are read while waiting for them. */
    @WithDefault("100ms")
    Duration ackPollInterval();

    /** How often this node's attributes are re-asserted against nfsd's health. */
    @WithDefault("10s")
    Duration reassertInterval();

    /**
     * How often every node's transient attributes are read, in one cibadmin query, for the watches:
     * takeover requests (a node about to take over a lost node's virtual IPs waits for this node's
     * grace acknowledgement, so this period, plus the CIB's lag behind attrd, adds to every
     * node-loss failover), peers that stopped serving, and changes to this node's own attributes
     * made by someone else.
     */
    @WithDefault("250ms")
    Duration attributeWatchInterval();

    /**
     * How often takeover requests are also read from attrd itself, on a thread of their own: the
     * bound on a node-loss failover's wait for this node when the CIB's copy lags or cibadmin hangs.
     */
    @WithDefault("1s")
    Duration takeoverRequestInterval();

    /**
     * At most how often one of this node's attributes that the CIB shows differently from the
     * agent's view is read again from attrd (the CIB's copy lags a little behind attrd).
     */
    @WithDefault("2s")
    Duration attributeRereadInterval();

    /**
     * Where to install the OCF entry points at start-up (the host's provider directory, e.g.
     * /usr/lib/ocf/resource.d/ganesha-ha). Unset: they are installed some other way (a package).
     */
    Optional<Path> ocfProviderDir();

    /**
     * Where the operator's rendering of the Pacemaker configuration is (the ConfigMap's mount:
     * resources.xml, constraints.xml, cluster-properties, cib-generation). Unset: the agent leaves the
     * CIB alone.
     */
    Optional<Path> pacemakerConfigDir();

    /**
     * The file of the cluster's exports that ganesha.conf includes; the agent writes it, and gives
     * ganesha each export from its own file in {@code <exportsFile>.d/}. The exports come from
     * exports.json in {@link #pacemakerConfigDir()}.
     */
    @WithDefault(AgentSettings.DEFAULT_EXPORTS_FILE)
    Path exportsFile();

    /**
     * ganesha.nfsd's configuration file, read for the NFSv4 server scope it sets (every node of a
     * cluster must set the same one). The DaemonSet's pod sees it in the exports file's directory.
     */
    @WithDefault("/etc/ganesha/ganesha.conf")
    Path ganeshaConfig();

    /**
     * How often exports.json is compared with what ganesha serves (a file read while nothing
     * changed: no D-Bus call), and refused exports are looked at for a retry.
     */
    @WithDefault("1s")
    Duration exportsInterval();

    /**
     * How long a node whose nfsd serves again may spend bringing its exports up to the cluster's
     * before it takes its virtual IP back; past it, it fails back anyway (its GaneshaNode says what
     * is missing).
     */
    @WithDefault("10s")
    Duration exportsFailBackBound();

    /** How often the CIB is compared with the rendering, and stonith-enabled read for the node report. */
    @WithDefault("10s")
    Duration pacemakerConfigInterval();

    /** Threads serving OCF actions at once. */
    @WithDefault("8")
    int workers();

    /** The Kubernetes mirror: this node's GaneshaNode object. */
    Kubernetes kubernetes();

    /**
     * Set by the operator (ConfigMap and the pod's downward API). Without a cluster name, as on a
     * host where Pacemaker alone runs the agent, nothing is mirrored.
     */
    interface Kubernetes {

        /** The GaneshaCluster this node belongs to. */
        Optional<String> cluster();

        /** The namespace of the GaneshaCluster (the pod's). */
        Optional<String> namespace();

        /** The Kubernetes node name (the pod's spec.nodeName). */
        Optional<String> nodeName();

        /** Every virtual IP of the cluster: the status reports those this host holds. */
        Optional<List<String>> virtualIps();

        /** How often the node's state is compared with what was last written. */
        @WithDefault("1s")
        Duration pollInterval();

        /** With nothing changed, the state is written again this often, to show the agent alive. */
        @WithDefault("30s")
        Duration heartbeatInterval();

        /** Bound of every API request (connect, then answer); a failed request is not retried within a tick. */
        @WithDefault("5s")
        Duration requestTimeout();
    }
}
