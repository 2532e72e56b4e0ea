package io.ganeshaha.agent.actions;

import io.ganeshaha.agent.ocf.OcfConfigurationException;
import io.ganeshaha.agent.ocf.OcfExitCode;
import io.ganeshaha.agent.ocf.OcfProtocolException;
import io.ganeshaha.agent.ocf.OcfRequest;
import io.ganeshaha.agent.ocf.OcfResponse;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Turns one forwarded OCF call into an answer: parses it, routes it to the agent's actions, and
 * maps every failure to the exit code Pacemaker should see, with a reason naming what went wrong.
 */
public final class OcfDispatcher {

    private static final Logger LOG = Logger.getLogger(OcfDispatcher.class);
    /** Answer this long before Pacemaker's own timeout, so the entry point can still reply. */
    private static final Duration DEADLINE_MARGIN = Duration.ofSeconds(2);
    /** Answer this long before the entry point stops waiting (its budget_ms). */
    private static final Duration BUDGET_MARGIN = Duration.ofMillis(300);
    private static final Duration MIN_BUDGET = Duration.ofMillis(200);

    private final MonActions mon;
    private final GraceActions grace;
    private final NfsdActions nfsd;
    private final TakeoverActions takeover;
    private final Clock clock;
    /** The counter of served calls. */
    public static final String OCF_ACTIONS = "ganesha_ha_ocf_actions";

    private final MeterRegistry meters;

    public OcfDispatcher(MonActions mon, GraceActions grace, NfsdActions nfsd, TakeoverActions takeover, Clock clock,
            MeterRegistry meters) {
        this.takeover = takeover;
        this.mon = mon;
        this.grace = grace;
        this.nfsd = nfsd;
        this.clock = clock;
        this.meters = meters;
    }

    public OcfResponse dispatch(List<String> lines) {
        OcfRequest request;
        try {
            request = OcfRequest.parse(lines);
        } catch (OcfProtocolException e) {
            LOG.errorf("rejected a malformed request from an OCF entry point: %s", e.getMessage());
            return OcfResponse.of(OcfExitCode.ERR_GENERIC, "ganesha-ha agent rejected the request: " + e.getMessage());
        }
        String instance = request.resourceInstance().orElse(request.agent().agentName());
        OcfResponse response = answer(request, instance);
        io.micrometer.core.instrument.Counter.builder(OCF_ACTIONS)
                .description("Pacemaker's calls of the entry points served here, by agent, action and OCF exit code")
                .tags("agent", request.agent().agentName(), "action", request.action(), "exit",
                        Integer.toString(response.exitCode().code()))
                .register(meters).increment();
        if (!request.action().equals("monitor") || response.exitCode() != OcfExitCode.SUCCESS
                && response.exitCode() != OcfExitCode.NOT_RUNNING) {
            LOG.infof("%s %s (%s): %s%s", request.agent().agentName(), request.action(), instance,
                    response.exitCode(), response.reason().map(r -> ": " + r).orElse(""));
        }
        return response;
    }

    private OcfResponse answer(OcfRequest request, String instance) {
        Duration within = request.answerWithin();
        Duration margin = request.budget().isPresent() ? BUDGET_MARGIN : DEADLINE_MARGIN;
        Duration budget = within.minus(margin);
        Instant deadline = clock.instant().plus(budget.compareTo(MIN_BUDGET) < 0 ? MIN_BUDGET : budget);
        try {
            return switch (request.agent()) {
                case MON -> mon.handle(request, instance);
                case GRACE -> grace.handle(request, instance, deadline);
                case NFSD -> nfsd.handle(request);
                case TAKEOVER -> takeover.handle(request, instance, deadline);
            };
        } catch (OcfConfigurationException e) {
            return OcfResponse.of(OcfExitCode.ERR_CONFIGURED, e.getMessage());
        } catch (PacemakerCommandException e) {
            return OcfResponse.of(OcfExitCode.ERR_GENERIC, "Pacemaker did not answer: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s %s (%s) failed", request.agent().agentName(), request.action(), instance);
            return OcfResponse.of(OcfExitCode.ERR_GENERIC, "ganesha-ha agent failed: " + e);
        }
    }
}
