package io.ganeshaha.agent.failover;

import static org.assertj.core.api.Assertions.assertThat;

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
}
