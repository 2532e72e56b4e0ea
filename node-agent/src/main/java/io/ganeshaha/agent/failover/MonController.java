package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.ocf.OcfParameters;
import io.ganeshaha.agent.pacemaker.NodeAttributes;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.watch.NfsdHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The ganesha_mon side of failover, run by the resident agent the moment nfsd's health changes
 * rather than at the next Pacemaker monitor. Keeps this node's {@code grace-active} and
 * {@code ganesha-active} in line with nfsd's health, always in the order the contract demands
 * ({@link MonStep} decides, {@link Handover} carries it out):
 *
 * <ul>
 *   <li>nfsd leaves: delete {@code grace-active} (this node's grace clone stops, every survivor's
 *       post-stop notify puts its nfsd in grace), wait for the survivors' acknowledgements or
 *       {@code grace_delay}, then delete {@code ganesha-active} (the virtual IP moves);
 *   <li>nfsd returns: set {@code grace-active} (the grace clone starts, pre-start notifies put the
 *       survivors in grace), wait the same way, then set {@code ganesha-active} (the IP comes home).
 * </ul>
 *
 * All changes run on one thread; a new health verdict aborts a wait in progress and the loop
 * converges towards the newest verdict. The loop also re-asserts the attributes periodically,
 * since attrd values can vanish after a brief partition.
 */
public final class MonController implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MonController.class);

    private final NodeAttributes attrd;
    private final LocalAttributes local;
    private final Handover handover;
    private final Duration reassertEvery;
    private final Consumer<FailoverTimeline> timelineSink;
    private final Thread thread;
    private final Clock clock;
    /** When the loop last began a pass or one of a step's waits: what the agent's liveness reads. */
    private volatile Instant lastPass;
    private final HungNfsd hungNfsd;
    private final Duration hungSettle;

    private final Object lock = new Object();
    private long generation;
    private NfsdHealth health;
    private Optional<OcfParameters.Mon> parameters = Optional.empty();
    private volatile boolean running = true;
    /** Whether this node's hung marker may be set (published here, or left by an earlier agent). */
    private boolean hungMarkerMaybeSet = true;
    private boolean holding;
    private volatile ServingGate servingGate = () -> true;
    private volatile BooleanSupplier stateDirectoryLinked = () -> true;
    private volatile Duration servingGateBound = Duration.ZERO;

    /** The hung nfsd, ended once this node's virtual IP has moved away from it. */
    @FunctionalInterface
    public interface HungNfsd {
        /** Ends the hung process if it is still the hung one; what was done, for the log. */
        Optional<String> end();
    }

    /**
     * What a node whose nfsd serves again must have done before it takes its virtual IP back: its
     * exports brought up to the cluster's, so a client never finds its export missing or stale on
     * its home node.
     */
    @FunctionalInterface
    public interface ServingGate {
        /** Brings the node up to the cluster's; true once it is (or once nothing more can be done now). */
        boolean settle();
    }

    /**
     * Before a fail-back (and a node's first start) sets {@code grace-active}, {@code gate} is
     * settled, retried every 200 ms for at most {@code bound}; past it the node fails back anyway
     * and says so. Call before {@link #start}.
     */
    public void gateFailBack(ServingGate gate, Duration bound) {
        this.servingGate = gate;
        this.servingGateBound = bound;
    }

    /**
     * Before a fail-back (and a node's first start) sets {@code grace-active}, waits, with no bound,
     * until {@code linked} says the NFS state directory points at the node's tree on the shared
     * storage (Pacemaker started ganesha_nfsd here). Until then nfsd records its clients where no
     * taker reads them, and a client of this node would reclaim nowhere after its next failover:
     * its virtual IP is better served by the survivor holding it. Call before {@link #start}.
     */
    public void gateFailBackOnStateDirectory(BooleanSupplier linked) {
        this.stateDirectoryLinked = linked;
    }

    public MonController(NodeAttributes attrd, LocalAttributes local, Clock clock, Duration ackPoll,
            Duration reassertEvery, Consumer<FailoverTimeline> timelineSink) {
        this(attrd, local, clock, ackPoll, reassertEvery, timelineSink, Optional::empty, Duration.ZERO);
    }

    /**
     * @param hungNfsd ends a hung nfsd once the virtual IP has left it
     * @param hungSettle how long a node that found its nfsd hung waits, once it said so, before it
     *     looks whether a peer serves: long enough for peers hung by the same stall to say so too
     */
    public MonController(NodeAttributes attrd, LocalAttributes local, Clock clock, Duration ackPoll,
            Duration reassertEvery, Consumer<FailoverTimeline> timelineSink, HungNfsd hungNfsd, Duration hungSettle) {
        this.attrd = attrd;
        this.hungNfsd = hungNfsd;
        this.hungSettle = hungSettle;
        this.local = local;
        this.clock = clock;
        this.handover = new Handover(attrd, local, clock, ackPoll);
        this.reassertEvery = reassertEvery;
        this.timelineSink = timelineSink;
        this.thread = new Thread(this::loop, "ganesha-mon");
        this.thread.setDaemon(true);
    }

    public void start() {
        lastPass = clock.instant();
        thread.start();
    }

    /**
     * Whether the loop runs and showed progress within {@code within}: it begins a pass at least
     * every {@code reassertEvery}, and a step under way marks each of its waits (the handover's
     * look at the acknowledgements every {@code ackPoll}, up to grace_delay, which may be 300 s;
     * the hung settle). Only a thread stuck elsewhere goes quiet. False before {@link #start} and
     * once the thread died.
     */
    public boolean looping(Duration within) {
        Instant last = lastPass;
        return thread.isAlive() && last != null && !last.plus(within).isBefore(clock.instant());
    }

    /** ganesha_mon started (with these parameters) or stopped on this node: only a started mon acts. */
    public void configure(Optional<OcfParameters.Mon> monParameters) {
        synchronized (lock) {
            if (!monParameters.equals(parameters)) {
                parameters = monParameters;
                generation++;
                lock.notifyAll();
            }
        }
    }

    public Optional<OcfParameters.Mon> parameters() {
        synchronized (lock) {
            return parameters;
        }
    }

    public void healthChanged(NfsdHealth newHealth) {
        synchronized (lock) {
            if (newHealth != health) {
                health = newHealth;
                generation++;
                lock.notifyAll();
            }
        }
    }

    private void loop() {
        long seen = -1;
        String lastFailure = null;
        while (running) {
            long current;
            NfsdHealth target;
            Optional<OcfParameters.Mon> params;
            synchronized (lock) {
                if (seen == generation) {
                    try {
                        lock.wait(reassertEvery.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                lastPass = clock.instant();
                current = generation;
                target = health;
                params = parameters;
            }
            seen = current;
            if (target == null || params.isEmpty()) {
                continue;
            }
            try {
                converge(target, params.get(), current);
                lastFailure = null;
            } catch (PacemakerCommandException e) {
                // Once per kind of failure, not once a second for as long as Pacemaker is away.
                String failure = target + ": " + e.getMessage();
                if (!failure.equals(lastFailure)) {
                    LOG.errorf("cannot bring node attributes of %s in line with nfsd %s: %s (retrying every second)",
                            local.localNode(), target, e.getMessage());
                }
                lastFailure = failure;
                seen = -1;
                sleepQuietly(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                LOG.errorf(e, "unexpected failure while converging node attributes of %s", local.localNode());
                seen = -1;
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    private void converge(NfsdHealth target, OcfParameters.Mon params, long startedAt) throws PacemakerCommandException {
        boolean servingPeer = true;
        if (target == NfsdHealth.HUNG) {
            if (!hungMarkerMaybeSet || local.get(MonStep.HUNG_ATTRIBUTE).isEmpty()) {
                // Said first, looked second: of nodes hung by one stall, the last to look sees the others.
                local.set(MonStep.HUNG_ATTRIBUTE, "1");
                hungMarkerMaybeSet = true;
                if (!hungSettle.isZero() && !pauseUnlessSuperseded(hungSettle, startedAt)) {
                    return;
                }
            }
            Map<String, Map<String, String>> look = attrd.queryAll(List.of(params.ganeshaActive(),
                    params.graceActive(), MonStep.HUNG_ATTRIBUTE));
            servingPeer = !MonStep.servingPeers(look.get(params.ganeshaActive()), look.get(params.graceActive()),
                    look.get(MonStep.HUNG_ATTRIBUTE), local.nodeName()).isEmpty();
        } else if (hungMarkerMaybeSet) {
            if (local.reread(MonStep.HUNG_ATTRIBUTE).isPresent()) {
                local.delete(MonStep.HUNG_ATTRIBUTE);
            }
            hungMarkerMaybeSet = false;
        }
        Map<String, Optional<String>> own = local.reread(List.of(params.graceActive(), params.ganeshaActive()));
        MonStep step = MonStep.next(target, own.get(params.graceActive()), own.get(params.ganeshaActive()),
                servingPeer);
        if (step.kind() == MonStep.Kind.HOLD) {
            if (!holding) {
                LOG.warnf("nfsd on %s is HUNG but no peer serves that could take its virtual IP: holding it here "
                        + "(the cluster is degraded) until a peer serves or nfsd beats again", local.nodeName());
            }
            holding = true;
            handover.run(step, params, target, atMost -> pauseUnlessSuperseded(atMost, startedAt));
            return;
        }
        if (holding) {
            LOG.infof("nfsd on %s is %s: no longer holding its virtual IP back", local.nodeName(), target);
            holding = false;
        }
        if (step.kind() == MonStep.Kind.BEGIN && step.direction() == Direction.FAILBACK
                && !(stateDirectoryLinked(startedAt) && servingGateSettled(startedAt))) {
            return;
        }
        handover.run(step, params, target, atMost -> pauseUnlessSuperseded(atMost, startedAt))
                .ifPresent(timelineSink);
        if (target == NfsdHealth.HUNG && local.reread(params.ganeshaActive()).isEmpty()) {
            // The virtual IP has left: end the hung process, its supervisor restarts it and the
            // node fails back, instead of staying out until someone restarts nfsd by hand.
            hungNfsd.end().ifPresent(done -> LOG.warnf("nfsd on %s: %s", local.localNode(), done));
        }
    }

    /**
     * Settles the serving gate, retrying up to its bound; false only if a newer verdict superseded
     * the step meanwhile. Past the bound the fail-back goes on: a node that cannot apply its exports
     * still serves the others, and its GaneshaNode says what is missing.
     */
    private boolean servingGateSettled(long startedAt) throws PacemakerCommandException {
        Instant until = clock.instant().plus(servingGateBound);
        if (superseded(startedAt)) {
            return false;
        }
        boolean settled = servingGate.settle();
        if (!settled) {
            LOG.infof("nfsd on %s serves again: bringing its exports up to the cluster's before its virtual IP comes "
                    + "home (at most %s)", local.nodeName(), servingGateBound);
        }
        while (!settled && clock.instant().isBefore(until)) {
            if (!pauseUnlessSuperseded(GATE_RETRY, startedAt)) {
                return false;
            }
            settled = servingGate.settle();
        }
        if (!settled) {
            LOG.warnf("nfsd on %s: its exports are not the cluster's after %s; failing back anyway", local.nodeName(),
                    servingGateBound);
        }
        return true;
    }

    /** Waits until the state directory is linked; false only if a newer verdict superseded the step. */
    private boolean stateDirectoryLinked(long startedAt) throws PacemakerCommandException {
        if (stateDirectoryLinked.getAsBoolean()) {
            return true;
        }
        LOG.infof("nfsd on %s serves: waiting for Pacemaker's ganesha_nfsd start here (/var/lib/nfs on the shared "
                + "storage) before its virtual IP comes home", local.nodeName());
        while (!stateDirectoryLinked.getAsBoolean()) {
            if (!pauseUnlessSuperseded(GATE_RETRY, startedAt)) {
                return false;
            }
        }
        LOG.infof("nfsd on %s: the state directory is on the shared storage", local.nodeName());
        return true;
    }

    private static final Duration GATE_RETRY = Duration.ofMillis(200);

    /** Whether a newer health verdict or parameter set arrived since the step began. */
    private boolean superseded(long startedAt) {
        synchronized (lock) {
            return generation != startedAt;
        }
    }

    /** Waits up to {@code atMost}; false as soon as a newer health verdict or parameter set arrived. */
    private boolean pauseUnlessSuperseded(Duration atMost, long startedAt) {
        lastPass = clock.instant(); // a wait the step means to make: the loop is alive
        synchronized (lock) {
            if (generation != startedAt) {
                return false;
            }
            try {
                lock.wait(atMost.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return generation == startedAt;
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
