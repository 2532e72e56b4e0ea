package io.ganeshaha.operator.status;

import static io.ganeshaha.operator.status.StatusAggregatorTest.STALE_AFTER;
import static io.ganeshaha.operator.status.StatusAggregatorTest.at;
import static io.ganeshaha.operator.status.StatusAggregatorTest.cluster;
import static io.ganeshaha.operator.status.StatusAggregatorTest.get;
import static io.ganeshaha.operator.status.StatusAggregatorTest.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterStatus;
import io.ganeshaha.api.v1alpha1.GaneshaNode;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every reason of every condition, each from the smallest situation that gives it: two members, a
 * (VIP 192.0.2.1) and b (192.0.2.2), reports written at 00:00:00 and read at 00:00:10 (stale 90 s
 * later). One more test makes sure no reason the aggregator can give is left without a case.
 */
class ConditionReasonsTest {

    private static final String NOW = "2026-01-01T00:00:10Z";
    private static final String SEEN = "2026-01-01T00:00:00Z";
    private static final String LONG_AGO = "2025-12-31T23:00:00Z";
    private static final AgentRollout ROLLED_OUT = new AgentRollout(2, 2, 2, true);
    private static final AgentRollout ROLLING = new AgentRollout(2, 1, 1, true);

    /** What the agents report, the DaemonSet, missing member nodes, and the CIB generation asked for. */
    record Situation(Map<String, GaneshaNode> reports, AgentRollout rollout, List<String> missing, long cibGeneration) {}

    private static Map<String, GaneshaNode> reports(GaneshaNode a, GaneshaNode b) {
        Map<String, GaneshaNode> reports = new HashMap<>();
        if (a != null) {
            reports.put("a", a);
        }
        if (b != null) {
            reports.put("b", b);
        }
        return reports;
    }

    private static GaneshaNode serving(String seen, String... vips) {
        return report("SERVING", true, true, seen, vips);
    }

    private static final GaneshaNode A_SERVING = serving(SEEN, "192.0.2.1");
    private static final GaneshaNode B_SERVING = serving(SEEN, "192.0.2.2");
    private static final GaneshaNode A_DOWN = report("DOWN", false, false, SEEN);
    private static final GaneshaNode B_TOOK_A = serving(SEEN, "192.0.2.1", "192.0.2.2");
    /** nfsd died on a: grace-active deleted, ganesha-active kept until the survivors are in grace. */
    private static final GaneshaNode A_AWAITING_GRACE = report("DOWN", true, false, SEEN, "192.0.2.1");

    /** A serving node whose agent read stonith-enabled as {@code fencing}. */
    private static GaneshaNode fencing(String fencing, String vip) {
        GaneshaNode n = serving(SEEN, vip);
        n.getStatus().setFencing(fencing);
        return n;
    }

    static Stream<Arguments> situations() {
        Situation healthy = new Situation(reports(A_SERVING, B_SERVING), ROLLED_OUT, List.of(), 1);
        return Stream.of(
                Arguments.of("healthy", healthy,
                        "AllVirtualIpsServed", "AsSpecified", "AgentsUpToDate", "NoFailover", "StonithEnabled"),
                Arguments.of("no agent reported yet", new Situation(reports(null, null), ROLLED_OUT, List.of(), 1),
                        "AwaitingAgents", "AsSpecified", "AwaitingAgents", "NoFailover", "FencingNotReported"),
                Arguments.of("agents rolling out", new Situation(reports(A_SERVING, B_SERVING), ROLLING, List.of(), 1),
                        "AllVirtualIpsServed", "AsSpecified", "RollingOutAgents", "NoFailover", "StonithEnabled"),
                Arguments.of("CIB behind the rendering", new Situation(reports(A_SERVING, B_SERVING), ROLLED_OUT,
                        List.of(), 2), "AllVirtualIpsServed", "AsSpecified", "ConfiguringPacemaker", "NoFailover",
                        "StonithEnabled"),
                Arguments.of("a member node unknown to Kubernetes", new Situation(reports(A_SERVING, B_SERVING),
                        ROLLED_OUT, List.of("spec.nodes[1].name: node b does not exist"), 1),
                        "AllVirtualIpsServed", "NodeNotFound", "AgentsUpToDate", "NoFailover", "StonithEnabled"),
                Arguments.of("a died, survivors entering grace", new Situation(reports(A_AWAITING_GRACE, B_SERVING),
                        ROLLED_OUT, List.of(), 1), "VirtualIpsUnserved", "NodeFailed", "AgentsUpToDate",
                        "AwaitingGrace", "StonithEnabled"),
                Arguments.of("a died, its VIP held by nobody", new Situation(reports(A_DOWN, B_SERVING), ROLLED_OUT,
                        List.of(), 1), "VirtualIpsUnserved", "NodeFailed", "AgentsUpToDate", "VirtualIpsMoving",
                        "StonithEnabled"),
                Arguments.of("a died, b took its VIP", new Situation(reports(A_DOWN, B_TOOK_A), ROLLED_OUT, List.of(),
                        1), "AllVirtualIpsServed", "NodeFailed", "AgentsUpToDate", "FailedOver", "StonithEnabled"),
                Arguments.of("a's agent silent", new Situation(reports(serving(LONG_AGO, "192.0.2.1"), B_SERVING),
                        ROLLED_OUT, List.of(), 1), "VirtualIpsUnserved", "AgentNotReporting", "AgentsUpToDate",
                        "VirtualIpsMoving", "StonithEnabled"),
                Arguments.of("stonith-enabled=false, as GlusterFS set it", new Situation(reports(
                        fencing("Disabled", "192.0.2.1"), fencing("Disabled", "192.0.2.2")), ROLLED_OUT, List.of(), 1),
                        "AllVirtualIpsServed", "AsSpecified", "AgentsUpToDate", "NoFailover", "StonithDisabled"),
                Arguments.of("stonith-enabled unreadable on both", new Situation(reports(
                        fencing("Unknown", "192.0.2.1"), fencing("Unknown", "192.0.2.2")), ROLLED_OUT, List.of(), 1),
                        "AllVirtualIpsServed", "AsSpecified", "AgentsUpToDate", "NoFailover", "FencingNotReported"));
    }

    @ParameterizedTest(name = "{0}: Ready {2}, Degraded {3}, Progressing {4}, FailoverInProgress {5}, Fencing {6}")
    @MethodSource("situations")
    void eachSituationGivesItsReasons(String name, Situation situation, String ready, String degraded,
            String progressing, String failover, String fencing) {
        GaneshaCluster c = cluster(1, null);
        StatusAggregator aggregator = at(NOW);
        GaneshaClusterStatus s = aggregator.applied(c, ClusterHealth.of(c, situation.reports(), aggregator.now(),
                STALE_AFTER), situation.rollout(), situation.missing(), situation.cibGeneration());

        assertThat(get(s, "Ready").getReason()).isEqualTo(ready);
        assertThat(get(s, "Degraded").getReason()).isEqualTo(degraded);
        assertThat(get(s, "Progressing").getReason()).isEqualTo(progressing);
        assertThat(get(s, "FailoverInProgress").getReason()).isEqualTo(failover);
        assertThat(get(s, "Fencing").getReason()).isEqualTo(fencing);
        assertThat(get(s, "Fencing").getStatus()).isEqualTo(switch (fencing) {
            case "StonithEnabled" -> "True";
            case "StonithDisabled" -> "False";
            default -> "Unknown";
        });
        assertThat(get(s, "Ready").getStatus()).isEqualTo(ready.equals("AllVirtualIpsServed") ? "True" : "False");
        assertThat(get(s, "Degraded").getStatus()).isEqualTo(degraded.equals("AsSpecified") ? "False" : "True");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("situations")
    void theMessageOfEveryConditionSaysSomething(String name, Situation situation) {
        GaneshaCluster c = cluster(1, null);
        StatusAggregator aggregator = at(NOW);
        GaneshaClusterStatus s = aggregator.applied(c, ClusterHealth.of(c, situation.reports(), aggregator.now(),
                STALE_AFTER), situation.rollout(), situation.missing(), situation.cibGeneration());
        assertThat(s.getConditions()).allSatisfy(condition -> assertThat(condition.getMessage()).isNotBlank());
    }

    @Test
    void everyReasonOfAnAppliedSpecHasACase() {
        Set<Object> covered = new LinkedHashSet<>();
        situations().forEach(arguments -> covered.addAll(List.of(arguments.get()).subList(2, 7)));
        // InvalidSpec and ReconcileFailed come from invalidSpec() and failed(), tested beside them.
        assertThat(covered).containsExactlyInAnyOrder(StatusAggregator.REASON_ALL_SERVED,
                StatusAggregator.REASON_UNSERVED, StatusAggregator.REASON_AWAITING_AGENTS,
                StatusAggregator.REASON_AS_SPECIFIED, StatusAggregator.REASON_NODE_NOT_FOUND,
                StatusAggregator.REASON_NODE_FAILED, StatusAggregator.REASON_AGENT_NOT_REPORTING,
                StatusAggregator.REASON_ROLLING_OUT, StatusAggregator.REASON_UP_TO_DATE,
                StatusAggregator.REASON_CONFIGURING_PACEMAKER, StatusAggregator.REASON_AWAITING_GRACE,
                StatusAggregator.REASON_VIPS_MOVING, StatusAggregator.REASON_FAILED_OVER,
                StatusAggregator.REASON_NO_FAILOVER, StatusAggregator.REASON_STONITH_ENABLED,
                StatusAggregator.REASON_STONITH_DISABLED, StatusAggregator.REASON_FENCING_NOT_REPORTED);
    }
}
