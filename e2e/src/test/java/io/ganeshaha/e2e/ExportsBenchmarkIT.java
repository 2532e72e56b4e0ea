package io.ganeshaha.e2e;

import static io.ganeshaha.agent.testing.TwoNodeLab.K1;
import static io.ganeshaha.agent.testing.TwoNodeLab.K2;
import static io.ganeshaha.agent.testing.TwoNodeLab.N1;
import static io.ganeshaha.agent.testing.TwoNodeLab.N2;
import static io.ganeshaha.agent.testing.TwoNodeLab.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ganeshaha.agent.testing.TwoNodeLab;
import io.ganeshaha.api.agent.HaConfigMap;
import io.ganeshaha.api.v1alpha1.ExportSpec;
import io.ganeshaha.api.v1alpha1.ExportSpecBuilder;
import io.ganeshaha.api.v1alpha1.ExportSquash;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaSpec;
import io.ganeshaha.operator.Edits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Exports as API, timed (scripts/bench-exports): two lab nodes with their agents, the operator's
 * jar on the mock API server; the GaneshaCluster's exports set to 1 and then 100 exports, and
 * emptied again, ROUNDS times each. Per change it prints the time from the edit to the operator's
 * ConfigMap carrying it, to both nodes' ganesha serving every export (ShowExports on each node's
 * bus, sampled every 50 ms from outside), and to the GaneshaCluster's ExportsApplied. The ConfigMap
 * is projected to the agents as soon as it carries the change: a kubelet adds its own delay there
 * (it updates a pod's ConfigMap volume at its next sync of the pod). Asserts only that each change
 * completes.
 */
@Tag("benchmark")
class ExportsBenchmarkIT {

    static final String NAME = TwoNodeLab.CLUSTER;
    static final String SHARED = "/run/gluster/shared_storage/bench/";
    static final int FIRST_ID = 1000;
    static final Pattern SHOWN_ID = Pattern.compile("uint16 (\\d+)");

    static TwoNodeLab two;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        two = TwoNodeLab.up(Path.of("target/bench-exports").toAbsolutePath());
        client = two.api.client();
        OperatorProcess.forLab(two);
        client.resource(TwoNodeLab.ganeshaCluster(10)).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> haConfig() != null);
        AgentPods pods = new AgentPods(two, NAMESPACE, NAME);
        pods.start(N1, K1, haConfig(), GaneshaSpec.DEFAULT_PID_FILE);
        pods.start(N2, K2, haConfig(), GaneshaSpec.DEFAULT_PID_FILE);
        await().atMost(Duration.ofSeconds(60)).until(() -> client.apps().daemonSets().inNamespace(NAMESPACE)
                .withName(NAME + "-node-agent").get() != null);
        pods.rolledOut(client);
        two.lab.exec(N1, "sh", "-c", "for i in $(seq 0 99); do mkdir -p " + SHARED + "$i; done").orFail("mkdir");
    }

    @AfterAll
    static void stop() {
        if (two != null) {
            two.close();
        }
    }

    static ConfigMap haConfig() {
        return client.configMaps().inNamespace(NAMESPACE).withName(NAME + "-ha-config").get();
    }

    static List<ExportSpec> exports(int count) {
        List<ExportSpec> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new ExportSpecBuilder().withExportId(FIRST_ID + i).withPath(SHARED + i).withPseudo("/bench/" + i)
                    .withSquash(ExportSquash.NoRootSquash).build());
        }
        return out;
    }

    /** How many of the benchmark's exports {@code node}'s ganesha serves: one ShowExports call. */
    static int served(String node) {
        String out = two.lab.exec(node, "dbus-send", "--system", "--print-reply", "--reply-timeout=5000",
                "--dest=org.ganesha.nfsd", "/org/ganesha/nfsd/ExportMgr", "org.ganesha.nfsd.exportmgr.ShowExports")
                .orFail("ShowExports on " + node).stdout();
        Matcher m = SHOWN_ID.matcher(out);
        int count = 0;
        while (m.find()) {
            if (Integer.parseInt(m.group(1)) >= FIRST_ID) {
                count++;
            }
        }
        return count;
    }

    static boolean exportsApplied(long generation) {
        GaneshaCluster c = client.resources(GaneshaCluster.class).inNamespace(NAMESPACE).withName(NAME).get();
        if (c.getStatus() == null || c.getStatus().getConditions() == null) {
            return false;
        }
        Condition applied = c.getStatus().getConditions().stream().filter(x -> x.getType().equals("ExportsApplied"))
                .findFirst().orElse(null);
        return applied != null && "True".equals(applied.getStatus()) && Long.valueOf(generation)
                .equals(applied.getObservedGeneration());
    }

    /** Sets the cluster's exports to {@code count} of them and times each stage; returns the row. */
    static long[] change(int count) {
        long t0 = System.nanoTime();
        GaneshaCluster edited = Edits.edit(client.resources(GaneshaCluster.class).inNamespace(NAMESPACE)
                .withName(NAME), c -> {
            c.getSpec().setExports(exports(count));
            return c;
        });
        long generation = edited.getMetadata().getGeneration();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> haConfig().getData()
                .getOrDefault(HaConfigMap.EXPORTS_GENERATION, "").endsWith("/" + generation));
        long configMap = System.nanoTime();
        AgentPods pods = new AgentPods(two, NAMESPACE, NAME);
        ConfigMap config = haConfig();
        pods.project(K1, config);
        pods.project(K2, config);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> served(N1) == count && served(N2) == count);
        long nodes = System.nanoTime();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> exportsApplied(generation));
        long status = System.nanoTime();
        return new long[] {(configMap - t0) / 1_000_000, (nodes - t0) / 1_000_000, (nodes - configMap) / 1_000_000,
                (status - t0) / 1_000_000};
    }

    @Test
    void specChangeToEveryNodeServing() {
        int rounds = Integer.getInteger("ganesha-ha.bench.rounds", 3);
        System.out.println("exports bench: change | ConfigMap ms | both nodes serving ms (from ConfigMap ms) | "
                + "ExportsApplied ms");
        for (int round = 1; round <= rounds; round++) {
            for (int count : List.of(1, 100)) {
                long[] add = change(count);
                print(round, "0 -> " + count, add);
                long[] remove = change(0);
                print(round, count + " -> 0", remove);
                assertThat(served(N1) + served(N2)).isZero();
            }
        }
    }

    static void print(int round, String change, long[] t) {
        System.out.printf("exports bench: round %d, %-9s | %5d | %6d (%6d) | %6d%n", round, change, t[0], t[1], t[2],
                t[3]);
    }
}
