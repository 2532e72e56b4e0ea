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

/**
 * Watches the local ganesha.nfsd from two sides and feeds {@link NfsdHealthTracker}: the system bus
 * ({@code NameOwnerChanged} for org.ganesha.nfsd: death within milliseconds; the {@code heartbeat}
 * signal: a hang within the hang timeout) and the pid file in /proc, polled every
 * {@code pollInterval} as a cross-check and as the only source while the bus is down. Every change
 * of verdict goes to {@code onChange} at once.
 */
public final class NfsdWatch implements GaneshaBusListener, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(NfsdWatch.class);
    private static final Duration RECONNECT_EVERY = Duration.ofSeconds(1);

    private final String busAddress;
    private final ProcessProbe probe;
    private final NfsdHealthTracker tracker;
    private final Duration pollInterval;
    private final Duration callTimeout;
    private final Consumer<NfsdHealth> onChange;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "nfsd-watch");
                t.setDaemon(true);
                return t;
            });

    private volatile GaneshaDbus bus;
    private volatile NfsdHealth health;
    private long nextConnectAttempt;
    private boolean warnedBusDown;

    public NfsdWatch(String busAddress, ProcessProbe probe, NfsdHealthTracker tracker, Duration pollInterval,
            Duration callTimeout, Consumer<NfsdHealth> onChange) {
        this.busAddress = busAddress;
        this.probe = probe;
        this.tracker = tracker;
        this.pollInterval = pollInterval;
        this.callTimeout = callTimeout;
        this.onChange = onChange;
    }

    public void start() {
        scheduler.execute(this::poll);
        scheduler.scheduleWithFixedDelay(this::poll, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The current verdict; DOWN until the first evidence. */
    public NfsdHealth health() {
        NfsdHealth h = health;
        return h == null ? NfsdHealth.DOWN : h;
    }

    /** The bus connection, when there is one. */
    public Optional<GaneshaDbus> bus() {
        return Optional.ofNullable(bus);
    }

    public boolean busConnected() {
        return bus != null;
    }

    private void poll() {
        try {
            if (bus == null && System.nanoTime() - nextConnectAttempt >= 0) {
                connect();
            }
            Optional<NfsdProcess> process = probe.probe();
            synchronized (tracker) {
                tracker.processObserved(process);
            }
            evaluate();
        } catch (RuntimeException e) {
            LOG.errorf(e, "watching nfsd failed; trying again in %d ms", pollInterval.toMillis());
        }
    }

    private void connect() {
        nextConnectAttempt = System.nanoTime() + RECONNECT_EVERY.toNanos();
        GaneshaDbus connection = null;
        try {
            connection = GaneshaDbus.connect(busAddress, this, callTimeout);
            String owner = connection.nfsdOwner(callTimeout).orElse("");
            synchronized (tracker) {
                tracker.busConnected(owner, System.nanoTime());
            }
            bus = connection;
            warnedBusDown = false;
            LOG.infof("connected to the system bus at %s; org.ganesha.nfsd is %s", busAddress,
                    owner.isEmpty() ? "not on the bus" : "owned by " + owner);
        } catch (GaneshaDbusException e) {
            if (connection != null) {
                connection.close();
            }
            if (!warnedBusDown) {
                LOG.warnf("system bus at %s unavailable (%s): watching nfsd through its pid file only, "
                        + "hangs cannot be seen until the bus is back", busAddress, e.getMessage());
                warnedBusDown = true;
            }
        }
    }

    private void evaluate() {
        NfsdHealth now;
        synchronized (tracker) {
            now = tracker.evaluate(System.nanoTime());
        }
        NfsdHealth before = health;
        if (now != before) {
            health = now;
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
        // Evaluate on the signal thread itself: this is the 100 ms path from nfsd's death to
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
        GaneshaDbus lost = bus;
        bus = null;
        synchronized (tracker) {
            tracker.busLost();
        }
        LOG.warnf("lost the system bus at %s (%s): watching nfsd through its pid file until it is back", busAddress,
                cause == null ? "disconnected" : cause.getMessage());
        if (lost != null) {
            scheduler.execute(lost::close);
        }
        scheduler.execute(this::evaluate);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        GaneshaDbus b = bus;
        if (b != null) {
            b.close();
        }
    }
}
