package io.ganeshaha.operator.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.ganeshaha.api.v1alpha1.FailoverRecord;
import io.ganeshaha.api.v1alpha1.GaneshaClusterStatus;
import io.ganeshaha.api.v1alpha1.NodeStatus;
import io.ganeshaha.operator.status.StatusAggregator;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every event the operator records, each from the smallest change of status that gives it, and none without one. */
class ClusterEventsTest {

    private static Condition condition(String type, String status, String reason) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason)
                .withMessage(type + " " + reason).build();
    }

    private static NodeStatus node(String name, String nfsd) {
        NodeStatus n = new NodeStatus();
        n.setName(name);
        n.setPacemakerName("pcmk-" + name);
        n.setNfsd(nfsd);
        n.setGaneshaActive("SERVING".equals(nfsd));
        n.setGraceActive("SERVING".equals(nfsd));
        return n;
    }

    private static FailoverRecord failover(String direction, String epoch, boolean acknowledged) {
        FailoverRecord r = new FailoverRecord();
        r.setNode("a");
        r.setDirection(direction);
        r.setEpoch(epoch);
        r.setDetected("2026-01-01T00:00:00Z");
        r.setSurvivors(List.of("b"));
        r.setAcknowledged(acknowledged ? List.of("b") : List.of());
        r.setAcknowledgementsComplete(acknowledged ? "2026-01-01T00:00:00.300Z" : null);
        r.setGaneshaActiveChanged("2026-01-01T00:00:00.400Z");
        return r;
    }

    /** A status: the FailoverInProgress and Degraded conditions, the nodes' nfsd, and the last failover. */
    private static GaneshaClusterStatus status(String failoverReason, String degradedReason, String aNfsd,
            FailoverRecord last) {
        GaneshaClusterStatus s = new GaneshaClusterStatus();
        boolean failingOver = failoverReason.equals("AwaitingGrace") || failoverReason.equals("VirtualIpsMoving");
        List<Condition> conditions = new ArrayList<>();
        conditions.add(condition(StatusAggregator.FAILOVER_IN_PROGRESS, failingOver ? "True" : "False", failoverReason));
        conditions.add(condition(StatusAggregator.DEGRADED, degradedReason.equals("AsSpecified") ? "False" : "True",
                degradedReason));
        s.setConditions(conditions);
        s.setNodes(List.of(node("a", aNfsd), node("b", "SERVING")));
        s.setLastFailover(last);
        return s;
    }

    private static final GaneshaClusterStatus HEALTHY = status("NoFailover", "AsSpecified", "SERVING", null);

    /** A healthy status whose Fencing condition is {@code fencing} ({@code status/reason}). */
    private static GaneshaClusterStatus fencing(String fencing) {
        GaneshaClusterStatus s = status("NoFailover", "AsSpecified", "SERVING", null);
        String[] parts = fencing.split("/");
        s.getConditions().add(condition(StatusAggregator.FENCING, parts[0], parts[1]));
        return s;
    }

    static Stream<Arguments> changes() {
        FailoverRecord first = failover("failover", "1", true);
        return Stream.of(
                Arguments.of("nothing changed", HEALTHY, HEALTHY, List.of()),
                Arguments.of("a died", HEALTHY, status("AwaitingGrace", "NodeFailed", "DOWN", null),
                        List.of("Warning FailoverStarted", "Warning NodeFailed")),
                Arguments.of("a's VIP reached b", status("VirtualIpsMoving", "NodeFailed", "DOWN", null),
                        status("FailedOver", "NodeFailed", "DOWN", first),
                        List.of("Normal FailoverFinished", "Normal Failover")),
                Arguments.of("the failover was not acknowledged by every survivor", HEALTHY,
                        status("NoFailover", "AsSpecified", "SERVING", failover("failover", "2", false)),
                        List.of("Warning Failover")),
                Arguments.of("a serves again and its VIP came home", status("FailedOver", "NodeFailed", "DOWN", first),
                        status("NoFailover", "AsSpecified", "SERVING", failover("failback", "3", true)),
                        List.of("Normal Recovered", "Normal NodeRecovered", "Normal Failback")),
                Arguments.of("an agent went silent", HEALTHY, status("NoFailover", "AgentNotReporting", "SERVING", null),
                        List.of("Warning AgentNotReporting")),
                Arguments.of("another Degraded reason follows", status("NoFailover", "AgentNotReporting", "SERVING",
                        null), status("NoFailover", "NodeNotFound", "SERVING", null), List.of("Warning NodeNotFound")),
                Arguments.of("the agents find fencing off", fencing("Unknown/FencingNotReported"),
                        fencing("False/StonithDisabled"), List.of("Warning StonithDisabled")),
                Arguments.of("fencing off on the first report", HEALTHY, fencing("False/StonithDisabled"),
                        List.of("Warning StonithDisabled")),
                Arguments.of("fencing still off", fencing("False/StonithDisabled"), fencing("False/StonithDisabled"),
                        List.of()),
                Arguments.of("the administrator turned fencing on", fencing("False/StonithDisabled"),
                        fencing("True/StonithEnabled"), List.of("Normal StonithEnabled")),
                Arguments.of("fencing on, then unreadable: no news", fencing("True/StonithEnabled"),
                        fencing("Unknown/FencingNotReported"), List.of()),
                Arguments.of("the same last failover read again", status("NoFailover", "AsSpecified", "SERVING", first),
                        status("NoFailover", "AsSpecified", "SERVING", failover("failover", "1", true)), List.of()));
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("changes")
    void eachChangeGivesItsEvents(String name, GaneshaClusterStatus before, GaneshaClusterStatus after,
            List<String> events) {
        assertThat(ClusterEvents.changes(before, after)).extracting(c -> c.type() + " " + c.reason())
                .containsExactlyElementsOf(events);
        assertThat(ClusterEvents.changes(before, after)).allSatisfy(c -> assertThat(c.message()).isNotBlank());
    }

    @Test
    void everyEventHasACase() {
        Set<String> reasons = new LinkedHashSet<>();
        changes().forEach(arguments -> {
            @SuppressWarnings("unchecked")
            List<String> events = (List<String>) arguments.get()[3];
            events.forEach(e -> reasons.add(e.substring(e.indexOf(' ') + 1)));
        });
        assertThat(reasons).contains("FailoverStarted", "FailoverFinished", "NodeFailed", "NodeRecovered", "Recovered",
                "Failover", "Failback", "AgentNotReporting", "NodeNotFound", "StonithDisabled", "StonithEnabled");
    }
}
