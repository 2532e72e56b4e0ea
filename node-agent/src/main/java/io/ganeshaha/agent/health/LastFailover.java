package io.ganeshaha.agent.health;

import io.ganeshaha.agent.failover.FailoverTimeline;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Where every finished failover and fail-back of this node ends up: counted and timed on
 * {@code /q/metrics} ({@link AgentMetrics#handover}), and the last one kept for readiness and the
 * Kubernetes status.
 */
public final class LastFailover implements Consumer<FailoverTimeline> {

    private final AgentMetrics metrics;
    private final AtomicReference<FailoverTimeline> last = new AtomicReference<>();

    public LastFailover(AgentMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void accept(FailoverTimeline timeline) {
        last.set(timeline);
        metrics.handover(timeline);
    }

    public Optional<FailoverTimeline> get() {
        return Optional.ofNullable(last.get());
    }
}
