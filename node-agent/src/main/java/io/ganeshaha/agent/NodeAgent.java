package io.ganeshaha.agent;

import io.ganeshaha.agent.actions.GraceActions;
import io.ganeshaha.agent.actions.MonActions;
import io.ganeshaha.agent.actions.NfsdActions;
import io.ganeshaha.agent.actions.OcfDispatcher;
import io.ganeshaha.agent.actions.TakeoverActions;
import io.ganeshaha.agent.config.AgentConfig;
import io.ganeshaha.agent.dbus.GaneshaDbus;
import io.ganeshaha.agent.dbus.GaneshaDbusException;
import io.ganeshaha.agent.converge.PacemakerConfigSync;
import io.ganeshaha.agent.entrypoints.EntryPointInstaller;
import io.ganeshaha.agent.failover.FailoverTimeline;
import io.ganeshaha.agent.failover.GraceNotifier;
import io.ganeshaha.agent.failover.LocalAttributes;
import io.ganeshaha.agent.failover.MonController;
import io.ganeshaha.agent.failover.NfsdGrace;
import io.ganeshaha.agent.failover.PeerLossWatch;
import io.ganeshaha.agent.instances.InstanceStore;
import io.ganeshaha.agent.mirror.HostAddresses;
import io.ganeshaha.agent.mirror.KubernetesMirrorClient;
import io.ganeshaha.agent.mirror.NodeMirror;
import io.ganeshaha.agent.mirror.NodeReport;
import io.ganeshaha.agent.ocf.OcfParameters;
import io.ganeshaha.agent.pacemaker.Attrd;
import io.ganeshaha.agent.pacemaker.Cib;
import io.ganeshaha.agent.pacemaker.CommandRunner;
import io.ganeshaha.agent.pacemaker.CrmNode;
import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.server.OcfSocketServer;
import io.ganeshaha.agent.statedir.StateDirLink;
import io.ganeshaha.agent.watch.NfsdHealth;
import io.ganeshaha.agent.watch.NfsdHealthTracker;
import io.ganeshaha.agent.watch.NfsdWatch;
import io.ganeshaha.agent.watch.ProcessProbe;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ganeshaha.api.v1alpha1.GaneshaNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The composition root: builds the agent's parts from its configuration, starts them in the order
 * that makes an agent restart invisible to Pacemaker, and stops them.
 */
@ApplicationScoped
public class NodeAgent {

    private static final Logger LOG = Logger.getLogger(NodeAgent.class);

    private final AgentConfig config;
    private final MeterRegistry meters;
    private final AtomicReference<FailoverTimeline> lastFailover = new AtomicReference<>();
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "attribute-refresh");
        t.setDaemon(true);
        return t;
    });

    private final ScheduledExecutorService mirrorThread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kubernetes-mirror");
        t.setDaemon(true);
        return t;
    });

    private MonController monController;
    private LocalAttributes attributes;
    private KubernetesClient kubernetes;
    private NodeMirror mirror;
    private final BusGrace busGrace = new BusGrace();
    private PacemakerConfigSync pacemakerConfig;
    private final ScheduledExecutorService pacemakerConfigThread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pacemaker-config");
        t.setDaemon(true);
        return t;
    });
    private volatile String entryPoints = "not managed by the agent";
    private NfsdWatch watch;
    private OcfSocketServer server;
    private LocalNode localNode;

    public NodeAgent(AgentConfig config, MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
    }

    void onStart(@Observes StartupEvent event) {
        Clock clock = Clock.systemUTC();
        CommandRunner runner = new CommandRunner();
        Attrd attrd = new Attrd(runner, config.pacemakerTimeout());
        CrmNode crmNode = new CrmNode(runner, config.pacemakerTimeout());
        localNode = new LocalNode(crmNode::localName);
        attributes = new LocalAttributes(attrd, localNode);
        InstanceStore instances = new InstanceStore(config.instanceDir());

        monController = new MonController(attrd, attributes, clock, config.ackPollInterval(),
                config.reassertInterval(), this::recordTimeline);
        watch = new NfsdWatch(config.dbusAddress(), new ProcessProbe(config.pidFile()),
                new NfsdHealthTracker(config.hangTimeout()), config.processPollInterval(), config.busAnswerTimeout(),
                monController::healthChanged);
        meters.gauge("ganesha_ha_nfsd_serving", watch, w -> w.health() == NfsdHealth.SERVING ? 1 : 0);
        meters.gauge("ganesha_ha_dbus_connected", watch, w -> w.busConnected() ? 1 : 0);

        GraceNotifier notifier = new GraceNotifier(busGrace, attrd, attributes, () -> watch.health().serving(), clock,
                config.dbusCallTimeout());
        MonActions mon = new MonActions(instances, monController);
        GraceActions grace = new GraceActions(instances, attributes, notifier, () -> watch.health().serving(),
                () -> monController.parameters().isPresent(), clock);
        NfsdActions nfsd = new NfsdActions(new StateDirLink(config.nfsStateDir()), localNode, crmNode::allNames);
        TakeoverActions takeover = new TakeoverActions(instances, notifier, localNode);
        OcfDispatcher dispatcher = new OcfDispatcher(mon, grace, nfsd, takeover, clock, meters);

        installEntryPoints();
        // Order matters for an agent restart: resume the mon Pacemaker had started before nfsd's
        // health is known, so the first verdict already acts; open the socket last.
        monController.start();
        mon.resume();
        watch.start();
        housekeeping.scheduleWithFixedDelay(attributes::refresh, config.attributeRefreshInterval().toMillis(),
                config.attributeRefreshInterval().toMillis(), TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(new PeerLossWatch(attrd, localNode, notifier, () -> watch.health().serving(),
                PeerLossWatch.ganeshaActiveOf(monController), clock, config.dbusCallTimeout()),
                config.peerWatchInterval().toMillis(), config.peerWatchInterval().toMillis(), TimeUnit.MILLISECONDS);
        server = new OcfSocketServer(config.socket(), dispatcher::dispatch, config.workers(), Duration.ofSeconds(5));
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + config.socket(), e);
        }
        startPacemakerConfigSync(runner);
        startMirror(clock);
        LOG.infof("ganesha-ha node agent started (bus %s, pid file %s, hang timeout %s)", config.dbusAddress(),
                config.pidFile(), config.hangTimeout());
    }

    void onStop(@Observes ShutdownEvent event) {
        // Closing the socket first: from now on the entry points use their fallback, which keeps
        // the attributes as they are while nfsd lives.
        if (server != null) {
            server.close();
        }
        housekeeping.shutdownNow();
        mirrorThread.shutdownNow();
        pacemakerConfigThread.shutdownNow();
        if (kubernetes != null) {
            kubernetes.close();
        }
        if (watch != null) {
            watch.close();
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

    /**
     * Converges the CIB to the operator's rendering, on its own thread: a slow cibadmin must not
     * hold up the peer watch or the attribute refresh.
     */
    private void startPacemakerConfigSync(CommandRunner runner) {
        config.pacemakerConfigDir().ifPresent(dir -> {
            pacemakerConfig = new PacemakerConfigSync(dir, new Cib(runner, config.pacemakerTimeout()));
            long every = config.pacemakerConfigInterval().toMillis();
            pacemakerConfigThread.scheduleWithFixedDelay(pacemakerConfig, 0, every, TimeUnit.MILLISECONDS);
            LOG.infof("converging Pacemaker's resources and constraints to the rendering in %s every %s", dir,
                    config.pacemakerConfigInterval());
        });
    }

    /** The CIB convergence's last result; "off" without a rendering directory. */
    public String pacemakerConfigState() {
        return pacemakerConfig == null ? "off" : pacemakerConfig.state();
    }

    /** The GaneshaNode mirror, when the operator told this agent which cluster it belongs to. */
    private void startMirror(Clock clock) {
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
        HostAddresses addresses = new HostAddresses();
        List<String> vips = k8s.virtualIps().orElse(List.of());
        mirror = new NodeMirror(kubernetes,
                new NodeMirror.Identity(namespace, k8s.cluster().get(), nodeName, localNode::known),
                () -> report(addresses, vips), k8s.heartbeatInterval(), clock);
        mirrorThread.scheduleWithFixedDelay(mirror, 0, k8s.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        LOG.infof("mirroring node %s into GaneshaNode %s/%s every %s (heartbeat %s)", nodeName, namespace,
                GaneshaNode.nameFor(k8s.cluster().get(), nodeName), k8s.pollInterval(), k8s.heartbeatInterval());
    }

    private NodeReport report(HostAddresses addresses, List<String> vips) {
        Optional<OcfParameters.Mon> mon = monController.parameters();
        NfsdHealth health = nfsdHealth();
        Optional<Boolean> inGrace = Optional.empty();
        if (health.serving()) {
            try {
                inGrace = Optional.of(busGrace.inGrace(config.dbusCallTimeout()));
            } catch (NfsdGrace.GraceFailure e) {
                // unknown this tick
            }
        }
        return new NodeReport(health,
                attributeSet(mon.map(OcfParameters.Mon::ganeshaActive).orElse(OcfParameters.DEFAULT_GANESHA_ACTIVE)),
                attributeSet(mon.map(OcfParameters.Mon::graceActive).orElse(OcfParameters.DEFAULT_GRACE_ACTIVE)),
                inGrace, addresses.held(vips), ready(), lastFailover(),
                pacemakerConfig == null ? Optional.empty() : pacemakerConfig.generation());
    }

    /** From the agent's view of attrd (refreshed every few seconds); unknown reads as unset. */
    private boolean attributeSet(String name) {
        try {
            return attributes.get(name).isPresent();
        } catch (PacemakerCommandException e) {
            return false;
        }
    }

    private void recordTimeline(FailoverTimeline timeline) {
        lastFailover.set(timeline);
        meters.counter("ganesha_ha_failovers", "direction", timeline.direction(), "acknowledged",
                Boolean.toString(timeline.acksComplete().isPresent())).increment();
    }

    public Optional<FailoverTimeline> lastFailover() {
        return Optional.ofNullable(lastFailover.get());
    }

    /** The GaneshaNode mirror's last write or failure; "off" without a configured cluster. */
    public String mirrorState() {
        return mirror == null ? "off" : mirror.state();
    }

    public boolean ready() {
        return server != null && server.listening();
    }

    public NfsdHealth nfsdHealth() {
        return watch == null ? NfsdHealth.DOWN : watch.health();
    }

    public boolean busConnected() {
        return watch != null && watch.busConnected();
    }

    /** Grace calls go to whichever bus connection the watch holds now. */
    private final class BusGrace implements NfsdGrace {
        @Override
        public void grace(int event, String key, Duration timeout) throws GraceFailure {
            try {
                connection().grace(event, key, timeout);
            } catch (GaneshaDbusException e) {
                throw new GraceFailure(e.getMessage(), e);
            }
        }

        @Override
        public boolean inGrace(Duration timeout) throws GraceFailure {
            try {
                return connection().inGrace(timeout);
            } catch (GaneshaDbusException e) {
                throw new GraceFailure(e.getMessage(), e);
            }
        }

        private GaneshaDbus connection() throws GraceFailure {
            if (watch.bus() == null) {
                throw new GraceFailure("the node agent is not watching the system bus yet", null);
            }
            return watch.bus();
        }
    }
}
