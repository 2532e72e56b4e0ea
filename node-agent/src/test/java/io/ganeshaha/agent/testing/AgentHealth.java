package io.ganeshaha.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

/** The node agent's health endpoint as whoever is on call reads it, from inside a lab node. */
public final class AgentHealth {

    private AgentHealth() {}

    /** GET /q/health/ready on the agent of {@code node}: the HTTP answer, headers and JSON. */
    public static String readiness(Lab lab, String node) {
        return lab.exec(node, "sh", "-c",
                "printf 'GET /q/health/ready HTTP/1.0\\r\\n\\r\\n' | nc.openbsd -w 5 127.0.0.1 9746")
                .orFail("GET /q/health/ready on " + node).stdout();
    }

    /**
     * Until the agent of {@code node} can tell a hang: it judges an nfsd only once that nfsd has
     * sent a heartbeat, so a test that stops nfsd to see a hang waits for this first.
     */
    public static void awaitHangDetectionOn(Lab lab, String node) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(readiness(lab, node)).contains("\"hangDetection\": \"on"));
    }
}
