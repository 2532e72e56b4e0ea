package io.ganeshaha.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static io.ganeshaha.agent.testing.TwoNodeLab.CLUSTER;
import static io.ganeshaha.agent.testing.TwoNodeLab.K1;
import static io.ganeshaha.agent.testing.TwoNodeLab.K2;
import static io.ganeshaha.agent.testing.TwoNodeLab.N1;
import static io.ganeshaha.agent.testing.TwoNodeLab.N2;
import static io.ganeshaha.agent.testing.TwoNodeLab.NAMESPACE;
import static io.ganeshaha.agent.testing.TwoNodeLab.VIP1;
import static io.ganeshaha.agent.testing.TwoNodeLab.VIP2;
import static org.awaitility.Awaitility.await;

import io.ganeshaha.agent.testing.AgentHealth;
import io.ganeshaha.agent.testing.AgentProcess;
import io.ganeshaha.agent.testing.ClusterView;
import io.ganeshaha.agent.testing.FailoverTimeline;
import io.ganeshaha.agent.testing.NodeProbe;
import io.ganeshaha.agent.testing.TwoNodeLab;
import io.ganeshaha.api.v1alpha1.GaneshaNode;
import io.ganeshaha.api.v1alpha1.NodeObservation;
import io.ganeshaha.cib.CibRenderer;
import io.ganeshaha.cib.HaCluster;
import io.ganeshaha.cib.Member;
import io.ganeshaha.cib.VirtualIp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The grace handshake between two real nodes: the failing node moves its virtual IP as soon as the
 * survivor acknowledged that its nfsd is in grace, well before grace_delay (10 s here), and only
 * after it; without the survivor's agent, the failing node waits grace_delay out. Both agents mirror
 * their node into a GaneshaNode on a Kubernetes API (Fabric8's CRUD mock) reached through an uplink;
 * losing that API changes nothing for Pacemaker.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodeIT {

    static final Duration GRACE_DELAY = Duration.ofSeconds(10);

    static TwoNodeLab two;
    static AgentProcess agent1;
    static AgentProcess agent2;
    static ClusterView cluster;

    @BeforeAll
    static void startLab() throws Exception {
        two = TwoNodeLab.up(Path.of("target/it-two-nodes").toAbsolutePath());
        try {
            two.api.client().resource(TwoNodeLab.ganeshaCluster((int) GRACE_DELAY.toSeconds())).create();
            agent1 = startAgent(N1, K1);
            agent2 = startAgent(N2, K2);
            cluster = new ClusterView(two.lab, N1);
        } catch (RuntimeException | Error e) {
            stopLab();
            throw e;
        }
    }

    @AfterAll
    static void stopLab() {
        if (two != null) {
            two.close();
        }
    }

    static AgentProcess startAgent(String node, String kubernetesName) {
        return two.own(new AgentProcess(two.lab, node, two.work.resolve(node.equals(N1) ? "agent-1.log" : "agent-2.log"),
                two.api.agentSettings(NAMESPACE, CLUSTER, kubernetesName, List.of(VIP1, VIP2))).start());
    }

    /** This node's GaneshaNode status as its agent last wrote it. */
    static NodeObservation reported(String kubernetesName) {
        GaneshaNode node = two.api.client().resources(GaneshaNode.class).inNamespace(NAMESPACE)
                .withName(GaneshaNode.nameFor(CLUSTER, kubernetesName)).get();
        assertThat(node).as("GaneshaNode of %s", kubernetesName).isNotNull();
        assertThat(node.getStatus()).as("status of GaneshaNode of %s", kubernetesName).isNotNull();
        return node.getStatus();
    }

    static void awaitBothServing() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(cluster.attribute("ganesha-active")).containsEntry(N1, "1").containsEntry(N2, "1");
            assertThat(cluster.attribute("grace-active")).containsEntry(N1, "1").containsEntry(N2, "1");
            assertThat(cluster.startedOn("nfs-grace")).containsExactlyInAnyOrder(N1, N2);
            assertThat(two.probe1.holds(VIP1)).as("VIP1 home").isTrue();
            assertThat(two.probe2.holds(VIP2)).as("VIP2 home").isTrue();
        });
    }

    /** The lab's Grace_Period (20 s), looked at once per reaper period (10 s), after the last grace call. */
    static void awaitOutOfGrace(NodeProbe probe) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> !probe.inGrace());
    }

    /**
     * How n1's waits for acknowledgements ended since this was made, read from its agent's log: a
     * VIP moved on the survivor's acknowledgement is one more "all survivors ... are in grace" line
     * and no "ran out" line. What the agent did, not how long the machine took to do it.
     */
    static final class WaitEnds {
        private final AgentProcess agent;
        private final long acknowledged;
        private final long ranOut;

        WaitEnds(AgentProcess agent) {
            this.agent = agent;
            this.acknowledged = count(ACKNOWLEDGED);
            this.ranOut = count(RAN_OUT);
        }

        private static final String ACKNOWLEDGED = "all survivors of " + N1 + " are in grace ([" + N2 + "])";
        private static final String RAN_OUT = "ran out for " + N1 + ": no grace acknowledgement";

        private long count(String line) {
            String log = agent.logText();
            long n = 0;
            for (int at = log.indexOf(line); at >= 0; at = log.indexOf(line, at + 1)) {
                n++;
            }
            return n;
        }

        void assertEndedOnTheAcknowledgement() {
            await().atMost(Duration.ofSeconds(5)).until(() -> count(ACKNOWLEDGED) > acknowledged);
            assertThat(count(RAN_OUT)).as("moved on the acknowledgement, not after grace_delay").isEqualTo(ranOut);
        }
    }

    @Test
    @Order(1)
    void aTwoNodeColdStartComesUpWithNoFailedAction() {
        HaCluster ha = new HaCluster("ganesha-ha", "/var/run/gluster/shared_storage", GRACE_DELAY, List.of(
                new Member(N1, List.of(new VirtualIp(VIP1, 24, Optional.of("eth0")))),
                new Member(N2, List.of(new VirtualIp(VIP2, 24, Optional.of("eth0"))))));
        cluster.replaceResourcesAndConstraints(CibRenderer.resources(ha), CibRenderer.constraints(ha));
        awaitBothServing();
        assertThat(cluster.failedActions()).isEmpty();

        // Each agent wrote its own GaneshaNode, owned by the cluster.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            NodeObservation n1 = reported(K1);
            assertThat(n1.getNfsd()).isEqualTo("SERVING");
            assertThat(n1.getGaneshaActive()).isTrue();
            assertThat(n1.getGraceActive()).isTrue();
            assertThat(n1.getAgentReady()).isTrue();
            assertThat(n1.getVirtualIps()).containsExactly(VIP1);
            assertThat(reported(K2).getVirtualIps()).containsExactly(VIP2);
        });
        GaneshaNode node1 = two.api.client().resources(GaneshaNode.class).inNamespace(NAMESPACE)
                .withName(GaneshaNode.nameFor(CLUSTER, K1)).get();
        assertThat(node1.getSpec().getPacemakerName()).isEqualTo(N1);
        assertThat(node1.getMetadata().getOwnerReferences()).extracting(o -> o.getName()).containsExactly(CLUSTER);
    }

    @Test
    @Order(2)
    void theVipMovesOnTheSurvivorsAcknowledgementNotAfterGraceDelay() throws Exception {
        awaitBothServing();
        awaitOutOfGrace(two.probe2);
        Map<String, BooleanSupplier> conditions = Map.of(
                "n2 in grace", two.probe2::inGrace,
                "VIP1 on n2", () -> two.probe2.holds(VIP1),
                "VIP2 off n2", () -> !two.probe2.holds(VIP2));
        WaitEnds waits = new WaitEnds(agent1);
        try (FailoverTimeline timeline = new FailoverTimeline(conditions, 20)) {
            two.lab.ganesha(N1, "kill");
            await().atMost(GRACE_DELAY.plusSeconds(20)).until(() -> timeline.seen("VIP1 on n2"));
            System.out.println("two nodes, kill -9 of nfsd on n1: " + timeline.summary());
            long grace = timeline.millisUntil("n2 in grace").orElseThrow();
            long vip = timeline.millisUntil("VIP1 on n2").orElseThrow();
            assertThat(grace).as("the survivor is in grace before the VIP arrives").isLessThan(vip);
            assertThat(timeline.seen("VIP2 off n2")).as("the survivor's own VIP never moved").isFalse();
        }
        waits.assertEndedOnTheAcknowledgement();
        assertThat(agent2.logContains("post-stop: nfsd on " + N2 + " is in grace for " + N1)).isTrue();

        // The agent's health endpoint tells whoever is on call what the last failover did.
        String health = AgentHealth.readiness(two.lab, N1);
        assertThat(health).contains("\"nfsd\": \"DOWN\"").contains("\"lastFailover\": \"failover at ")
                .contains("acknowledged by [" + N2 + "] of [" + N2 + "] (all by ");

        // ... and so do its metrics: every one the chart's alert rules read, with its help text, and
        // this failover counted and timed.
        String metrics = AgentHealth.metrics(two.lab, N1);
        for (String name : AgentHealth.metricsTheAlertsRead()) {
            assertThat(metrics).as("an alert rule reads " + name).containsPattern("(?m)^" + name + "(\\{| )");
            assertThat(metrics).containsPattern("(?m)^# HELP " + name.replaceAll("_total$", "") + "(_total)? \\S");
        }
        assertThat(AgentHealth.metricsTheAlertsRead()).contains("ganesha_ha_nfsd_serving", "ganesha_ha_failovers_total");
        assertThat(metrics).containsPattern("(?m)^ganesha_ha_nfsd_serving 0\\.0$")
                .containsPattern("(?m)^ganesha_ha_nfsd_state\\{state=\"DOWN\"\\} 1\\.0$")
                .containsPattern("(?m)^ganesha_ha_failovers_total\\{acknowledged=\"true\",direction=\"failover\"\\} 1\\.0$")
                .containsPattern("(?m)^ganesha_ha_handover_seconds_count\\{acknowledged=\"true\",direction=\"failover\"\\} 1(\\.0)?$")
                .containsPattern("(?m)^ganesha_ha_grace_acknowledgement_seconds_bucket\\{direction=\"failover\",le=\"1\\.0\"\\}");
        String survivor = AgentHealth.metrics(two.lab, N2);
        assertThat(survivor).as("N2 is asked whether it is in grace every 5 s: an answer, not NaN")
                .containsPattern("(?m)^ganesha_ha_nfsd_in_grace (1|0)\\.0$");

        // ... and so does its GaneshaNode: the operator folds it into the cluster's status.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            NodeObservation n1 = reported(K1);
            assertThat(n1.getNfsd()).isEqualTo("DOWN");
            assertThat(n1.getGaneshaActive()).isFalse();
            assertThat(n1.getGraceActive()).isFalse();
            assertThat(n1.getVirtualIps()).isEmpty();
            assertThat(n1.getLastFailover().getDirection()).isEqualTo("failover");
            assertThat(n1.getLastFailover().getNode()).isEqualTo(N1);
            assertThat(n1.getLastFailover().getAcknowledged()).containsExactly(N2);
            assertThat(n1.getLastFailover().getAcknowledgementsComplete()).isNotNull();
            assertThat(reported(K2).getVirtualIps()).containsExactlyInAnyOrder(VIP1, VIP2);
        });
    }

    @Test
    @Order(3)
    void failBackPutsTheSurvivorInGraceBeforeTheVipReturnsHome() {
        awaitOutOfGrace(two.probe2);
        Map<String, BooleanSupplier> conditions = Map.of(
                "n2 in grace", two.probe2::inGrace,
                "VIP1 home on n1", () -> two.probe1.holds(VIP1));
        try (FailoverTimeline timeline = new FailoverTimeline(conditions, 20)) {
            two.lab.ganesha(N1, "start");
            await().atMost(Duration.ofSeconds(40)).until(() -> timeline.seen("VIP1 home on n1"));
            System.out.println("two nodes, fail-back of n1: " + timeline.summary());
            assertThat(timeline.millisUntil("n2 in grace").orElseThrow())
                    .as("the survivor enters grace before the VIP returns")
                    .isLessThan(timeline.millisUntil("VIP1 home on n1").orElseThrow());
        }
        awaitBothServing();
    }

    @Test
    @Order(4)
    void withoutTheSurvivorsAgentTheFailingNodeWaitsGraceDelayOut() {
        awaitBothServing();
        agent2.stop();
        try (FailoverTimeline timeline = new FailoverTimeline(Map.of("VIP1 on n2", () -> two.probe2.holds(VIP1)), 50)) {
            two.lab.ganesha(N1, "kill");
            await().atMost(GRACE_DELAY.plusSeconds(30)).until(() -> timeline.seen("VIP1 on n2"));
            System.out.println("two nodes, survivor's agent down: " + timeline.summary());
            assertThat(timeline.millisUntil("VIP1 on n2").orElseThrow())
                    .as("no acknowledgement: grace_delay is the bound").isGreaterThanOrEqualTo(GRACE_DELAY.toMillis() - 500);
        }
        assertThat(agent1.logContains("ran out for " + N1 + ": no grace acknowledgement from [" + N2 + "]")).isTrue();
        agent2 = startAgent(N2, K2);
        two.lab.ganesha(N1, "start");
        awaitBothServing();
    }

    @Test
    @Order(5)
    void losingTheKubernetesApiChangesNothingForPacemakerAndTheStatusCatchesUp() {
        awaitBothServing();
        awaitOutOfGrace(two.probe2);
        two.api.disconnect(N1);
        WaitEnds waits = new WaitEnds(agent1);
        try (FailoverTimeline timeline = new FailoverTimeline(Map.of("VIP1 on n2", () -> two.probe2.holds(VIP1)), 20)) {
            two.lab.ganesha(N1, "kill");
            await().atMost(GRACE_DELAY.plusSeconds(20)).until(() -> timeline.seen("VIP1 on n2"));
            System.out.println("two nodes, n1 cut off the Kubernetes API, kill -9 of nfsd on n1: " + timeline.summary());
        }
        waits.assertEndedOnTheAcknowledgement();
        await().atMost(Duration.ofSeconds(20)).until(() -> agent1.logContains("cannot write GaneshaNode"));
        assertThat(reported(K1).getNfsd()).as("the API has not heard of it yet").isEqualTo("SERVING");

        two.api.connect(N1);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(reported(K1).getNfsd()).isEqualTo("DOWN");
            assertThat(reported(K1).getGaneshaActive()).isFalse();
        });
        assertThat(agent1.logContains("written again after")).isTrue();
        two.lab.ganesha(N1, "start");
        awaitBothServing();
    }
}
