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
import java.time.Instant;
import java.util.Map;

/**
 * ganesha_takeover: start on a node other than the virtual IPs' home puts the local nfsd into grace
 * for the home node before Pacemaker adds the addresses (the group's next members). It covers what
 * no notify covers: a whole node lost without fencing has its clone instances stopped with no stop
 * action, hence no post-stop notify.
 */
public final class TakeoverActions {

    private final InstanceStore instances;
    private final GraceNotifier notifier;
    private final LocalNode localNode;

    public TakeoverActions(InstanceStore instances, GraceNotifier notifier, LocalNode localNode) {
        this.instances = instances;
        this.notifier = notifier;
        this.localNode = localNode;
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
                // Success either way: the addresses serve the clients even if grace failed, and
                // the failure is in the log.
                yield OcfResponse.of(OcfExitCode.SUCCESS).withLog(outcome.logLines("takeover", self));
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
}
