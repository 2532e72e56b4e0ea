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

    /** GET /q/metrics on the agent of {@code node}: what Prometheus scrapes. */
    public static String metrics(Lab lab, String node) {
        return lab.exec(node, "sh", "-c",
                "printf 'GET /q/metrics HTTP/1.0\\r\\n\\r\\n' | nc.openbsd -w 5 127.0.0.1 9746")
                .orFail("GET /q/metrics on " + node).stdout();
    }

    /**
     * The agent metrics the Helm chart's alert rules read (helm/ganesha-ha/templates/monitoring/):
     * every {@code ganesha_ha_} name in an expression, but the operator's {@code ganesha_ha_cluster_}
     * ones.
     */
    public static java.util.Set<String> metricsTheAlertsRead() throws java.io.IOException {
        String rules = java.nio.file.Files.readString(ProjectPaths.root()
                .resolve("helm/ganesha-ha/templates/monitoring/prometheusrule.yaml"));
        java.util.Set<String> names = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s*expr:.*$").matcher(rules);
        while (m.find()) {
            java.util.regex.Matcher name = java.util.regex.Pattern.compile("ganesha_ha_[a-z_]+").matcher(m.group());
            while (name.find()) {
                if (!name.group().startsWith("ganesha_ha_cluster_")) {
                    names.add(name.group());
                }
            }
        }
        return names;
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
