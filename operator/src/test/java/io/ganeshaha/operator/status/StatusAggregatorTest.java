package io.ganeshaha.operator.status;

import io.ganeshaha.api.v1alpha1.MemberNodeBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpecBuilder;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpec;
import io.ganeshaha.api.v1alpha1.GaneshaClusterStatus;
import io.ganeshaha.api.v1alpha1.GaneshaNode;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.api.v1alpha1.NodeObservation;
import io.ganeshaha.api.v1alpha1.VirtualIpSpec;
import io.ganeshaha.operator.events.ClusterEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status and events derived from the agents' reports, without an API server. */
class StatusAggregatorTest {

    static final Duration STALE_AFTER = Duration.ofSeconds(90);
    static final AgentRollout ROLLED_OUT = new AgentRollout(2, 2, 2, true);

    static GaneshaCluster cluster(long generation, GaneshaClusterStatus status) {
        GaneshaCluster c = new GaneshaCluster(new ObjectMetaBuilder().withName("c").withGeneration(generation).build(),
                new GaneshaClusterSpecBuilder().withNodes(member("a", "192.0.2.1"), member("b", "192.0.2.2")).build());
        c.setStatus(status);
        return c;
    }

    static MemberNode member(String name, String vip) {
        return new MemberNodeBuilder().withName(name).addNewVirtualIp().withAddress(vip).withPrefixLength(24)
                .endVirtualIp().build();
    }

    static GaneshaNode report(String nfsd, boolean ganeshaActive, boolean graceActive, String seen, String... vips) {
        GaneshaNode n = new GaneshaNode();
        NodeObservation o = new NodeObservation();
        o.setNfsd(nfsd);
        o.setGaneshaActive(ganeshaActive);
        o.setGraceActive(graceActive);
        o.setAgentReady(true);
        o.setLastSeen(seen);
        o.setPacemakerConfigGeneration(1L);
        o.setFencing(NodeObservation.FENCING_ENABLED);
        o.setVirtualIps(new ArrayList<>(List.of(vips)));
        n.setStatus(o);
        return n;
    }

    static Condition get(GaneshaClusterStatus s, String type) {
        return s.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    static StatusAggregator at(String instant) {
        return new StatusAggregator(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
    }

    static GaneshaClusterStatus applied(String now, GaneshaCluster c, Map<String, GaneshaNode> reports) {
        StatusAggregator aggregator = at(now);
        return aggregator.applied(c, ClusterHealth.of(c, reports, aggregator.now(), STALE_AFTER), ROLLED_OUT, List.of(), 1L);
    }

    static Map<String, GaneshaNode> bothServing(String seen) {
        Map<String, GaneshaNode> reports = new HashMap<>();
        reports.put("a", report("SERVING", true, true, seen, "192.0.2.1"));
        reports.put("b", report("SERVING", true, true, seen, "192.0.2.2"));
        return reports;
    }

    @Test
    void transitionTimeMovesOnlyWhenTheStatusChanges() {
        GaneshaClusterStatus first = applied("2026-01-01T00:00:00Z", cluster(1, null), bothServing("2026-01-01T00:00:00Z"));
        assertThat(first.getObservedGeneration()).isEqualTo(1L);
        assertThat(get(first, "Ready").getStatus()).isEqualTo("True");

        GaneshaClusterStatus same = applied("2026-01-01T00:01:00Z", cluster(2, first), bothServing("2026-01-01T00:00:50Z"));
        assertThat(same.getObservedGeneration()).isEqualTo(2L);
        assertThat(get(same, "Ready").getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");

        GaneshaClusterStatus bad = at("2026-01-01T02:00:00Z")
                .invalidSpec(cluster(3, same), "TooFewNodes", "spec.nodes: needs 2");
        assertThat(get(bad, "Ready").getStatus()).isEqualTo("False");
        assertThat(get(bad, "Ready").getLastTransitionTime()).isEqualTo("2026-01-01T02:00:00Z");
        assertThat(get(bad, "Degraded").getReason()).isEqualTo("TooFewNodes");
        assertThat(get(bad, "Degraded").getObservedGeneration()).isEqualTo(3L);
        assertThat(get(bad, "FailoverInProgress").getStatus()).as("carried over").isEqualTo("False");
        assertThat(bad.getNodes()).as("node entries carried over").hasSize(2);
    }

    /**
     * A stall of the shared backend hangs every nfsd: each node holds its VIP (no peer could take
     * it), so every VIP is placed, yet nobody serves: Degraded names the hung nodes, Ready is False.
     */
    @Test
    void everyNodeHungAndHoldingItsVipIsDegradedAndNotReady() {
        Map<String, GaneshaNode> reports = new HashMap<>();
        reports.put("a", report("HUNG", true, true, "2026-01-01T00:00:00Z", "192.0.2.1"));
        reports.put("b", report("HUNG", true, true, "2026-01-01T00:00:00Z", "192.0.2.2"));
        GaneshaClusterStatus s = applied("2026-01-01T00:00:05Z", cluster(1, null), reports);
        assertThat(get(s, "Degraded").getStatus()).isEqualTo("True");
        assertThat(get(s, "Degraded").getReason()).isEqualTo("NodeFailed");
        assertThat(get(s, "Degraded").getMessage()).contains("a (nfsd HUNG").contains("b (nfsd HUNG");
        assertThat(get(s, "Ready").getStatus()).isEqualTo("False");
        assertThat(s.getVirtualIpPlacement()).as("every VIP still placed").contains("192.0.2.1=a").contains("192.0.2.2=b");
    }

    @Test
    void aVipHeldByTwoNodesIsNotServed() {
        Map<String, GaneshaNode> reports = bothServing("2026-01-01T00:00:00Z");
        reports.put("b", report("SERVING", true, true, "2026-01-01T00:00:00Z", "192.0.2.1", "192.0.2.2"));
        GaneshaClusterStatus s = applied("2026-01-01T00:00:10Z", cluster(1, null), reports);
        assertThat(get(s, "Ready").getReason()).isEqualTo("VirtualIpsUnserved");
        assertThat(s.getVirtualIpPlacement()).isEqualTo("192.0.2.1=a+b,192.0.2.2=b");
    }

    @Test
    void aFailedNodeWhoseVipNobodyHoldsIsAFailoverInProgressThenFailedOver() {
        GaneshaCluster c = cluster(1, null);
        Map<String, GaneshaNode> reports = bothServing("2026-01-01T00:00:00Z");
        GaneshaClusterStatus serving = applied("2026-01-01T00:00:01Z", c, reports);

        reports.put("a", report("DOWN", false, false, "2026-01-01T00:00:02Z"));
        c.setStatus(serving);
        GaneshaClusterStatus moving = applied("2026-01-01T00:00:02Z", c, reports);
        assertThat(get(moving, "FailoverInProgress").getReason()).isEqualTo("VirtualIpsMoving");
        assertThat(get(moving, "FailoverInProgress").getMessage()).contains("192.0.2.1");
        assertThat(ClusterEvents.changes(serving, moving)).extracting(ClusterEvents.Change::reason)
                .containsExactly("FailoverStarted", "NodeFailed");

        reports.put("b", report("SERVING", true, true, "2026-01-01T00:00:03Z", "192.0.2.1", "192.0.2.2"));
        c.setStatus(moving);
        GaneshaClusterStatus done = applied("2026-01-01T00:00:03Z", c, reports);
        assertThat(get(done, "FailoverInProgress").getReason()).isEqualTo("FailedOver");
        assertThat(get(done, "Ready").getStatus()).isEqualTo("True");
        assertThat(get(done, "Degraded").getReason()).isEqualTo("NodeFailed");
        assertThat(ClusterEvents.changes(moving, done)).extracting(ClusterEvents.Change::reason)
                .containsExactly("FailoverFinished");
        assertThat(ClusterEvents.changes(done, done)).as("no change, no event").isEmpty();
    }

    @Test
    void progressingUntilTheAgentsWroteTheRenderingIntoTheCib() {
        GaneshaCluster c = cluster(2, null);
        StatusAggregator aggregator = at("2026-01-01T00:00:10Z");
        GaneshaClusterStatus s = aggregator.applied(c, ClusterHealth.of(c, bothServing("2026-01-01T00:00:00Z"),
                aggregator.now(), STALE_AFTER), ROLLED_OUT, List.of(), 2L);
        assertThat(get(s, "Progressing").getReason()).isEqualTo("ConfiguringPacemaker");
        assertThat(get(s, "Progressing").getMessage()).contains("from generation 1").contains("generation 2");
    }

    @Test
    void aFailbackIsAnEventOnlyWhenItHandsSomethingBack() {
        GaneshaClusterStatus before = new GaneshaClusterStatus();
        GaneshaClusterStatus after = new GaneshaClusterStatus();
        io.ganeshaha.api.v1alpha1.FailoverRecord start = new io.ganeshaha.api.v1alpha1.FailoverRecord();
        start.setNode("a");
        start.setDirection("failback");
        start.setEpoch("1");
        start.setDetected("2026-01-01T00:00:00Z");
        start.setGaneshaActiveChanged("2026-01-01T00:00:01Z");
        after.setLastFailover(start);
        assertThat(ClusterEvents.changes(before, after)).as("the first start of a node").isEmpty();

        start.setSurvivors(List.of("b"));
        start.setAcknowledged(List.of("b"));
        start.setAcknowledgementsComplete("2026-01-01T00:00:00.500Z");
        assertThat(ClusterEvents.changes(before, after)).singleElement().satisfies(c -> {
            assertThat(c.reason()).isEqualTo("Failback");
            assertThat(c.type()).isEqualTo("Normal");
            assertThat(c.message()).contains("in grace: [b] of [b] (all by");
        });
    }

    @Test
    void fencingOffOnOneMemberIsFencingFalseAndLeavesReadyAlone() {
        Map<String, GaneshaNode> reports = bothServing("2026-01-01T00:00:00Z");
        reports.get("b").getStatus().setFencing(NodeObservation.FENCING_DISABLED);
        GaneshaClusterStatus s = applied("2026-01-01T00:00:10Z", cluster(1, null), reports);
        assertThat(get(s, "Fencing").getStatus()).isEqualTo("False");
        assertThat(get(s, "Fencing").getReason()).isEqualTo("StonithDisabled");
        assertThat(get(s, "Fencing").getMessage()).contains("stonith-enabled=false, as read on b")
                .contains("takeover gate and NFS grace").contains("only cut off keeps serving");
        assertThat(get(s, "Ready").getStatus()).as("the service is as it was").isEqualTo("True");
        assertThat(get(s, "Degraded").getStatus()).isEqualTo("False");
        assertThat(s.getNodes()).extracting(n -> n.getName() + "=" + n.getFencing()).containsExactly("a=Enabled",
                "b=Disabled");
    }

    @Test
    void fencingIsUnknownWhileNoFreshAgentCouldReadIt() {
        Map<String, GaneshaNode> reports = bothServing("2026-01-01T00:00:00Z");
        reports.get("a").getStatus().setFencing(NodeObservation.FENCING_UNKNOWN);
        reports.get("b").getStatus().setFencing(null);
        GaneshaClusterStatus s = applied("2026-01-01T00:00:10Z", cluster(1, null), reports);
        assertThat(get(s, "Fencing").getStatus()).isEqualTo("Unknown");
        assertThat(get(s, "Fencing").getReason()).isEqualTo("FencingNotReported");

        reports.get("a").getStatus().setFencing(NodeObservation.FENCING_DISABLED);
        GaneshaClusterStatus later = applied("2026-01-01T00:05:00Z", cluster(1, null), reports);
        assertThat(get(later, "Fencing").getStatus()).as("a stale report is not trusted").isEqualTo("Unknown");
    }

    @Test
    void aReportOlderThanStaleAfterIsNotTrusted() {
        GaneshaClusterStatus s = applied("2026-01-01T00:05:00Z", cluster(1, null), bothServing("2026-01-01T00:00:00Z"));
        assertThat(get(s, "Degraded").getReason()).isEqualTo("AgentNotReporting");
        assertThat(get(s, "Ready").getStatus()).isEqualTo("False");
        assertThat(s.getReadyNodes()).isEqualTo("0/2");
        assertThat(s.getVirtualIpPlacement()).isEqualTo("192.0.2.1=none,192.0.2.2=none");
    }

    static void exports(GaneshaNode node, Long applied, Long desired, int served, String... refusals) {
        io.ganeshaha.api.v1alpha1.NodeExports e = new io.ganeshaha.api.v1alpha1.NodeExports();
        e.setAppliedGeneration(applied);
        e.setDesiredGeneration(desired);
        e.setServed(served);
        for (String refusal : refusals) {
            String[] idAndMessage = refusal.split("=", 2);
            e.getRefused().add(new io.ganeshaha.api.v1alpha1.ExportRefusal(Integer.valueOf(idAndMessage[0]),
                    idAndMessage[1]));
        }
        node.getStatus().setExports(e);
    }

    @Test
    void exportsAreAppliedOnceEveryMemberServesThoseOfThisGenerationAndARefusalDegradesTheCluster() {
        GaneshaCluster c = cluster(3, null);
        c.getSpec().setExports(new ArrayList<>(List.of(new io.ganeshaha.api.v1alpha1.ExportSpecBuilder().withExportId(2)
                .withPath("/srv/a").withPseudo("/a").build())));
        Map<String, GaneshaNode> reports = bothServing("2026-01-01T00:00:00Z");
        exports(reports.get("a"), 3L, 3L, 1);
        exports(reports.get("b"), 2L, 2L, 1);

        GaneshaClusterStatus applying = applied("2026-01-01T00:00:10Z", c, reports);
        assertThat(get(applying, "ExportsApplied").getStatus()).isEqualTo("False");
        assertThat(get(applying, "ExportsApplied").getReason()).isEqualTo("ApplyingExports");
        assertThat(get(applying, "ExportsApplied").getMessage())
                .isEqualTo("The exports of generation 3 are not served yet on b (its agent has not read generation 3 yet).");
        assertThat(applying.getExportsApplied()).isEqualTo("1/2");
        assertThat(get(applying, "Degraded").getReason()).isEqualTo("AsSpecified");

        exports(reports.get("b"), 2L, 3L, 0, "2=AddExport(...) failed: D-Bus error org.freedesktop.DBus.Error."
                + "InvalidFileContent: 0 export entries in /etc/ganesha/ganesha-ha-exports.conf.d/export-2.conf added "
                + "because (block validation) errors.");
        c.setStatus(applying);
        GaneshaClusterStatus refused = applied("2026-01-01T00:00:20Z", c, reports);
        assertThat(get(refused, "ExportsApplied").getReason()).isEqualTo("ExportRefused");
        assertThat(get(refused, "Degraded").getStatus()).isEqualTo("True");
        assertThat(get(refused, "Degraded").getReason()).isEqualTo("ExportRefused");
        assertThat(get(refused, "Degraded").getMessage()).contains("b: export 2: AddExport(...) failed: D-Bus error "
                + "org.freedesktop.DBus.Error.InvalidFileContent: 0 export entries in");
        assertThat(refused.getNodes()).filteredOn(n -> n.getName().equals("b")).singleElement()
                .satisfies(n -> assertThat(n.getExports().getRefused()).extracting(r -> r.getExportId()).containsExactly(2));
        assertThat(ClusterEvents.changes(applying, refused)).extracting(ClusterEvents.Change::reason)
                .containsExactly("ExportRefused");

        exports(reports.get("b"), 3L, 3L, 1);
        c.setStatus(refused);
        GaneshaClusterStatus served = applied("2026-01-01T00:00:30Z", c, reports);
        assertThat(get(served, "ExportsApplied").getStatus()).isEqualTo("True");
        assertThat(get(served, "ExportsApplied").getMessage()).isEqualTo("Every member serves the 1 export of generation 3.");
        assertThat(served.getExportsApplied()).isEqualTo("2/2");
        assertThat(ClusterEvents.changes(refused, served)).extracting(ClusterEvents.Change::reason)
                .containsExactlyInAnyOrder("Recovered", "ExportsApplied");
    }

    @Test
    void aMemberWithoutAnExportsReportIsNotCountedAsServingThem() {
        GaneshaClusterStatus s = applied("2026-01-01T00:00:10Z", cluster(1, null), bothServing("2026-01-01T00:00:00Z"));
        assertThat(get(s, "ExportsApplied").getMessage()).isEqualTo("The exports of generation 1 are not served yet on "
                + "a (no report of its exports), b (no report of its exports).");
        assertThat(s.getExportsApplied()).isEqualTo("0/2");
    }

    @Test
    void membersWithoutOneServerScopeDegradeTheClusterNamingEachNodesScope() {
        Map<String, GaneshaNode> reports = bothServing("2026-01-01T00:00:00Z");
        reports.get("a").getStatus().setServerScope("nfs");
        reports.get("b").getStatus().setServerScope("nfs");
        GaneshaClusterStatus same = applied("2026-01-01T00:00:10Z", cluster(1, null), reports);
        assertThat(get(same, "Degraded").getReason()).isEqualTo("AsSpecified");
        assertThat(same.getNodes()).extracting(n -> n.getServerScope()).containsOnly("nfs");

        reports.get("b").getStatus().setServerScope("(none)");
        GaneshaClusterStatus unset = applied("2026-01-01T00:00:10Z", cluster(1, null), reports);
        assertThat(get(unset, "Degraded").getReason()).isEqualTo("ServerScopeDiffers");
        assertThat(get(unset, "Degraded").getMessage()).contains("(a=nfs, b=(none))").contains("Set the same Server_Scope");

        reports.get("b").getStatus().setServerScope("other");
        assertThat(get(applied("2026-01-01T00:00:10Z", cluster(1, null), reports), "Degraded").getMessage())
                .contains("(a=nfs, b=other)");

        reports.get("b").getStatus().setServerScope(null);
        assertThat(get(applied("2026-01-01T00:00:10Z", cluster(1, null), reports), "Degraded").getReason())
                .as("a scope the agent could not read is no evidence").isEqualTo("AsSpecified");
    }

    static void nfsv4(GaneshaNode node, String scope, int grace, int lease, boolean pending) {
        node.getStatus().setServerScope(scope);
        node.getStatus().setGracePeriodSeconds(grace);
        node.getStatus().setLeaseLifetimeSeconds(lease);
        node.getStatus().setNfsv4RestartPending(pending);
    }

    @Test
    void withoutNfsv4InTheSpecTheMembersMustStillAgreeOnGraceAndLease() {
        Map<String, GaneshaNode> reports = bothServing("2026-01-01T00:00:00Z");
        nfsv4(reports.get("a"), "nfs", 20, 20, false);
        nfsv4(reports.get("b"), "nfs", 20, 20, false);
        Condition same = get(applied("2026-01-01T00:00:10Z", cluster(1, null), reports), "Nfsv4Settings");
        assertThat(same.getStatus()).isEqualTo("True");
        assertThat(same.getReason()).isEqualTo("Nfsv4NotManaged");

        nfsv4(reports.get("b"), "nfs", 90, 60, false);
        Condition differ = get(applied("2026-01-01T00:00:10Z", cluster(1, null), reports), "Nfsv4Settings");
        assertThat(differ.getStatus()).isEqualTo("False");
        assertThat(differ.getReason()).isEqualTo("Nfsv4Differs");
        assertThat(differ.getMessage()).contains("a: Grace_Period 20, Lease_Lifetime 20, Server_Scope nfs; "
                + "b: Grace_Period 90, Lease_Lifetime 60, Server_Scope nfs");
    }

    @Test
    void theSpecsNfsv4IsInEffectOnlyOnceEveryMembersConfigResolvesToItAndNfsdStartedWithIt() {
        GaneshaCluster c = cluster(1, null);
        io.ganeshaha.api.v1alpha1.Nfsv4Spec spec = new io.ganeshaha.api.v1alpha1.Nfsv4Spec();
        spec.setGracePeriodSeconds(40);
        spec.setLeaseLifetimeSeconds(20);
        c.getSpec().getGanesha().setNfsv4(spec);
        Map<String, GaneshaNode> reports = bothServing("2026-01-01T00:00:00Z");

        Condition none = get(applied("2026-01-01T00:00:10Z", c, reports), "Nfsv4Settings");
        assertThat(none.getStatus()).isEqualTo("Unknown");
        assertThat(none.getReason()).isEqualTo("Nfsv4NotReported");

        nfsv4(reports.get("a"), "c", 40, 20, false);
        nfsv4(reports.get("b"), "(none)", 90, 60, false);
        Condition notIncluded = get(applied("2026-01-01T00:00:10Z", c, reports), "Nfsv4Settings");
        assertThat(notIncluded.getReason()).isEqualTo("Nfsv4NotInGaneshaConf");
        assertThat(notIncluded.getMessage()).contains("(Grace_Period 40, Lease_Lifetime 20, Server_Scope c) on "
                + "b (Grace_Period 90, Lease_Lifetime 60, Server_Scope (none))")
                .contains("%include \"/etc/ganesha/ganesha-ha-nfsv4.conf\"");

        nfsv4(reports.get("b"), "c", 40, 20, true);
        Condition pending = get(applied("2026-01-01T00:00:10Z", c, reports), "Nfsv4Settings");
        assertThat(pending.getStatus()).isEqualTo("False");
        assertThat(pending.getReason()).isEqualTo("Nfsv4RestartPending");
        assertThat(pending.getMessage()).startsWith("ganesha.nfsd on b started before");

        nfsv4(reports.get("b"), "c", 40, 20, false);
        Condition inEffect = get(applied("2026-01-01T00:00:10Z", c, reports), "Nfsv4Settings");
        assertThat(inEffect.getStatus()).isEqualTo("True");
        assertThat(inEffect.getReason()).isEqualTo("Nfsv4InEffect");

        reports.put("b", report("SERVING", true, true, "2025-12-31T00:00:00Z", "192.0.2.2"));
        nfsv4(reports.get("b"), "other", 1, 1, true);
        assertThat(get(applied("2026-01-01T00:00:10Z", c, reports), "Nfsv4Settings").getReason())
                .as("a stale report is no evidence").isEqualTo("Nfsv4NotReported");
    }
}
