package io.ganeshaha.agent.actions;

import io.ganeshaha.agent.failover.LocalAttributes;
import io.ganeshaha.agent.failover.MonController;
import io.ganeshaha.agent.instances.InstanceStore;
import io.ganeshaha.agent.ocf.OcfAgent;
import io.ganeshaha.agent.ocf.OcfConfigurationException;
import io.ganeshaha.agent.ocf.OcfExitCode;
import io.ganeshaha.agent.ocf.OcfParameters;
import io.ganeshaha.agent.ocf.OcfRequest;
import io.ganeshaha.agent.ocf.OcfResponse;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import java.util.Map;
import java.util.Optional;

/**
 * ganesha_mon. The work (watching nfsd, changing the attributes in order) is done continuously by
 * {@link MonController}; the OCF actions only switch it on and off and report that it runs. The
 * monitor never fails because nfsd died: the attributes do that work, as in GlusterFS's ganesha_mon.
 */
public final class MonActions {

    private final InstanceStore instances;
    private final MonController controller;
    private final LocalAttributes attributes;

    public MonActions(InstanceStore instances, MonController controller, LocalAttributes attributes) {
        this.instances = instances;
        this.controller = controller;
        this.attributes = attributes;
    }

    /** After an agent restart: resume the mon that Pacemaker had started, with its parameters. */
    public void resume() {
        Map<String, Map<String, String>> started = instances.started(OcfAgent.MON);
        for (Map<String, String> parameters : started.values()) {
            try {
                controller.configure(Optional.of(OcfParameters.mon(OcfParameters.Source.of(parameters))));
                return;
            } catch (OcfConfigurationException e) {
                // recorded parameters were validated when recorded; an unreadable record is skipped
            }
        }
        controller.configure(Optional.empty());
    }

    public OcfResponse handle(OcfRequest request, String instance)
            throws OcfConfigurationException, PacemakerCommandException {
        OcfParameters.Mon parameters = OcfParameters.mon(request);
        return switch (request.action()) {
            case "start" -> {
                // Started only where Pacemaker answers: the attributes it would own could not move.
                attributes.reread(parameters.graceActive());
                instances.markStarted(OcfAgent.MON, instance, OcfParameters.recorded(request, OcfParameters.MON_PARAMETERS));
                controller.configure(Optional.of(parameters));
                yield OcfResponse.of(OcfExitCode.SUCCESS);
            }
            case "stop" -> {
                instances.markStopped(OcfAgent.MON, instance);
                resume();
                yield OcfResponse.of(OcfExitCode.SUCCESS);
            }
            case "monitor" -> {
                if (!instances.isStarted(OcfAgent.MON, instance)) {
                    yield OcfResponse.of(OcfExitCode.NOT_RUNNING);
                }
                // A parameter change in the CIB reaches us through the next monitor.
                controller.configure(Optional.of(parameters));
                yield OcfResponse.of(OcfExitCode.SUCCESS);
            }
            case "validate-all" -> OcfResponse.of(OcfExitCode.SUCCESS);
            default -> OcfResponse.of(OcfExitCode.ERR_UNIMPLEMENTED, "ganesha_mon has no action " + request.action());
        };
    }
}
