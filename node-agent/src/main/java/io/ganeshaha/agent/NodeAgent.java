package io.ganeshaha.agent;

import io.ganeshaha.agent.actions.GraceActions;
import io.ganeshaha.agent.actions.MonActions;
import io.ganeshaha.agent.actions.NfsdActions;
import io.ganeshaha.agent.actions.OcfDispatcher;
import io.ganeshaha.agent.actions.TakeoverActions;
import io.ganeshaha.agent.config.AgentConfig;
import io.ganeshaha.agent.dbus.GaneshaDbus;
import io.ganeshaha.agent.dbus.GaneshaDbusException;
import io.ganeshaha.agent.failover.FailoverTimeline;
import io.ganeshaha.agent.failover.GraceNotifier;
import io.ganeshaha.agent.failover.LocalAttributes;
import io.ganeshaha.agent.failover.MonController;
import io.ganeshaha.agent.failover.NfsdGrace;
import io.ganeshaha.agent.failover.PeerLossWatch;
import io.ganeshaha.agent.instances.InstanceStore;
import io.ganeshaha.agent.pacemaker.Attrd;
import io.ganeshaha.agent.pacemaker.CommandRunner;
import io.ganeshaha.agent.pacemaker.CrmNode;
import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.server.OcfSocketServer;
import io.ganeshaha.agent.statedir.StateDirLink;
import io.ganeshaha.agent.watch.NfsdHealth;
import io.ganeshaha.agent.watch.NfsdHealthTracker;
import io.ganeshaha.agent.watch.NfsdWatch;
import io.ganeshaha.agent.watch.ProcessProbe;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
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

    private MonController monController;
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
        localNode = new LocalNode(crmNode);
        LocalAttributes attributes = new LocalAttributes(attrd, localNode);
        InstanceStore instances = new InstanceStore(config.instanceDir());

        monController = new MonController(attrd, attributes, clock, config.ackPollInterval(),
                config.reassertInterval(), this::recordTimeline);
        watch = new NfsdWatch(config.dbusAddress(), new ProcessProbe(config.pidFile()),
                new NfsdHealthTracker(config.hangTimeout()), config.processPollInterval(), config.busAnswerTimeout(),
                monController::healthChanged);
        meters.gauge("ganesha_ha_nfsd_serving", watch, w -> w.health() == NfsdHealth.SERVING ? 1 : 0);
        meters.gauge("ganesha_ha_dbus_connected", watch, w -> w.busConnected() ? 1 : 0);

        GraceNotifier notifier = new GraceNotifier(new BusGrace(), attrd, attributes, () -> watch.health().serving(), clock,
                config.dbusCallTimeout());
        MonActions mon = new MonActions(instances, monController);
        GraceActions grace = new GraceActions(instances, attributes, notifier, () -> watch.health().serving(),
                () -> monController.parameters().isPresent(), clock);
        NfsdActions nfsd = new NfsdActions(new StateDirLink(config.nfsStateDir()), localNode, crmNode);
        TakeoverActions takeover = new TakeoverActions(instances, notifier, localNode);
        OcfDispatcher dispatcher = new OcfDispatcher(mon, grace, nfsd, takeover, clock, meters);

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
        if (watch != null) {
            watch.close();
        }
        if (monController != null) {
            monController.close();
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
