package io.ganeshaha.agent.watch;

import io.ganeshaha.agent.dbus.GaneshaBusListener;
import io.ganeshaha.agent.dbus.GaneshaDbus;
import io.ganeshaha.agent.dbus.GaneshaDbusException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.apache.commons.lang3.concurrent.BasicThreadFactory;

/**
 * Watches the local ganesha.nfsd from two sides and feeds {@link NfsdHealthTracker}: the system bus
 * ({@code NameOwnerChanged} for org.ganesha.nfsd: death within milliseconds; the {@code heartbeat}
 * signal: a hang within the hang timeout) and the pid file in /proc, polled every
 * {@code pollInterval} as a cross-check and as the only source while the bus is away. Every change
 * of verdict goes to {@code onChange} at once.
 *
 * <p>A silent heartbeat only means a hung nfsd while the bus itself answers: once a second the
 * watch asks the bus daemon who owns ganesha's name, and a bus that does not answer in time is
 * treated like a lost one (hang verdicts suspended), so a frozen dbus-daemon moves no VIP.
 */
public final class NfsdWatch implements GaneshaBusListener, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(NfsdWatch.class);
    private static final Duration BUS_CHECK_EVERY = Duration.ofSeconds(1);

    private final ProcessProbe probe;
    private final NfsdHealthTracker tracker;
    private final Duration pollInterval;
    private final Duration busCheckTimeout;
    private final Consumer<NfsdHealth> onChange;
    private final ScheduledExecutorService processPoller = daemonScheduler("nfsd-watch");
    private final ScheduledExecutorService busChecker = daemonScheduler("nfsd-watch-bus");

    private volatile GaneshaDbus bus;
    private volatile NfsdHealth health;
    /** The bus connection is up and its daemon answered the last check. */
    private volatile boolean busAnswering;

    public NfsdWatch(ProcessProbe probe, NfsdHealthTracker tracker, Duration pollInterval, Duration busCheckTimeout,
            Consumer<NfsdHealth> onChange) {
        this.probe = probe;
        this.tracker = tracker;
        this.pollInterval = pollInterval;
        this.busCheckTimeout = busCheckTimeout;
        this.onChange = onChange;
    }

    /**
     * Starts watching through {@code bus}, whose listener this watch must be (an absent bus is
     * reported through busLost and retried by the session in the background), and through /proc.
     */
    public void start(GaneshaDbus bus) {
        this.bus = bus;
        processPoller.scheduleWithFixedDelay(this::pollProcess, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        busChecker.scheduleWithFixedDelay(this::checkBus, 0, BUS_CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The current verdict; DOWN until the first evidence. */
    public NfsdHealth health() {
        NfsdHealth h = health;
        return h == null ? NfsdHealth.DOWN : h;
    }

    /** Whether a hung nfsd can be told, and from which heartbeat period (see {@link NfsdHealthTracker}). */
    public String hangDetection() {
        synchronized (tracker) {
            return tracker.hangDetection();
        }
    }

    /**
     * Ends the nfsd found hung with SIGKILL, so that its supervisor (systemd's {@code Restart=})
     * starts a fresh one and the node fails back by the normal path. Only the very process the hang
     * verdict is about: read again from the pid file and /proc right before the signal, so a
     * process that resumed, exited or was replaced meanwhile is left alone. SIGKILL because a hung
     * nfsd does not run its SIGTERM handler, and it is queued even for a process in D state.
     *
     * @return what was done, for the log; empty when there was nothing to end
     */
    public Optional<String> endHungNfsd() {
        NfsdProcess hung;
        synchronized (tracker) {
            if (health() != NfsdHealth.HUNG || tracker.hungProcess().isEmpty()) {
                return Optional.empty();
            }
            hung = tracker.hungProcess().get();
        }
        Optional<NfsdProcess> now = probe.probe();
        if (now.isEmpty() || !now.get().equals(hung)) {
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(hung.pid());
        if (handle.isEmpty() || !handle.get().destroyForcibly()) {
            return Optional.of("could not send SIGKILL to the hung ganesha.nfsd " + hung.pid()
                    + " (permission, or the agent does not see the host's processes: hostPID)");
        }
        return Optional.of("sent SIGKILL to the hung ganesha.nfsd " + hung.pid()
                + ": its supervisor starts a fresh one, which then fails back");
    }

    public boolean busConnected() {
        return busAnswering;
    }

    private void pollProcess() {
        try {
            Optional<NfsdProcess> process = probe.probe();
            synchronized (tracker) {
                tracker.processObserved(process);
            }
            evaluate();
        } catch (RuntimeException e) {
            LOG.errorf(e, "watching nfsd failed; trying again in %d ms", pollInterval.toMillis());
        }
    }

    private void checkBus() {
        GaneshaDbus b = bus;
        if (b == null || !b.isConnected()) {
            return; // busLost was reported; busRegained brings us back here
        }
        try {
            String owner = b.nfsdOwner(busCheckTimeout).orElse("");
            if (!busAnswering) {
                synchronized (tracker) {
                    tracker.busConnected(owner, System.nanoTime());
                }
                busAnswering = true;
                disagreeingOwner = null;
                LOG.infof("connected to the system bus at %s; org.ganesha.nfsd is %s", b.address(),
                        owner.isEmpty() ? "not on the bus" : "owned by " + owner);
            } else {
                correctMissedOwnerChange(b, owner);
            }
        } catch (GaneshaDbusException e) {
            if (busAnswering) {
                busAnswering = false;
                synchronized (tracker) {
                    tracker.busLost();
                }
                LOG.warnf("the system bus at %s does not answer (%s): hang detection suspended, nfsd watched "
                        + "through its pid file", b.address(), e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "checking the system bus failed");
        }
        evaluate();
    }

    /**
     * The owner GetNameOwner reported at the last check, when it differed from the tracker's: a
     * NameOwnerChanged signal that never arrived (seen once after the bus came back: nfsd took its
     * name and the agent went on believing it was off the bus) is made good by the checks. Only
     * when two checks in a row agree, so that a signal racing one check never turns a death back.
     */
    private String disagreeingOwner;

    private void correctMissedOwnerChange(GaneshaDbus b, String owner) {
        String known;
        synchronized (tracker) {
            known = tracker.owner();
        }
        if (owner.equals(known)) {
            disagreeingOwner = null;
        } else if (owner.equals(disagreeingOwner)) {
            disagreeingOwner = null;
            Optional<NfsdProcess> process = probe.probe();
            synchronized (tracker) {
                tracker.processObserved(process);
                tracker.ownerChanged(owner, System.nanoTime());
            }
            LOG.warnf("org.ganesha.nfsd is %s on the bus at %s, which no NameOwnerChanged signal said (it was %s): "
                    + "taken from two bus checks in a row", owner.isEmpty() ? "not" : "owned by " + owner, b.address(),
                    known.isEmpty() ? "not on the bus" : "owned by " + known);
        } else {
            disagreeingOwner = owner;
        }
    }

    private void evaluate() {
        NfsdHealth now;
        NfsdHealth before;
        synchronized (tracker) {
            now = tracker.evaluate(System.nanoTime());
            before = health;
            health = now;
        }
        if (now != before) {
            LOG.infof("ganesha.nfsd is now %s (was %s)", now, before == null ? "unknown" : before);
            onChange.accept(now);
        }
    }

    @Override
    public void ownerChanged(String oldOwner, String newOwner) {
        // Look at the process right away rather than at the next poll: when the name goes
        // because nfsd died, /proc already shows it gone (or a zombie) in most cases.
        Optional<NfsdProcess> process = probe.probe();
        synchronized (tracker) {
            tracker.processObserved(process);
            tracker.ownerChanged(newOwner, System.nanoTime());
        }
        // Evaluated on the signal thread itself: this is the path from nfsd's death to
        // grace-active being deleted.
        evaluate();
    }

    @Override
    public void heartbeat(boolean healthy) {
        synchronized (tracker) {
            tracker.heartbeat(healthy, System.nanoTime());
        }
    }

    @Override
    public void busLost(Throwable cause) {
        busAnswering = false;
        synchronized (tracker) {
            tracker.busLost();
        }
        LOG.warnf("lost the system bus at %s (%s): nfsd watched through its pid file until it is back", busAddress(),
                cause == null ? "disconnected" : cause.getMessage());
        evaluate();
    }

    private String busAddress() {
        GaneshaDbus b = bus;
        return b == null ? "(not opened yet)" : b.address();
    }

    @Override
    public void busRegained() {
        busChecker.execute(this::checkBus);
    }

    private static ScheduledExecutorService daemonScheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(BasicThreadFactory.builder().namingPattern(name).daemon().build());
    }

    /** Stops watching; the bus session belongs to whoever opened it. */
    @Override
    public void close() {
        processPoller.shutdownNow();
        busChecker.shutdownNow();
    }
}
