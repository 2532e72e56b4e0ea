package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.ocf.OcfParameters;
import io.ganeshaha.agent.pacemaker.Attrd;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.watch.NfsdHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The ganesha_mon side of failover, run by the resident agent the moment nfsd's health changes
 * rather than at the next Pacemaker monitor. Keeps this node's {@code grace-active} and
 * {@code ganesha-active} in line with nfsd's health, always in the order the contract demands
 * (GlusterFS lesson 1):
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

    private final Attrd attrd;
    private final LocalAttributes local;
    private final Clock clock;
    private final Duration ackPoll;
    private final Duration reassertEvery;
    private final Consumer<FailoverTimeline> timelineSink;
    private final Thread thread;

    private final Object lock = new Object();
    private long generation;
    private NfsdHealth health;
    private Optional<OcfParameters.Mon> parameters = Optional.empty();
    private volatile boolean running = true;

    public MonController(Attrd attrd, LocalAttributes local, Clock clock, Duration ackPoll, Duration reassertEvery,
            Consumer<FailoverTimeline> timelineSink) {
        this.attrd = attrd;
        this.local = local;
        this.clock = clock;
        this.ackPoll = ackPoll;
        this.reassertEvery = reassertEvery;
        this.timelineSink = timelineSink;
        this.thread = new Thread(this::loop, "ganesha-mon");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
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
            } catch (PacemakerCommandException e) {
                LOG.errorf("cannot bring node attributes of %s in line with nfsd %s: %s (retrying in 1 s)",
                        local.localNode(), target, e.getMessage());
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
        String self = local.nodeName();
        Optional<String> grace = local.reread(params.graceActive());
        Optional<String> ganesha = local.reread(params.ganeshaActive());
        boolean graceSet = grace.filter("1"::equals).isPresent();
        boolean ganeshaSet = ganesha.filter("1"::equals).isPresent();
        if (target.serving()) {
            if (!graceSet) {
                Instant detected = clock.instant();
                String epoch = newEpoch();
                attrd.update(GraceAcks.REQUEST_ATTRIBUTE, epoch);
                local.set(params.graceActive(), "1");
                Instant graceChanged = clock.instant();
                LOG.infof("nfsd on %s is serving: set %s=1; waiting up to %d s for survivors to enter grace before %s=1",
                        self, params.graceActive(), params.graceDelay().toSeconds(), params.ganeshaActive());
                Optional<Acks> acks = awaitAcks(params, epoch, startedAt);
                if (acks.isEmpty()) {
                    return; // health changed meanwhile: converge again towards the new verdict
                }
                Optional<Instant> ganeshaChanged = Optional.empty();
                if (!ganeshaSet) {
                    local.set(params.ganeshaActive(), "1");
                    ganeshaChanged = Optional.of(clock.instant());
                }
                record("fail-back", epoch, detected, graceChanged, acks.get(), ganeshaChanged);
            } else if (!ganeshaSet) {
                // grace-active set but ganesha-active not: a fail-back was interrupted (agent
                // restart) or ganesha-active was lost. Honour the acknowledgements of that epoch.
                Optional<String> epoch = attrd.query(GraceAcks.REQUEST_ATTRIBUTE, self);
                if (epoch.isPresent() && awaitAcks(params, epoch.get(), startedAt).isEmpty()) {
                    return;
                }
                local.set(params.ganeshaActive(), "1");
                LOG.infof("nfsd on %s is serving: set %s=1", self, params.ganeshaActive());
            }
            return;
        }
        // DOWN or HUNG
        if (graceSet || grace.isPresent()) {
            Instant detected = clock.instant();
            String epoch = newEpoch();
            attrd.update(GraceAcks.REQUEST_ATTRIBUTE, epoch);
            local.delete(params.graceActive());
            Instant graceChanged = clock.instant();
            LOG.warnf("nfsd on %s is %s: deleted %s; waiting up to %d s for survivors to enter grace before deleting %s",
                    self, target, params.graceActive(), params.graceDelay().toSeconds(), params.ganeshaActive());
            Optional<Acks> acks = awaitAcks(params, epoch, startedAt);
            if (acks.isEmpty()) {
                return;
            }
            Optional<Instant> ganeshaChanged = Optional.empty();
            if (ganesha.isPresent()) {
                local.delete(params.ganeshaActive());
                ganeshaChanged = Optional.of(clock.instant());
                LOG.warnf("deleted %s on %s: its virtual IP moves to a survivor", params.ganeshaActive(), self);
            }
            record("failover", epoch, detected, graceChanged, acks.get(), ganeshaChanged);
        } else if (ganesha.isPresent()) {
            // grace-active already gone but ganesha-active still set: the agent restarted in the
            // middle of a failover. Finish it, honouring the acknowledgements of that epoch.
            Optional<String> epoch = attrd.query(GraceAcks.REQUEST_ATTRIBUTE, self);
            if (epoch.isPresent() && awaitAcks(params, epoch.get(), startedAt).isEmpty()) {
                return;
            }
            local.delete(params.ganeshaActive());
            LOG.warnf("nfsd on %s is %s: finished an interrupted failover by deleting %s", self, target,
                    params.ganeshaActive());
        }
    }

    private record Acks(Set<String> survivors, Set<String> acknowledged, Optional<Instant> complete) {}

    /**
     * Waits until every survivor acknowledged {@code epoch}, or {@code grace_delay} ran out. Empty
     * when nfsd's health changed meanwhile (the caller converges again).
     */
    private Optional<Acks> awaitAcks(OcfParameters.Mon params, String epoch, long startedAt)
            throws PacemakerCommandException {
        String self = local.nodeName();
        Instant deadline = clock.instant().plus(params.graceDelay());
        Set<String> survivors = Set.of();
        Set<String> missing = Set.of();
        while (true) {
            Map<String, String> ganeshaActive = attrd.queryAll(params.ganeshaActive());
            Map<String, String> graceActive = attrd.queryAll(params.graceActive());
            survivors = GraceAcks.survivors(ganeshaActive, graceActive, self);
            missing = survivors.isEmpty() ? Set.of()
                    : GraceAcks.missing(survivors, attrd.queryAll(GraceAcks.ACK_ATTRIBUTE), self, epoch);
            if (missing.isEmpty()) {
                LOG.infof("all survivors of %s are in grace (%s)", self, survivors.isEmpty() ? "none" : survivors);
                return Optional.of(new Acks(survivors, survivors, Optional.of(clock.instant())));
            }
            if (!clock.instant().isBefore(deadline)) {
                Set<String> acked = new TreeSet<>(survivors);
                acked.removeAll(missing);
                LOG.warnf("grace_delay (%d s) ran out for %s: no grace acknowledgement from %s; going on",
                        params.graceDelay().toSeconds(), self, missing);
                return Optional.of(new Acks(survivors, acked, Optional.empty()));
            }
            synchronized (lock) {
                if (generation != startedAt) {
                    return Optional.empty();
                }
                try {
                    lock.wait(Math.max(1, Math.min(ackPoll.toMillis(),
                            Duration.between(clock.instant(), deadline).toMillis())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
                if (generation != startedAt) {
                    return Optional.empty();
                }
            }
        }
    }

    private void record(String direction, String epoch, Instant detected, Instant graceChanged, Acks acks,
            Optional<Instant> ganeshaChanged) {
        timelineSink.accept(new FailoverTimeline(direction, epoch, detected, graceChanged, acks.survivors(),
                acks.acknowledged(), acks.complete(), ganeshaChanged));
    }

    private long epochSequence;

    private String newEpoch() {
        // Unique per node and event (two events within one millisecond differ by the sequence);
        // only ever compared for equality.
        return clock.millis() + "." + (++epochSequence);
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
