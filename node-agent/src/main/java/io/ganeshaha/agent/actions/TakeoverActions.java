package io.ganeshaha.agent.actions;

import io.ganeshaha.agent.failover.GraceNotifier;
import io.ganeshaha.agent.instances.InstanceStore;
import io.ganeshaha.agent.ocf.OcfAgent;
import io.ganeshaha.agent.ocf.OcfConfigurationException;
import io.ganeshaha.agent.ocf.OcfExitCode;
import io.ganeshaha.agent.ocf.OcfParameters;
import io.ganeshaha.agent.ocf.OcfRequest;
import io.ganeshaha.agent.ocf.OcfResponse;
import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.failover.TakeoverGate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * ganesha_takeover: start on a node other than the virtual IPs' home puts the local nfsd into grace
 * for the home node before Pacemaker adds the addresses (the group's next members). It covers what
 * no notify covers: a whole node lost without fencing has its clone instances stopped with no stop
 * action, hence no post-stop notify.
 */
public final class TakeoverActions {

    private static final Logger LOG = Logger.getLogger(TakeoverActions.class);

    private final InstanceStore instances;
    private final GraceNotifier notifier;
    private final LocalNode localNode;
    private final TakeoverGate gate;
    private final Supplier<OcfParameters.Mon> monParameters;
    private final Clock clock;

    /**
     * @param monParameters ganesha_mon's parameters on this node (attribute names, grace_delay),
     *     GlusterFS's defaults before any mon started here
     */
    public TakeoverActions(InstanceStore instances, GraceNotifier notifier, LocalNode localNode, TakeoverGate gate,
            Supplier<OcfParameters.Mon> monParameters, Clock clock) {
        this.instances = instances;
        this.notifier = notifier;
        this.localNode = localNode;
        this.gate = gate;
        this.monParameters = monParameters;
        this.clock = clock;
    }

    public OcfResponse handle(OcfRequest request, String instance, Instant deadline)
            throws OcfConfigurationException, PacemakerCommandException {
        OcfParameters.Takeover parameters = OcfParameters.takeover(request);
        return switch (request.action()) {
            case "start" -> {
                instances.markStarted(OcfAgent.TAKEOVER, instance, Map.of("home_node", parameters.homeNode()));
                String self = request.onNode().orElse(localNode.name());
                if (self.equals(parameters.homeNode())) {
                    yield OcfResponse.of(OcfExitCode.SUCCESS);
                }
                GraceNotifier.Outcome outcome = notifier.takeOver(parameters.homeNode(), self, deadline);
                // Then every other serving peer, bounded by grace_delay: on node loss no notify
                // put them in grace, and a client of theirs must not take a lock the home node's
                // clients have yet to reclaim.
                OcfParameters.Mon mon = monParameters.get();
                Instant gateDeadline = min(deadline, clock.instant().plus(mon.graceDelay()));
                TakeoverGate.Outcome peers = gate.await(parameters.homeNode(), self, mon.ganeshaActive(),
                        mon.graceActive(), gateDeadline);
                if (peers.complete()) {
                    LOG.infof("takeover: %s", peers.describe(parameters.homeNode()));
                } else {
                    LOG.warnf("takeover: %s", peers.describe(parameters.homeNode()));
                }
                List<String> log = new ArrayList<>(outcome.logLines("takeover", self));
                log.add((peers.complete() ? "" : "WARNING: ") + "takeover: " + peers.describe(parameters.homeNode()));
                // Success either way: the addresses serve the clients even if grace failed, and
                // the failure is in the log.
                yield OcfResponse.of(OcfExitCode.SUCCESS).withLog(log);
            }
            case "stop" -> {
                instances.markStopped(OcfAgent.TAKEOVER, instance);
                yield OcfResponse.of(OcfExitCode.SUCCESS);
            }
            case "monitor" -> OcfResponse.of(instances.isStarted(OcfAgent.TAKEOVER, instance)
                    ? OcfExitCode.SUCCESS : OcfExitCode.NOT_RUNNING);
            case "validate-all" -> OcfResponse.of(OcfExitCode.SUCCESS);
            default -> OcfResponse.of(OcfExitCode.ERR_UNIMPLEMENTED, "ganesha_takeover has no action " + request.action());
        };
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
