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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

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
 * <p>Not in the default run (tag {@code nfsv3}, not {@code integration}): the failover half
 * passes (the writer's lock reclaimed on the taker and held there out of grace), the fail-back
 * half does not yet (after the fail-back the locker gets the lock: the writer's reclaim at home
 * did not take, although the taker had dropped the writer's NLM client before home's
 * notification; the cause is still to be found). Run it with
 * {@code ./mvnw verify -pl node-agent -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.groups=nfsv3 -Dit.test=Nfsv3ClientIT}.
 */
@Tag("nfsv3")
@Tag("clients")
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
    void killNineAndBackWithNfsV3() throws Exception {
        String n2 = ClientScenario.N2;
        String vip2 = lab.homeVip.get(n2);
        scenario = new ClientScenario(lab, writer, locker);
        scenario.failoverAndBack("kill-v3", "3", () -> lab.lab.ganesha(n2, "kill"), () -> lab.lab.ganesha(n2, "start"),
                true, true, true);

        String notified = "SM_NOTIFY \\(state \\d+\\) sent to its NFSv3 clients \\[[^]]*" + Pattern.quote(writerIp);
        assertThat(lab.agents.values().stream().filter(a -> a != lab.agents.get(n2)).map(a -> a.logText())
                .anyMatch(Pattern.compile(Pattern.quote(vip2) + " up here: " + notified).asPredicate()))
                .as("the taker notified the writer from N2's VIP").isTrue();
        assertThat(lab.agents.values().stream().filter(a -> a != lab.agents.get(n2)).map(a -> a.logText())
                .anyMatch(t -> t.contains("released the NFSv3 (NLM) clients of '" + vip2 + "'")))
                .as("the taker released the locks taken through N2's VIP at fail-back").isTrue();
        assertThat(lab.agents.get(n2).logText()).as("N2 notified the writer with its VIP home")
                .containsPattern(Pattern.quote(vip2) + " up here: " + notified);
    }
}
