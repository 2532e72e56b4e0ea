package io.ganeshaha.agent.health;

import io.ganeshaha.agent.NodeAgent;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the OCF socket listens and Pacemaker answers. nfsd's health is reported, not judged:
 * a node whose nfsd is down still needs its agent (to run the failover and to answer Pacemaker).
 */
@Readiness
@ApplicationScoped
public class AgentReadiness implements HealthCheck {

    private final NodeAgent agent;

    public AgentReadiness(NodeAgent agent) {
        this.agent = agent;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("ganesha-ha-agent")
                .status(agent.ready())
                .withData("pacemaker", agent.pacemakerState())
                .withData("nfsd", agent.nfsdHealth().name())
                .withData("hangDetection", agent.hangDetection())
                .withData("serverEpoch", agent.serverEpoch())
                .withData("systemBus", agent.busConnected() ? "connected" : "unavailable")
                .withData("lastFailover", agent.lastFailover().map(AgentReadiness::describe).orElse("none"))
                .withData("kubernetesMirror", agent.mirrorState())
                .withData("ocfEntryPoints", agent.entryPoints())
                .withData("pacemakerConfig", agent.pacemakerConfigState())
                .withData("fencing", agent.fencing())
                .build();
    }

    /** The last failover or fail-back of this node, in one line for whoever is on call. */
    static String describe(io.ganeshaha.agent.failover.FailoverTimeline t) {
        return t.direction() + " at " + t.detected() + ": grace attribute changed at " + t.graceAttributeChanged()
                + ", acknowledged by " + t.acknowledged() + " of " + t.survivors()
                + t.acksComplete().map(at -> " (all by " + at + ")").orElse(" (grace_delay ran out)")
                + t.ganeshaAttributeChanged().map(at -> ", ganesha attribute changed at " + at).orElse("");
    }
}
