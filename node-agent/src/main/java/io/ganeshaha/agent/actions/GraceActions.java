package io.ganeshaha.agent.actions;

import io.ganeshaha.agent.failover.GraceNotifier;
import io.ganeshaha.agent.failover.LocalAttributes;
import io.ganeshaha.agent.instances.InstanceStore;
import io.ganeshaha.agent.ocf.GraceDecisions;
import io.ganeshaha.agent.ocf.NotifyEvent;
import io.ganeshaha.agent.ocf.OcfAgent;
import io.ganeshaha.agent.ocf.OcfConfigurationException;
import io.ganeshaha.agent.ocf.OcfExitCode;
import io.ganeshaha.agent.ocf.OcfParameters;
import io.ganeshaha.agent.ocf.OcfRequest;
import io.ganeshaha.agent.ocf.OcfResponse;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/** ganesha_grace: answers from this node's grace-active attribute; its notify runs the survivor side. */
public final class GraceActions {

    /** How often a start waiting for grace-active (the start race) looks again. */
    private static final Duration START_POLL = Duration.ofMillis(100);

    private final InstanceStore instances;
    private final LocalAttributes attributes;
    private final GraceNotifier notifier;
    private final BooleanSupplier nfsdServing;
    private final BooleanSupplier monStarted;
    private final Clock clock;
    /** Per started instance: when its monitor first found grace-active gone. */
    private final Map<String, Instant> goneSince = new ConcurrentHashMap<>();

    public GraceActions(InstanceStore instances, LocalAttributes attributes, GraceNotifier notifier,
            BooleanSupplier nfsdServing, BooleanSupplier monStarted, Clock clock) {
        this.instances = instances;
        this.attributes = attributes;
        this.notifier = notifier;
        this.nfsdServing = nfsdServing;
        this.monStarted = monStarted;
        this.clock = clock;
    }

    public OcfResponse handle(OcfRequest request, String instance, Instant deadline)
            throws OcfConfigurationException, PacemakerCommandException {
        OcfParameters.Grace parameters = OcfParameters.grace(request);
        String graceActive = parameters.graceActive();
        return switch (request.action()) {
            case "start" -> start(request, instance, graceActive, deadline);
            case "stop" -> {
                goneSince.remove(instance);
                instances.markStopped(OcfAgent.GRACE, instance);
                yield OcfResponse.of(OcfExitCode.SUCCESS);
            }
            case "monitor" -> monitor(instance, graceActive);
            case "notify" -> notify(request, deadline);
            case "validate-all" -> OcfResponse.of(OcfExitCode.SUCCESS);
            default -> OcfResponse.of(OcfExitCode.ERR_UNIMPLEMENTED, "ganesha_grace has no action " + request.action());
        };
    }

    private OcfResponse monitor(String instance, String graceActive) throws PacemakerCommandException {
        if (!instances.isStarted(OcfAgent.GRACE, instance)) {
            goneSince.remove(instance);
            return OcfResponse.of(OcfExitCode.NOT_RUNNING);
        }
        if (isSet(graceActive)) {
            goneSince.remove(instance);
            return OcfResponse.of(OcfExitCode.SUCCESS);
        }
        Instant now = clock.instant();
        Duration goneFor = Duration.between(goneSince.computeIfAbsent(instance, i -> now), now);
        if (GraceDecisions.monitor(true, false, Optional.of(goneFor)) == OcfExitCode.SUCCESS) {
            return OcfResponse.of(OcfExitCode.SUCCESS).withLog(List.of(graceActive + " is gone on "
                    + attributes.nodeName() + ": running until Pacemaker stops this instance (the location rule)"));
        }
        return OcfResponse.of(OcfExitCode.NOT_RUNNING, graceActive + " is gone on " + attributes.nodeName()
                + " for " + goneFor.toSeconds() + " s: ganesha.nfsd there is not serving");
    }

    private OcfResponse start(OcfRequest request, String instance, String graceActive, Instant deadline)
            throws PacemakerCommandException {
        GraceDecisions.Start decision = GraceDecisions.start(isSet(graceActive), nfsdServing.getAsBoolean(),
                monStarted.getAsBoolean());
        while (decision == GraceDecisions.Start.WAIT_FOR_ATTRIBUTE && clock.instant().plus(START_POLL).isBefore(deadline)) {
            sleep(START_POLL);
            decision = GraceDecisions.start(attributes.reread(graceActive).filter("1"::equals).isPresent(),
                    nfsdServing.getAsBoolean(), monStarted.getAsBoolean());
        }
        if (decision != GraceDecisions.Start.SUCCESS) {
            return OcfResponse.of(OcfExitCode.NOT_RUNNING, graceActive + " is not set on " + attributes.nodeName()
                    + ": ganesha.nfsd there is not serving (or ganesha_mon is not running)");
        }
        goneSince.remove(instance);
        instances.markStarted(OcfAgent.GRACE, instance, OcfParameters.recorded(request, "grace_active"));
        return OcfResponse.of(OcfExitCode.SUCCESS);
    }

    private OcfResponse notify(OcfRequest request, Instant deadline) throws PacemakerCommandException {
        NotifyEvent event = NotifyEvent.from(request);
        String self = request.onNode().orElse(attributes.nodeName());
        GraceNotifier.Outcome outcome = notifier.handle(event, self, deadline);
        // Always success: Pacemaker ignores notify results anyway, and a failed notify must not
        // block the transition that moves the virtual IP. The outcome goes to the cluster log.
        return OcfResponse.of(OcfExitCode.SUCCESS).withLog(outcome.logLines(event.mode(), self));
    }

    private boolean isSet(String attribute) throws PacemakerCommandException {
        return attributes.get(attribute).filter("1"::equals).isPresent();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
