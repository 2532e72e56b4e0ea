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
import org.jboss.logging.Logger;

/**
 * Carries out one {@link MonStep}, the same sequence for both directions: publish a new epoch in
 * {@value GraceAcks#REQUEST_ATTRIBUTE}, move {@code grace-active}, await every survivor's
 * acknowledgement of that epoch (or {@code grace_delay}), move {@code ganesha-active}, and return
 * what happened as a {@link FailoverTimeline}. Effects only; what to do was decided by
 * {@link MonStep#next}, and when the wait is over by {@link GraceAcks#progress}.
 *
 * <p>A hang is decided again at every look of the wait: nodes hung by one stall of the shared
 * backend find it out up to a heartbeat period plus the hang timeout's jitter apart, so the peer
 * that served when this node looked may be hung by now. Once {@link MonStep#next} says
 * {@link MonStep.Kind#HOLD} the wait stops with {@code ganesha-active} where it is: the virtual IP
 * stays rather than moving to a node that cannot serve it either.
 */
final class Handover {

    private static final Logger LOG = Logger.getLogger(Handover.class);

    /**
     * How the executor waits between two looks at the acknowledgements. Answers false when the
     * step was superseded meanwhile (nfsd's health or mon's parameters changed): the executor then
     * stops, and the caller decides again from the new state.
     */
    @FunctionalInterface
    interface Pause {
        boolean pause(Duration atMost);
    }

    private final NodeAttributes attrd;
    private final LocalAttributes local;
    private final Clock clock;
    private final Duration ackPoll;
    private long epochSequence;

    Handover(NodeAttributes attrd, LocalAttributes local, Clock clock, Duration ackPoll) {
        this.attrd = attrd;
        this.local = local;
        this.clock = clock;
        this.ackPoll = ackPoll;
    }

    /**
     * Runs the step; the timeline of a begun and finished sequence, empty for anything else (nothing
     * to do, a finished interrupted sequence, or a sequence superseded midway).
     */
    Optional<FailoverTimeline> run(MonStep step, OcfParameters.Mon params, NfsdHealth why, Pause pause)
            throws PacemakerCommandException {
        return switch (step.kind()) {
            case NOTHING -> Optional.empty();
            case HOLD -> {
                hold(params);
                yield Optional.empty();
            }
            case BEGIN -> begin(step, params, why, pause);
            case FINISH -> {
                finish(step, params, why, pause);
                yield Optional.empty();
            }
        };
    }

    private Optional<FailoverTimeline> begin(MonStep step, OcfParameters.Mon params, NfsdHealth why, Pause pause)
            throws PacemakerCommandException {
        Direction direction = step.direction();
        String self = local.nodeName();
        Instant detected = clock.instant();
        String epoch = newEpoch();
        attrd.update(GraceAcks.REQUEST_ATTRIBUTE, epoch);
        direction.apply(local, params.graceActive());
        Instant graceChanged = clock.instant();
        LOG.infof("nfsd on %s is %s: %s; waiting up to %d s for survivors to enter grace before moving %s", self,
                why, direction.applied(params.graceActive()), params.graceDelay().toSeconds(), params.ganeshaActive());
        Optional<Awaited> acks = awaitAcks(params, epoch, why, pause);
        if (acks.isEmpty()) {
            return Optional.empty();
        }
        Optional<Instant> ganeshaChanged = Optional.empty();
        if (step.moveGaneshaActive()) {
            direction.apply(local, params.ganeshaActive());
            ganeshaChanged = Optional.of(clock.instant());
            LOG.infof("%s on %s: its virtual IP %s", direction.applied(params.ganeshaActive()), self,
                    direction == Direction.FAILOVER ? "moves to a survivor" : "comes home");
        }
        GraceAcks.Progress done = acks.get().progress();
        return Optional.of(new FailoverTimeline(direction.label(), epoch, detected, graceChanged, done.survivors(),
                done.acknowledged(), done.complete() ? Optional.of(acks.get().at()) : Optional.empty(),
                ganeshaChanged));
    }

    /**
     * Keeps the virtual IP here: {@code grace-active} is set again if a failover begun while a peer
     * still served had deleted it, so a peer serving later gets a failover of its own, with a new
     * epoch and a post-stop notify to acknowledge, not the rest of one its agent could not answer.
     */
    private void hold(OcfParameters.Mon params) throws PacemakerCommandException {
        if (local.reread(params.graceActive()).isEmpty()) {
            Direction.FAILBACK.apply(local, params.graceActive());
            LOG.warnf("nfsd on %s is HUNG and no peer that could take its virtual IP serves: %s and %s kept, "
                    + "the virtual IP stays", local.nodeName(), Direction.FAILBACK.applied(params.graceActive()),
                    params.ganeshaActive());
        }
    }

    /** An interrupted sequence: honour the acknowledgements of the epoch it had published. */
    private void finish(MonStep step, OcfParameters.Mon params, NfsdHealth why, Pause pause)
            throws PacemakerCommandException {
        String self = local.nodeName();
        Optional<String> epoch = attrd.query(GraceAcks.REQUEST_ATTRIBUTE, self);
        if (epoch.isPresent() && awaitAcks(params, epoch.get(), why, pause).isEmpty()) {
            return;
        }
        step.direction().apply(local, params.ganeshaActive());
        LOG.infof("nfsd on %s is %s: finished an interrupted %s: %s", self, why, step.direction().label(),
                step.direction().applied(params.ganeshaActive()));
    }

    /** How the wait ended, and when. */
    private record Awaited(GraceAcks.Progress progress, Instant at) {}

    /**
     * Looks at the survivors' acknowledgements every {@code ackPoll} until {@link GraceAcks#progress}
     * says the wait is over. Empty when the step was superseded meanwhile, or, for a hang, when no
     * peer that could take the virtual IP serves any more.
     */
    private Optional<Awaited> awaitAcks(OcfParameters.Mon params, String epoch, NfsdHealth health, Pause pause)
            throws PacemakerCommandException {
        String self = local.nodeName();
        Instant deadline = clock.instant().plus(params.graceDelay());
        List<String> names = health == NfsdHealth.HUNG
                ? List.of(params.ganeshaActive(), params.graceActive(), GraceAcks.ACK_ATTRIBUTE, MonStep.HUNG_ATTRIBUTE)
                : List.of(params.ganeshaActive(), params.graceActive(), GraceAcks.ACK_ATTRIBUTE);
        while (true) {
            // One look: every attribute it judges, read side by side.
            Map<String, Map<String, String>> look = attrd.queryAll(names);
            Map<String, String> ganeshaActive = look.get(params.ganeshaActive());
            Map<String, String> graceActive = look.get(params.graceActive());
            if (health == NfsdHealth.HUNG) {
                boolean servingPeer = !MonStep.servingPeers(ganeshaActive, graceActive,
                        look.get(MonStep.HUNG_ATTRIBUTE), self).isEmpty();
                MonStep now = MonStep.next(health, Optional.ofNullable(graceActive.get(self)),
                        Optional.ofNullable(ganeshaActive.get(self)), servingPeer);
                if (now.kind() == MonStep.Kind.HOLD) {
                    LOG.warnf("nfsd on %s is HUNG and every peer that could take its virtual IP is hung by now too",
                            self);
                    hold(params);
                    return Optional.empty();
                }
            }
            Map<String, String> acks = look.get(GraceAcks.ACK_ATTRIBUTE);
            Instant now = clock.instant();
            GraceAcks.Progress progress = GraceAcks.progress(ganeshaActive, graceActive, acks, self, epoch, now,
                    deadline);
            if (progress.complete()) {
                LOG.infof("all survivors of %s are in grace (%s)", self,
                        progress.survivors().isEmpty() ? "none" : progress.survivors());
                return Optional.of(new Awaited(progress, now));
            }
            if (progress.over()) {
                LOG.warnf("grace_delay (%d s) ran out for %s: no grace acknowledgement from %s; going on",
                        params.graceDelay().toSeconds(), self, progress.missing());
                return Optional.of(new Awaited(progress, now));
            }
            Duration left = Duration.between(clock.instant(), deadline);
            if (!pause.pause(Duration.ofMillis(Math.max(1, Math.min(ackPoll.toMillis(), left.toMillis()))))) {
                return Optional.empty();
            }
        }
    }

    private String newEpoch() {
        // Unique per node and event (two events within one millisecond differ by the sequence);
        // only ever compared for equality.
        return clock.millis() + "." + (++epochSequence);
    }
}
