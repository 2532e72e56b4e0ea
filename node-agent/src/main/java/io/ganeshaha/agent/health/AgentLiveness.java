package io.ganeshaha.agent.health;

import io.ganeshaha.agent.NodeAgent;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the failover loop (ganesha_mon's work: the attributes that move the VIP) runs. Only
 * what a restart mends counts: Pacemaker or D-Bus being away makes the agent unready, not dead.
 */
@Liveness
@ApplicationScoped
public class AgentLiveness implements HealthCheck {

    private final NodeAgent agent;

    public AgentLiveness(NodeAgent agent) {
        this.agent = agent;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("ganesha-ha-failover-loop")
                .status(agent.live())
                .withData("stallLimitSeconds", NodeAgent.LOOP_STALL.toSeconds())
                .build();
    }
}
