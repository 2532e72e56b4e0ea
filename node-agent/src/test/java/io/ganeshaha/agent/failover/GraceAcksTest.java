package io.ganeshaha.agent.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GraceAcksTest {

    @Test
    void anAckAddsOrReplacesOnePeersTokenAndKeepsTheOthers() {
        String v = GraceAcks.with("", "n2", "100.1");
        v = GraceAcks.with(v, "nfs-3.lab.example", "200.2");
        v = GraceAcks.with(v, "n2", "300.3");
        assertThat(GraceAcks.parse(v)).isEqualTo(Map.of("n2", "300.3", "nfs-3.lab.example", "200.2"));
    }

    @Test
    void onlyAnAckOfTheCurrentEpochCounts() {
        Map<String, String> acks = Map.of("n1", "n2=5.1", "n3", "n2=4.9 n4=5.1");
        assertThat(GraceAcks.missing(Set.of("n1", "n3"), acks, "n2", "5.1")).containsExactly("n3");
        assertThat(GraceAcks.missing(Set.of("n1", "n3", "n5"), acks, "n2", "4.9")).containsExactly("n1", "n5");
    }

    @Test
    void survivorsServeAndMayRunGraceAndAreNotTheLeavingNode() {
        Map<String, String> ganeshaActive = Map.of("n1", "1", "n2", "1", "n3", "1", "n4", "1");
        Map<String, String> graceActive = Map.of("n1", "1", "n2", "1", "n4", "0");
        assertThat(GraceAcks.survivors(ganeshaActive, graceActive, "n2")).containsExactly("n1");
    }

    @Test
    void garbageTokensAreIgnored() {
        assertThat(GraceAcks.parse("=1 n2= n3=7 junk")).isEqualTo(Map.of("n3", "7"));
        assertThat(GraceAcks.parse(null)).isEmpty();
    }

    private static final Instant NOW = Instant.parse("2026-12-01T00:00:10Z");

    @Test
    void theWaitIsOverWhenEverySurvivorAcknowledgedTheCurrentEpoch() {
        GraceAcks.Progress progress = GraceAcks.progress(Map.of("n1", "1", "n2", "1", "n3", "1"),
                Map.of("n1", "1", "n3", "1"), Map.of("n1", "n2=E", "n3", "n2=E n1=OLD"), "n2", "E", NOW,
                NOW.plusSeconds(5));
        assertThat(progress.survivors()).containsExactly("n1", "n3");
        assertThat(progress.complete()).isTrue();
        assertThat(progress.over()).isTrue();
        assertThat(progress.acknowledged()).containsExactly("n1", "n3");
    }

    @Test
    void aMissingAcknowledgementKeepsTheWaitGoingUntilTheDeadline() {
        Map<String, String> serving = Map.of("n1", "1", "n3", "1");
        Map<String, String> acks = Map.of("n1", "n2=E", "n3", "n2=EARLIER");
        GraceAcks.Progress before = GraceAcks.progress(serving, serving, acks, "n2", "E", NOW, NOW.plusMillis(1));
        assertThat(before.over()).isFalse();
        assertThat(before.missing()).containsExactly("n3");
        assertThat(before.acknowledged()).containsExactly("n1");

        GraceAcks.Progress at = GraceAcks.progress(serving, serving, acks, "n2", "E", NOW, NOW);
        assertThat(at.deadlinePassed()).isTrue();
        assertThat(at.complete()).isFalse();
        assertThat(at.over()).isTrue();
    }

    @Test
    void aPeerThatStoppedServingIsNoSurvivorToWaitFor() {
        GraceAcks.Progress progress = GraceAcks.progress(Map.of("n1", "1"), Map.of("n1", "1", "n3", "1"), Map.of(),
                "n2", "E", NOW, NOW.plusSeconds(5));
        assertThat(progress.survivors()).containsExactly("n1");
        assertThat(progress.missing()).containsExactly("n1");

        GraceAcks.Progress alone = GraceAcks.progress(Map.of("n2", "1"), Map.of("n2", "1"), Map.of(), "n2", "E", NOW,
                NOW.plusSeconds(5));
        assertThat(alone.survivors()).isEmpty();
        assertThat(alone.complete()).as("no survivor: nothing to wait for").isTrue();
    }
}
