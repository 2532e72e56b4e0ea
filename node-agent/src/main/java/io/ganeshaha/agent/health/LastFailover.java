package io.ganeshaha.agent.health;

import io.ganeshaha.agent.failover.FailoverTimeline;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Where every finished failover and fail-back of this node ends up: counted on {@code /q/metrics}
 * ({@code ganesha_ha_failovers} by direction and whether every survivor acknowledged), and the last
 * one kept for readiness and the Kubernetes status.
 */
public final class LastFailover implements Consumer<FailoverTimeline> {

    private final MeterRegistry meters;
    private final AtomicReference<FailoverTimeline> last = new AtomicReference<>();

    public LastFailover(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public void accept(FailoverTimeline timeline) {
        last.set(timeline);
        meters.counter("ganesha_ha_failovers", "direction", timeline.direction(), "acknowledged",
                Boolean.toString(timeline.acksComplete().isPresent())).increment();
    }

    public Optional<FailoverTimeline> get() {
        return Optional.ofNullable(last.get());
    }
}
