package io.ganeshaha.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.ganeshaha.agent.actions.GraceActions;
import io.ganeshaha.agent.actions.MonActions;
import io.ganeshaha.agent.actions.NfsdActions;
import io.ganeshaha.agent.actions.OcfDispatcher;
import io.ganeshaha.agent.actions.TakeoverActions;
import io.ganeshaha.agent.config.AgentConfig;
import io.ganeshaha.agent.converge.PacemakerConfigSync;
import io.ganeshaha.agent.dbus.BusSession;
import io.ganeshaha.agent.dbus.GaneshaBusListener;
import io.ganeshaha.agent.dbus.GaneshaDbus;
import io.ganeshaha.agent.dbus.GaneshaExports;
import io.ganeshaha.agent.exports.ExportFiles;
import io.ganeshaha.agent.exports.ExportManager;
import io.ganeshaha.agent.exports.ExportSettleGate;
import io.ganeshaha.agent.exports.ExportSync;
import io.ganeshaha.agent.exports.ExportsReport;
import io.ganeshaha.agent.entrypoints.EntryPointInstaller;
import io.ganeshaha.agent.entrypoints.MissedProbes;
import io.ganeshaha.agent.failover.AttributeWatch;
import io.ganeshaha.agent.failover.FailoverTimeline;
import io.ganeshaha.agent.ganeshaconf.Nfsv4Watch;
import io.ganeshaha.api.agent.AgentSettings;
import io.ganeshaha.agent.failover.GraceNotifier;
import io.ganeshaha.agent.recovery.TakenOverRecords;
import io.ganeshaha.agent.failover.LocalAttributes;
import io.ganeshaha.agent.failover.MonController;
import io.ganeshaha.agent.failover.NfsdGrace;
import io.ganeshaha.agent.failover.PeerLossWatch;
import io.ganeshaha.agent.failover.TakeoverGate;
import io.ganeshaha.agent.failover.TakeoverRequestWatch;
import io.ganeshaha.agent.ocf.OcfParameters;
import io.ganeshaha.agent.health.AgentMetrics;
import io.ganeshaha.agent.health.LastFailover;
import io.ganeshaha.agent.instances.InstanceStore;
import io.ganeshaha.agent.mirror.HostAddresses;
import io.ganeshaha.agent.mirror.KubernetesMirrorClient;
import io.ganeshaha.agent.mirror.NodeMirror;
import io.ganeshaha.agent.mirror.NodeReporter;
import io.ganeshaha.agent.tickle.ConnectionRecorder;
import io.ganeshaha.agent.tickle.StaleSockets;
import io.ganeshaha.agent.tickle.Tickler;
import io.ganeshaha.agent.nlm.GroupAddresses;
import io.ganeshaha.agent.nlm.NlmRelease;
import io.ganeshaha.agent.nlm.StatdNotifier;
import io.ganeshaha.agent.pacemaker.Attrd;
import io.ganeshaha.agent.pacemaker.Cib;
import io.ganeshaha.agent.pacemaker.CibAttributes;
import io.ganeshaha.agent.pacemaker.CommandRunner;
import io.ganeshaha.agent.pacemaker.CrmNode;
import io.ganeshaha.agent.pacemaker.FencingSetting;
import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.pacemaker.PacemakerReachability;
import io.ganeshaha.agent.server.OcfSocketServer;
import io.ganeshaha.agent.statedir.StateDirLink;
import io.ganeshaha.agent.watch.NfsdHealth;
import io.ganeshaha.agent.watch.NfsdHealthTracker;
import io.ganeshaha.agent.watch.NfsdWatch;
import io.ganeshaha.agent.watch.ProcessProbe;
import io.ganeshaha.agent.watch.ServerEpochCheck;
import io.ganeshaha.api.v1alpha1.GaneshaNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;
import org.apache.commons.lang3.concurrent.BasicThreadFactory;

/**
 * The composition root: builds the agent's parts from its configuration, starts them in the order
 * that makes an agent restart invisible to Pacemaker, and stops them. It wires; the parts work.
 */
@ApplicationScoped
public class NodeAgent {

    private static final Logger LOG = Logger.getLogger(NodeAgent.class);

    private final AgentConfig config;
    private final MeterRegistry meters;
    private final AgentMetrics metrics;
    private final LastFailover lastFailover;
    private final PacemakerReachability pacemaker = new PacemakerReachability(Clock.systemUTC());
    private final Schedules schedules = new Schedules();

    private GaneshaDbus ganesha;
    private MonController monController;
    private ServerEpochCheck serverEpochs;
    private NfsdWatch watch;
    private OcfSocketServer server;
    private KubernetesClient kubernetes;
    private NodeMirror mirror;
    private PacemakerConfigSync pacemakerConfig;
    private ExportSync exports;
    private GaneshaDbus exportsBus;
    private ExportSettleGate exportsGate;
    private Nfsv4Watch nfsv4;
    private FencingSetting fencing;
    private volatile String entryPoints = "not managed by the agent";

    public NodeAgent(AgentConfig config, MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
        this.metrics = new AgentMetrics(meters);
        this.lastFailover = new LastFailover(metrics);
    }

    void onStart(@Observes StartupEvent event) {
        Clock clock = Clock.systemUTC();
        CommandRunner runner = new CommandRunner();
        Attrd attrd = new Attrd(runner, config.pacemakerTimeout(), pacemaker);
        CrmNode crmNode = new CrmNode(runner, config.pacemakerTimeout());
        LocalNode localNode = new LocalNode(crmNode::localName);
        LocalAttributes attributes = new LocalAttributes(attrd, localNode, clock, config.attributeRereadInterval());
        InstanceStore instances = new InstanceStore(config.instanceDir());

        monController = new MonController(attrd, attributes, clock, config.ackPollInterval(),
                config.reassertInterval(), lastFailover, () -> watch.endHungNfsd(), config.hungSettle());
        ProcessProbe processProbe = new ProcessProbe(config.pidFile());
        watch = new NfsdWatch(processProbe, new NfsdHealthTracker(config.hangTimeout()),
                config.processPollInterval(), config.busAnswerTimeout(), monController::healthChanged);
        // open() never fails: an absent bus is reported to the watch and retried in the background.
        ganesha = GaneshaDbus.open(config.dbusAddress(), watch, BusSession.Options.defaults());
        NfsdGrace grace = new BusGrace(ganesha);
        metrics.nfsd(watch::health, watch::busConnected);

        Path recoveryRoot = config.nfsStateDir().resolve("ganesha");
        TakenOverRecords takenOverRecords = new TakenOverRecords(recoveryRoot, Executors.newSingleThreadExecutor(
                BasicThreadFactory.builder().namingPattern("taken-over-records").daemon().build()));
        GraceNotifier notifier = new GraceNotifier(grace, attrd, attributes, this::nfsdServing, clock,
                config.dbusCallTimeout(), Executors.newSingleThreadExecutor(
                        BasicThreadFactory.builder().namingPattern("grace-acks").daemon().build()), takenOverRecords);
        MonActions mon = new MonActions(instances, monController, attributes);
        GraceActions graceActions = new GraceActions(instances, attributes, notifier, this::nfsdServing,
                () -> monController.parameters().isPresent(), clock);
        NfsdActions nfsd = new NfsdActions(new StateDirLink(config.nfsStateDir()), localNode, crmNode::allNames,
                NfsdActions::kernelHostName, () -> processProbe.probe().map(p -> java.util.OptionalLong.of(p.startTicks()))
                        .orElse(java.util.OptionalLong.empty()),
                node -> notifier.reloadOwnRecords(node, clock.instant().plus(config.dbusCallTimeout()))
                        .logLines("state directory", node));
        // A node fails back (or starts serving) only once ganesha_nfsd pointed /var/lib/nfs at its
        // tree on the shared storage: until then its nfsd records nobody where a taker can read it.
        // (a symbolic link, as the entry point's own monitor judges it: after a crash the link is
        // still there at the next boot, and the nfsd started then read its records through it).
        monController.gateFailBackOnStateDirectory(() -> Files.isSymbolicLink(config.nfsStateDir())
                && Files.isDirectory(config.nfsStateDir())); // a link into storage not mounted yet is none
        // NFSv3: the clients statd recorded are read at each takeover start and notified as the
        // addresses come up; at fail-back the locks taken through the addresses that left go.
        Path statdDir = config.nfsStateDir().resolve("statd");
        StatdNotifier statdNotifier = new StatdNotifier(statdDir, config.instanceDir().resolveSibling("sm-notify"),
                StatdNotifier.smNotify(SM_NOTIFY, Duration.ofSeconds(75)), Executors.newCachedThreadPool(
                        BasicThreadFactory.builder().namingPattern("sm-notify-%d").daemon().build()), clock);
        Tickler tickler = tickler(clock, statdNotifier::arrived);
        Cib groups = new Cib(runner, config.pacemakerTimeout());
        NlmRelease nlmRelease = new NlmRelease(statdDir, instance -> GroupAddresses.of(groups.query("resources"),
                instance), notifier);
        TakeoverActions takeover = new TakeoverActions(instances, notifier, localNode,
                new TakeoverGate(attrd, attributes, clock, config.ackPollInterval()), () -> monController.parameters()
                        .orElse(OcfParameters.defaultMon()), clock, recoveryRoot, () -> {
                            statdNotifier.addressesComing();
                            tickler.addressesComing();
                        }, takenOverRecords, nlmRelease);
        OcfDispatcher dispatcher = new OcfDispatcher(mon, graceActions, nfsd, takeover, clock, meters);

        installEntryPoints();
        // Order matters for an agent restart: resume the mon Pacemaker had started before nfsd's
        // health is known, so the first verdict already acts; open the socket last.
        // Before the failover loop: its first fail-back already waits for the cluster's exports.
        startExportSync(processProbe, clock);
        monController.start();
        mon.resume();
        watch.start(ganesha);
        // One read of every node's attributes per period for every watch, takeover requests first;
        // the requests are also read from attrd on a thread of their own, whatever the CIB does.
        TakeoverRequestWatch requests = new TakeoverRequestWatch(attrd, localNode, notifier, this::nfsdServing, clock,
                config.dbusCallTimeout());
        schedules.every("attribute-watch", config.attributeWatchInterval(), config.attributeWatchInterval(),
                new AttributeWatch(new CibAttributes(runner, config.pacemakerTimeout()), List.of(requests,
                        new PeerLossWatch(attrd, localNode, notifier, this::nfsdServing,
                                PeerLossWatch.ganeshaActiveOf(monController), PeerLossWatch.graceActiveOf(monController),
                                clock, config.dbusCallTimeout()),
                        attributes)));
        schedules.every("takeover-request-watch", config.takeoverRequestInterval(), config.takeoverRequestInterval(),
                requests);
        serverEpochs = new ServerEpochCheck(processProbe::probe, Path.of("/proc"), attributes, attrd);
        io.micrometer.core.instrument.Gauge.builder(ServerEpochCheck.METRIC, serverEpochs, ServerEpochCheck::collisionCount)
                .description("Peers whose nfsd may hand out the same client and session ids as this node's "
                        + "(the same ServerEpoch): a client moved between them is refused for good")
                .register(meters);
        schedules.every("server-epoch", Duration.ofSeconds(2), SERVER_EPOCH_CHECK, serverEpochs);
        schedules.every("nfs-connections", CONNECTION_RECORD, CONNECTION_RECORD, new ConnectionRecorder(
                config.nfsStateDir(), List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")), NFS_PORT));
        schedules.every("in-grace-gauge", IN_GRACE_PROBE, IN_GRACE_PROBE,
                metrics.inGraceProbe(grace, this::nfsdServing, config.dbusCallTimeout()));
        server = new OcfSocketServer(config.socket(), dispatcher::dispatch, config.workers(), Duration.ofSeconds(5));
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + config.socket(), e);
        }
        Cib cib = new Cib(runner, config.pacemakerTimeout());
        startPacemakerConfigSync(cib);
        // Probes Pacemaker ran here before the entry points above were installed are run again.
        config.ocfProviderDir().ifPresent(dir -> schedules.every("missed-probes", Duration.ofSeconds(1),
                MISSED_PROBES_CHECK, new MissedProbes(cib, runner, config.pacemakerTimeout(), localNode, dir)));
        // Read beside the CIB convergence, at its pace: the mirror's tick only looks at the result.
        fencing = new FencingSetting(cib);
        schedules.every("fencing", Duration.ZERO, config.pacemakerConfigInterval(), fencing);
        // Beside it, at its pace: the NFSV4 block changes only with the cluster's spec or ganesha.conf.
        nfsv4 = new Nfsv4Watch(config.pacemakerConfigDir(), config.exportsFile().resolveSibling(
                AgentSettings.NFSV4_FILE_NAME), config.ganeshaConfig(), processProbe::probe,
                process -> process.startedAt(Path.of("/proc")));
        schedules.every("nfsv4-settings", Duration.ZERO, config.pacemakerConfigInterval(), nfsv4);
        io.micrometer.core.instrument.Gauge.builder(Nfsv4Watch.RESTART_PENDING_METRIC, nfsv4,
                        Nfsv4Watch::restartPendingGauge)
                .description("1 while ganesha.nfsd runs with other NFSV4 settings than ganesha.conf sets (it reads them "
                        + "only at start), 0 if not, NaN if ganesha.conf cannot be read")
                .register(meters);
        startMirror(clock, localNode, new NodeReporter.Sources(this::nfsdHealth, this::hangDetection, grace, config.dbusCallTimeout(),
                attributes, monController::parameters, this::ready, lastFailover::get, this::pacemakerConfigGeneration,
                fencing, () -> Optional.ofNullable(exports).map(ExportSync::report), nfsv4::report));
        LOG.infof("ganesha-ha node agent started (bus %s, pid file %s, hang timeout %s)", config.dbusAddress(),
                config.pidFile(), config.hangTimeout());
    }

    void onStop(@Observes ShutdownEvent event) {
        // Closing the socket first: from now on the entry points use their fallback, which keeps
        // the attributes as they are while nfsd lives.
        if (server != null) {
            server.close();
        }
        schedules.close();
        if (kubernetes != null) {
            kubernetes.close();
        }
        if (watch != null) {
            watch.close();
        }
        if (ganesha != null) {
            ganesha.close();
        }
        if (exportsGate != null) {
            exportsGate.close();
        }
        if (exportsBus != null) {
            exportsBus.close();
        }
        if (monController != null) {
            monController.close();
        }
    }

    /**
     * Before the socket opens: Pacemaker may call an entry point as soon as it exists. A failure is
     * logged and shown in readiness; the agent still serves entry points installed earlier.
     */
    private void installEntryPoints() {
        config.ocfProviderDir().ifPresent(dir -> {
            try {
                EntryPointInstaller.Result result = new EntryPointInstaller(dir).install();
                entryPoints = "installed in " + dir + " (" + result.installed().size() + " updated)";
            } catch (IOException | RuntimeException e) {
                entryPoints = "failed to install in " + dir + ": " + e.getMessage();
                LOG.errorf("cannot install the OCF entry points in %s: %s", dir, e.getMessage());
            }
        });
    }

    /** Where the entry points were installed, or why not; "not managed" without a provider dir. */
    public String entryPoints() {
        return entryPoints;
    }

    /** Converges the CIB to the operator's rendering, on its own thread. */
    private void startPacemakerConfigSync(Cib cib) {
        config.pacemakerConfigDir().ifPresent(dir -> {
            pacemakerConfig = new PacemakerConfigSync(dir, cib);
            schedules.every("pacemaker-config", Duration.ZERO, config.pacemakerConfigInterval(), pacemakerConfig);
            LOG.infof("converging Pacemaker's resources, constraints and owned cluster properties to the rendering "
                    + "in %s every %s", dir, config.pacemakerConfigInterval());
        });
    }

    /**
     * Applies the cluster's exports (exports.json beside the Pacemaker rendering) to ganesha.nfsd
     * live, on its own thread; the D-Bus calls share the bus session of the grace calls.
     */
    private void startExportSync(ProcessProbe processProbe, Clock clock) {
        config.pacemakerConfigDir().ifPresent(dir -> {
            // A bus session of their own: export calls ganesha is slow to answer never count
            // against the grace calls' (which give up after many unanswered ones).
            exportsBus = GaneshaDbus.open(config.dbusAddress(), GaneshaBusListener.IGNORE, BusSession.Options.defaults());
            exports = new ExportSync(dir, new ExportFiles(config.exportsFile()),
                    ExportManager.overDbus(new GaneshaExports(exportsBus), config.dbusCallTimeout()),
                    () -> nfsdServing() ? processProbe.probe() : Optional.empty(), clock);
            schedules.every("exports", Duration.ZERO, config.exportsInterval(), exports);
            // A node whose nfsd serves again takes its virtual IP back only with the cluster's exports.
            exportsGate = new ExportSettleGate(exports, Duration.ofSeconds(1));
            monController.gateFailBack(exportsGate, config.exportsFailBackBound());
            LOG.infof("applying the cluster's exports in %s to ganesha.nfsd every %s, through %s", dir,
                    config.exportsInterval(), config.exportsFile());
        });
    }

    /** The exports' last state; empty when the agent does not manage them. */
    public Optional<ExportsReport> exports() {
        return Optional.ofNullable(exports).map(ExportSync::report);
    }

    /** The CIB convergence's last result; "off" without a rendering directory. */
    public String pacemakerConfigState() {
        return pacemakerConfig == null ? "off" : pacemakerConfig.state();
    }

    /** Whether Pacemaker fences lost nodes (stonith-enabled), as last read. */
    public String fencing() {
        return fencing == null ? "not read yet" : fencing.get().apiValue();
    }

    private Optional<Long> pacemakerConfigGeneration() {
        return pacemakerConfig == null ? Optional.empty() : pacemakerConfig.generation();
    }

    /** The GaneshaNode mirror, when the operator told this agent which cluster it belongs to. */
    private void startMirror(Clock clock, LocalNode localNode, NodeReporter.Sources sources) {
        AgentConfig.Kubernetes k8s = config.kubernetes();
        if (k8s.cluster().isEmpty()) {
            LOG.info("no GaneshaCluster configured (ganesha-ha.agent.kubernetes.cluster): node state is not mirrored");
            return;
        }
        String namespace = k8s.namespace().orElseThrow(() -> new IllegalStateException(
                "ganesha-ha.agent.kubernetes.namespace must be set with ganesha-ha.agent.kubernetes.cluster"));
        String nodeName = k8s.nodeName().orElseThrow(() -> new IllegalStateException(
                "ganesha-ha.agent.kubernetes.node-name must be set with ganesha-ha.agent.kubernetes.cluster"));
        kubernetes = KubernetesMirrorClient.create(namespace, k8s.requestTimeout());
        mirror = new NodeMirror(kubernetes,
                new NodeMirror.Identity(namespace, k8s.cluster().get(), nodeName, localNode::known),
                new NodeReporter(sources, new HostAddresses(), k8s.virtualIps().orElse(List.of())),
                k8s.heartbeatInterval(), clock);
        schedules.every("kubernetes-mirror", Duration.ZERO, k8s.pollInterval(), mirror);
        LOG.infof("mirroring node %s into GaneshaNode %s/%s every %s (heartbeat %s)", nodeName, namespace,
                GaneshaNode.nameFor(k8s.cluster().get(), nodeName), k8s.pollInterval(), k8s.heartbeatInterval());
    }

    public Optional<FailoverTimeline> lastFailover() {
        return lastFailover.get();
    }

    /** The GaneshaNode mirror's last write or failure; "off" without a configured cluster. */
    public String mirrorState() {
        return mirror == null ? "off" : mirror.state();
    }

    /**
     * Ready when it can do its job on this node: Pacemaker's calls are served (the OCF socket),
     * Pacemaker answers, and ganesha.nfsd's bus is connected (grace calls and death signals). The
     * DaemonSet replaces the next node's agent only once this one is ready.
     */
    public boolean ready() {
        return server != null && server.listening() && pacemaker.reachable() && busConnected();
    }

    /** How often this node's nfsd ServerEpoch is published and compared with the peers'. */
    static final Duration SERVER_EPOCH_CHECK = Duration.ofSeconds(15);

    /** How often the NFS clients' connections are recorded for a taker to reset ({@link ConnectionRecorder}). */
    private static final Duration CONNECTION_RECORD = Duration.ofSeconds(2);
    /** ganesha's NFS_Port default, where the clients connect. */
    private static final int NFS_PORT = 2049;
    /** resource-agents' tickle_tcp, as Debian installs it. */
    private static final Path TICKLE_TCP = Path.of("/usr/libexec/heartbeat/tickle_tcp");

    /** iproute2's ss, as Debian installs it. */
    private static final Path SS = Path.of("/usr/bin/ss");

    /** nfs-utils' sm-notify, as Debian installs it. */
    private static final Path SM_NOTIFY = Path.of("/usr/sbin/sm-notify");

    /**
     * Resets, for 15 s after a takeover start, the recorded clients of every address coming up
     * here, closing the sockets left on it here and telling {@code arrived} of each address first.
     */
    private Tickler tickler(Clock clock, java.util.function.Consumer<java.util.Set<java.net.InetAddress>> arrived) {
        HostAddresses addresses = new HostAddresses();
        return new Tickler(config.nfsStateDir(), addresses::local, Tickler.tickleTcp(TICKLE_TCP),
                java.util.concurrent.Executors.newSingleThreadExecutor(
                        BasicThreadFactory.builder().namingPattern("tickle").daemon().build()),
                clock, Duration.ofSeconds(15), arrived, StaleSockets.ss(SS));
    }
    /** How often the node's record of Pacemaker's probes is read for ones that found no entry point. */
    static final Duration MISSED_PROBES_CHECK = Duration.ofSeconds(5);

    /** How often nfsd is asked whether it is in grace, for the ganesha_ha_nfsd_in_grace gauge. */
    static final Duration IN_GRACE_PROBE = Duration.ofSeconds(5);

    /** This node's nfsd ServerEpoch, and the peers it may collide with. */
    public String serverEpoch() {
        return serverEpochs == null ? "unknown" : serverEpochs.describe();
    }

    /** How long the failover loop may go without beginning a pass before the agent counts as dead. */
    public static final Duration LOOP_STALL = Duration.ofMinutes(2);

    /** Live while the failover loop runs: a dead or wedged loop moves no VIP, a restart mends it. */
    public boolean live() {
        return monController != null && monController.looping(LOOP_STALL);
    }

    public String pacemakerState() {
        return pacemaker.describe();
    }

    public NfsdHealth nfsdHealth() {
        return watch == null ? NfsdHealth.DOWN : watch.health();
    }

    private boolean nfsdServing() {
        return nfsdHealth().serving();
    }

    public String hangDetection() {
        return watch == null ? "not watching yet" : watch.hangDetection();
    }

    public boolean busConnected() {
        return watch != null && watch.busConnected();
    }
}
