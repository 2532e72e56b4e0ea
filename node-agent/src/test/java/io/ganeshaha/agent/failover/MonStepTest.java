package io.ganeshaha.agent.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.failover.MonStep.Kind;
import io.ganeshaha.agent.watch.NfsdHealth;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MonStepTest {

    /** "-" is an attribute not set on this node (deleted, or never set). */
    @ParameterizedTest(name = "nfsd {0}, grace-active {1}, ganesha-active {2} -> {3} {4}, move ganesha-active {5}")
    @CsvSource({
        // serving: both attributes must be 1, grace-active first
        "SERVING, 1, 1, NOTHING, FAILBACK, false",
        "SERVING, -, -, BEGIN,   FAILBACK, true",
        "SERVING, -, 1, BEGIN,   FAILBACK, false",   // ganesha-active never left: only grace-active comes back
        "SERVING, 0, -, BEGIN,   FAILBACK, true",    // a value other than 1 counts as not set
        "SERVING, 1, -, FINISH,  FAILBACK, true",    // interrupted fail-back (or ganesha-active lost)
        "SERVING, 1, 0, FINISH,  FAILBACK, true",
        // down or hung: both attributes must go, grace-active first
        "DOWN,    1, 1, BEGIN,   FAILOVER, true",
        "HUNG,    1, 1, BEGIN,   FAILOVER, true",
        "DOWN,    0, 1, BEGIN,   FAILOVER, true",    // any value of grace-active is still a value
        "DOWN,    1, -, BEGIN,   FAILOVER, false",
        "DOWN,    -, 1, FINISH,  FAILOVER, true",    // interrupted failover: only ganesha-active is left
        "HUNG,    -, 1, FINISH,  FAILOVER, true",
        "DOWN,    -, -, NOTHING, FAILOVER, false",
    })
    void decidesFromHealthAndBothAttributes(NfsdHealth health, String grace, String ganesha, Kind kind,
            Direction direction, boolean moveGaneshaActive) {
        MonStep step = MonStep.next(health, attribute(grace), attribute(ganesha));
        assertThat(step).isEqualTo(new MonStep(kind, direction, moveGaneshaActive));
    }

    @ParameterizedTest(name = "nfsd {0}, grace-active {1}, ganesha-active {2}, no serving peer -> {3}")
    @CsvSource({
        "HUNG,    1, 1, HOLD",      // nobody could take the VIP: keep it
        "HUNG,    -, 1, HOLD",      // a begun release stops short of moving the VIP
        "HUNG,    -, -, NOTHING",   // already gone: nothing to hold
        "DOWN,    1, 1, BEGIN",     // a dead nfsd serves nobody: its VIP goes whatever the peers
        "SERVING, -, -, BEGIN",
    })
    void aHungNodeHoldsOnlyWhenNoPeerServes(NfsdHealth health, String grace, String ganesha, Kind kind) {
        assertThat(MonStep.next(health, attribute(grace), attribute(ganesha), false).kind()).isEqualTo(kind);
        assertThat(MonStep.next(health, attribute(grace), attribute(ganesha), true).kind())
                .isEqualTo(MonStep.next(health, attribute(grace), attribute(ganesha)).kind());
    }

    @org.junit.jupiter.api.Test
    void servingPeersHaveBothAttributesAndNoHangMark() {
        var ganesha = java.util.Map.of("n1", "1", "n2", "1", "n3", "1", "n4", "1");
        var grace = java.util.Map.of("n1", "1", "n2", "1", "n3", "1");
        var hung = java.util.Map.of("n2", "1", "n3", "");
        assertThat(MonStep.servingPeers(ganesha, grace, hung, "n1")).as("n2 hung, n4 without grace-active")
                .containsExactly("n3");
        assertThat(MonStep.servingPeers(ganesha, grace, java.util.Map.of("n3", "1"), "n2")).containsExactly("n1");
    }

    private static Optional<String> attribute(String value) {
        return value.equals("-") ? Optional.empty() : Optional.of(value);
    }
}
