package io.ganeshaha.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.testing.LabClient;
import io.ganeshaha.agent.testing.ThreeNodeLab;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * NFSv3 clients through a failover and its fail-back: their locks are NLM locks, which no grace
 * call brings back by itself. The lab runs ganesha with NFSv3 and NLM on and rpcbind and rpc.statd
 * on every node (statd's directory in the node's tree on the shared storage), and the clients
 * mount NFSv3 over TCP with their kernels' lockd and their own statd. nfsd on N2 is killed: the
 * node taking N2's VIP notifies the clients N2's statd recorded (SM_NOTIFY from the VIP) and the
 * writer's lockd reclaims its lock there, during grace; at fail-back the taker drops the locks
 * taken through the VIP (grace event 2 with it) and N2, its VIP home, notifies again, and the
 * writer reclaims at home. Out of grace, after each move, the locker is still refused: the lock
 * is held where the writer is.
 *
 * <p>The fail-back needs home's stale sockets closed as its VIP comes back
 * ({@code io.ganeshaha.agent.tickle.StaleSockets}): the killed nfsd left the writer's idle NLM
 * connection in TIME-WAIT there, the writer reconnected to the taker from the same port, and its
 * reclaim at home met that TIME-WAIT, which answers with ACKs, never a reset, for as long as the
 * client retransmits. Run alone: {@code ./mvnw verify -pl node-agent -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.groups=nfsv3 -Dit.test=Nfsv3ClientIT}.
 */
@Tag("integration")
@Tag("nfsv3")
@Tag("clients")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Nfsv3ClientIT {

    static ThreeNodeLab lab;
    static LabClient writer;
    static LabClient locker;
    static String writerIp;
    ClientScenario scenario;

    @BeforeAll
    static void start() throws Exception {
        lab = new ThreeNodeLab(Path.of("target/it-nfsv3-client").toAbsolutePath(), List.of("--nfsv3"));
        lab.awaitHealthy(Duration.ofSeconds(90));
        writer = lab.lab.client("writer");
        locker = lab.lab.client("locker");
        writerIp = writer.start();
        locker.start();
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @AfterEach
    void stopWorkloads() {
        if (scenario != null) {
            scenario.stop();
        }
    }

    @Test
    @Order(1)
    void killNineAndBackWithNfsV3() throws Exception {
        String n2 = ClientScenario.N2;
        markLogs();
        scenario = new ClientScenario(lab, writer, locker);
        scenario.failoverAndBack("kill-v3", "3", () -> lab.lab.ganesha(n2, "kill"), () -> lab.lab.ganesha(n2, "start"),
                true, true, true);
        assertNotifiedAndReleased(n2);
    }

    /**
     * N2 lost whole (its cable pulled) with fencing as production has it: its nfsd holds the
     * writer's lock until the fence kills it, so the locker must never get it. The taker reads
     * N2's statd records from the shared storage and notifies the writer as the VIP comes up;
     * N2, plugged in and powered on, fails back.
     */
    @Test
    @Order(2)
    void nodeLostFencedAndBackWithNfsV3() throws Exception {
        String n2 = ClientScenario.N2;
        lab.fencingOn();
        markLogs();
        scenario = new ClientScenario(lab, writer, locker);
        scenario.failoverAndBack("node-loss-v3", "3", () -> lab.link(n2, "down"), () -> {
            lab.link(n2, "up");
            lab.powerOn(n2);
        }, false, true, true);
        assertNotifiedAndReleased(n2);
    }

    /** How much of each agent's log was there before this scenario. */
    private final java.util.Map<String, Integer> marks = new java.util.HashMap<>();

    private void markLogs() {
        lab.agents.forEach((node, agent) -> marks.put(node, agent.logText().length()));
    }

    /** What {@code node}'s agent logged in this scenario. */
    private String logged(String node) {
        String text = lab.agents.get(node).logText();
        int mark = marks.getOrDefault(node, 0);
        return mark <= text.length() ? text.substring(mark) : text;
    }

    private void assertNotifiedAndReleased(String n2) {
        String vip2 = lab.homeVip.get(n2);
        String notified = "SM_NOTIFY \\(state \\d+\\) sent to its NFSv3 clients \\[[^]]*" + Pattern.quote(writerIp);
        List<String> others = lab.agents.keySet().stream().filter(n -> !n.equals(n2)).toList();
        assertThat(others.stream().map(this::logged)
                .anyMatch(Pattern.compile(Pattern.quote(vip2) + " up here: " + notified).asPredicate()))
                .as("the taker notified the writer from N2's VIP").isTrue();
        assertThat(others.stream().map(this::logged)
                .anyMatch(t -> t.contains("released the NFSv3 (NLM) clients of '" + vip2 + "'")))
                .as("the taker released the locks taken through N2's VIP at fail-back").isTrue();
        assertThat(logged(n2)).as("N2 notified the writer with its VIP home")
                .containsPattern(Pattern.quote(vip2) + " up here: " + notified);
    }
}
