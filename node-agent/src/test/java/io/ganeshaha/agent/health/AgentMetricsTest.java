package io.ganeshaha.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.failover.FailoverTimeline;
import io.ganeshaha.agent.testing.FakeNfsdGrace;
import io.ganeshaha.agent.testing.Journal;
import io.ganeshaha.agent.watch.NfsdHealth;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AgentMetrics metrics = new AgentMetrics(registry);

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aFailoverIsCountedAndTimedFromDetectionAndFromTheGraceAttribute() {
        metrics.handover(new FailoverTimeline("failover", "1.1", T0, T0.plusMillis(800), Set.of("b", "c"),
                Set.of("b", "c"), Optional.of(T0.plusMillis(2300)), Optional.of(T0.plusMillis(2400))));

        assertThat(registry.get(AgentMetrics.FAILOVERS).tags("direction", "failover", "acknowledged", "true")
                .counter().count()).isEqualTo(1.0);
        Timer acks = registry.get(AgentMetrics.GRACE_ACKNOWLEDGEMENT).tag("direction", "failover").timer();
        assertThat(acks.totalTime(TimeUnit.MILLISECONDS)).as("grace-active changed -> all acknowledged")
                .isEqualTo(1500.0);
        Timer handover = registry.get(AgentMetrics.HANDOVER).tags("direction", "failover", "acknowledged", "true")
                .timer();
        assertThat(handover.totalTime(TimeUnit.MILLISECONDS)).as("detected -> ganesha-active moved").isEqualTo(2400.0);
        assertThat(acks.getId().getDescription()).isNotBlank();
        assertThat(registry.get(AgentMetrics.FAILOVERS).counter().getId().getDescription()).isNotBlank();
    }

    @Test
    void graceDelayRunningOutIsAHandoverWithoutAcknowledgementAndNoAcknowledgementTime() {
        metrics.handover(new FailoverTimeline("failover", "1.2", T0, T0.plusMillis(500), Set.of("b"), Set.of(),
                Optional.empty(), Optional.of(T0.plusSeconds(10))));

        assertThat(registry.find(AgentMetrics.GRACE_ACKNOWLEDGEMENT).timer()).isNull();
        assertThat(registry.get(AgentMetrics.HANDOVER).tags("acknowledged", "false").timer()
                .totalTime(TimeUnit.SECONDS)).isEqualTo(10.0);
    }

    @Test
    void nfsdStateIsOneGaugePerStateWithTheCurrentOneAtOne() {
        AtomicReference<NfsdHealth> health = new AtomicReference<>(NfsdHealth.SERVING);
        metrics.nfsd(health::get, () -> true);
        assertThat(registry.get(AgentMetrics.NFSD_STATE).tag("state", "SERVING").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get(AgentMetrics.NFSD_SERVING).gauge().value()).isEqualTo(1.0);

        health.set(NfsdHealth.HUNG);
        assertThat(registry.get(AgentMetrics.NFSD_STATE).tag("state", "HUNG").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get(AgentMetrics.NFSD_STATE).tag("state", "SERVING").gauge().value()).isEqualTo(0.0);
        assertThat(registry.get(AgentMetrics.NFSD_SERVING).gauge().value()).isEqualTo(0.0);
        assertThat(registry.get(AgentMetrics.NFSD_SERVING).gauge().getId().getDescription()).isNotBlank();
    }

    @Test
    void inGraceIsWhatNfsdLastAnsweredAndUnknownWhenItCannotBeAsked() throws Exception {
        metrics.nfsd(() -> NfsdHealth.SERVING, () -> true);
        FakeNfsdGrace nfsd = new FakeNfsdGrace("a", new Journal());
        boolean[] serving = {true};
        Runnable probe = metrics.inGraceProbe(nfsd, () -> serving[0], Duration.ofSeconds(1));
        assertThat(registry.get(AgentMetrics.NFSD_IN_GRACE).gauge().value()).as("before any answer").isNaN();

        probe.run();
        assertThat(registry.get(AgentMetrics.NFSD_IN_GRACE).gauge().value()).isEqualTo(0.0);
        nfsd.grace(5, "b", Duration.ofSeconds(1));
        probe.run();
        assertThat(registry.get(AgentMetrics.NFSD_IN_GRACE).gauge().value()).isEqualTo(1.0);

        nfsd.refuse("org.freedesktop.DBus.Error.NoReply");
        probe.run();
        assertThat(registry.get(AgentMetrics.NFSD_IN_GRACE).gauge().value()).as("the bus did not answer").isNaN();
        nfsd.refuse(null);
        serving[0] = false;
        probe.run();
        assertThat(registry.get(AgentMetrics.NFSD_IN_GRACE).gauge().value()).as("nfsd not serving").isNaN();
    }
}
