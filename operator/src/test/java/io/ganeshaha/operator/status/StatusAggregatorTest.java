package io.ganeshaha.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {

    static GaneshaCluster cluster(long generation, GaneshaClusterStatus status) {
        GaneshaCluster c = new GaneshaCluster();
        c.setMetadata(new ObjectMetaBuilder().withName("c").withGeneration(generation).build());
        c.setStatus(status);
        return c;
    }

    static Condition get(GaneshaClusterStatus s, String type) {
        return s.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    static StatusAggregator at(String instant) {
        return new StatusAggregator(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
    }

    @Test
    void transitionTimeMovesOnlyWhenTheStatusChanges() {
        GaneshaClusterStatus first = at("2026-01-01T00:00:00Z").applied(cluster(1, null), "ok");
        assertThat(first.getObservedGeneration()).isEqualTo(1L);
        assertThat(get(first, "Ready").getStatus()).isEqualTo("True");

        GaneshaClusterStatus same = at("2026-01-01T01:00:00Z").applied(cluster(2, first), "ok");
        assertThat(same.getObservedGeneration()).isEqualTo(2L);
        assertThat(get(same, "Ready").getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");

        GaneshaClusterStatus bad = at("2026-01-01T02:00:00Z")
                .invalidSpec(cluster(3, same), "TooFewNodes", "spec.nodes: needs 2");
        assertThat(get(bad, "Ready").getStatus()).isEqualTo("False");
        assertThat(get(bad, "Ready").getLastTransitionTime()).isEqualTo("2026-01-01T02:00:00Z");
        assertThat(get(bad, "Degraded").getReason()).isEqualTo("TooFewNodes");
        assertThat(get(bad, "Degraded").getObservedGeneration()).isEqualTo(3L);
    }
}
