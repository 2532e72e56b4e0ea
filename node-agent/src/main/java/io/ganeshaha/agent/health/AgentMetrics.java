package io.ganeshaha.agent.health;

import io.ganeshaha.agent.failover.FailoverTimeline;
import io.ganeshaha.agent.failover.NfsdGrace;
import io.ganeshaha.agent.watch.NfsdHealth;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * What the agent puts on {@code /q/metrics} for alerting, each with its help text: nfsd's state
 * and whether it is in grace, the bus, and how long each failover and fail-back of this node took
 * (its survivors' grace acknowledgements, and the whole handover). The names are the ones the Helm
 * chart's alert rules use ({@code helm/ganesha-ha/templates/monitoring/}).
 */
public final class AgentMetrics {

    public static final String NFSD_SERVING = "ganesha_ha_nfsd_serving";
    public static final String NFSD_STATE = "ganesha_ha_nfsd_state";
    public static final String NFSD_IN_GRACE = "ganesha_ha_nfsd_in_grace";
    public static final String DBUS_CONNECTED = "ganesha_ha_dbus_connected";
    public static final String FAILOVERS = "ganesha_ha_failovers";
    public static final String GRACE_ACKNOWLEDGEMENT = "ganesha_ha_grace_acknowledgement";
    public static final String HANDOVER = "ganesha_ha_handover";

    /** Histogram buckets: a failover here takes seconds; grace_delay bounds it at up to 300 s. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)};

    private final MeterRegistry meters;
    private final AtomicReference<Optional<Boolean>> inGrace = new AtomicReference<>(Optional.empty());

    public AgentMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** nfsd's health as the watch judges it, and the bus it is watched over. */
    public void nfsd(Supplier<NfsdHealth> health, Supplier<Boolean> busConnected) {
        Gauge.builder(NFSD_SERVING, () -> health.get() == NfsdHealth.SERVING ? 1 : 0)
                .description("1 while the local ganesha.nfsd serves (running, on its bus, beating), else 0")
                .register(meters);
        for (NfsdHealth state : NfsdHealth.values()) {
            Gauge.builder(NFSD_STATE, () -> health.get() == state ? 1 : 0).tag("state", state.name())
                    .description("1 for the local ganesha.nfsd's current state as the agent judges it")
                    .register(meters);
        }
        Gauge.builder(NFSD_IN_GRACE, () -> inGrace.get().map(g -> g ? 1.0 : 0.0).orElse(Double.NaN))
                .description("1 while the local ganesha.nfsd is in NFS grace (D-Bus get_grace, asked every few "
                        + "seconds while it serves), 0 when not, NaN when it cannot be asked")
                .register(meters);
        Gauge.builder(DBUS_CONNECTED, () -> busConnected.get() ? 1 : 0)
                .description("1 while the agent is connected to the system bus ganesha.nfsd is on").register(meters);
    }

    /** Asks nfsd whether it is in grace, for {@link #NFSD_IN_GRACE}; unknown unless it serves. */
    public Runnable inGraceProbe(NfsdGrace grace, Supplier<Boolean> serving, Duration timeout) {
        return () -> {
            if (!serving.get()) {
                inGrace.set(Optional.empty());
                return;
            }
            try {
                inGrace.set(Optional.of(grace.inGrace(timeout)));
            } catch (NfsdGrace.GraceFailure | RuntimeException e) {
                inGrace.set(Optional.empty());
            }
        };
    }

    /** One finished failover or fail-back of this node. */
    public void handover(FailoverTimeline t) {
        String acknowledged = Boolean.toString(t.acksComplete().isPresent());
        io.micrometer.core.instrument.Counter.builder(FAILOVERS)
                .description("Failovers and fail-backs of this node, by direction and whether every survivor "
                        + "acknowledged grace before the virtual IP moved (false: grace_delay ran out)")
                .tags("direction", t.direction(), "acknowledged", acknowledged).register(meters).increment();
        t.acksComplete().ifPresent(done -> Timer.builder(GRACE_ACKNOWLEDGEMENT)
                .description("From this node changing grace-active to every survivor's acknowledgement that its "
                        + "nfsd is in grace")
                .tag("direction", t.direction()).serviceLevelObjectives(BUCKETS).register(meters)
                .record(Duration.between(t.graceAttributeChanged(), done)));
        t.ganeshaAttributeChanged().ifPresent(moved -> Timer.builder(HANDOVER)
                .description("From nfsd's death, hang or return being detected to ganesha-active moving, which "
                        + "moves the virtual IP; acknowledged=false when grace_delay ran out first")
                .tags("direction", t.direction(), "acknowledged", acknowledged).serviceLevelObjectives(BUCKETS)
                .register(meters).record(Duration.between(t.detected(), moved)));
    }
}
