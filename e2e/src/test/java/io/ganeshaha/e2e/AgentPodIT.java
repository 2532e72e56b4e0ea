package io.ganeshaha.e2e;

import static io.ganeshaha.agent.testing.TwoNodeLab.K1;
import static io.ganeshaha.agent.testing.TwoNodeLab.K2;
import static io.ganeshaha.agent.testing.TwoNodeLab.N1;
import static io.ganeshaha.agent.testing.TwoNodeLab.N2;
import static io.ganeshaha.agent.testing.TwoNodeLab.NAMESPACE;
import static io.ganeshaha.agent.testing.TwoNodeLab.VIP1;
import static io.ganeshaha.agent.testing.TwoNodeLab.VIP2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ganeshaha.agent.testing.Lab;
import io.ganeshaha.agent.testing.ProjectPaths;
import io.ganeshaha.agent.testing.Shell;
import io.ganeshaha.agent.testing.TwoNodeLab;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaSpec;
import io.ganeshaha.operator.chart.ChartRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Both images as their pods: scripts/images builds them, saves them and pushes them to a registry
 * (a {@link LocalRegistry}); the Helm chart, rendered with that registry's image names, gives the
 * operator's Deployment, whose pod {@link LabPods} runs from the operator image (Podman in the
 * kubelet's place, with the chart's non-root, read-only, capability-less security context and its
 * memory limit); that operator renders the agent DaemonSet and the ConfigMap for a two-node lab
 * cluster, and the agent image runs in each lab node exactly as that pod spec declares it, each
 * image pulled from the registry as its pull policy says. Then what
 * the agents are for, through those containers: they install the entry points Pacemaker calls into
 * the host's empty provider directory, write the rendered resources into the CIB, and on a kill -9
 * of nfsd the survivor is in grace before the VIP moves, the status says so, and nfsd's return
 * brings the VIP home. The kubelet's probes run throughout: readiness passes once the agent serves,
 * and liveness never fails long enough for a restart.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentPodIT {

    static final String NAME = TwoNodeLab.CLUSTER;
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    static LocalRegistry registry;
    static String agentImage;
    static TwoNodeLab two;
    static KubernetesClient client;
    static final String RELEASE = "ganesha-ha";
    static LabPods pods;
    static LabPods.Pod operatorPod;
    static LabPods.Pod pod1;
    static LabPods.Pod pod2;

    @BeforeAll
    static void start() throws Exception {
        Path work = Path.of("target/it-agent-pod").toAbsolutePath();
        // Storage, registry and logs of earlier runs (their overlay mounts died with their lab's namespaces).
        Shell.run(List.of("sh", "-c", "rm -rf \"$1\"/podman \"$1\"/registry \"$1\"/images \"$1\"/pods \"$1\"/pod-*.log",
                "clean", work.toString()), Duration.ofSeconds(60)).orFail("removing an earlier run's files");
        registry = new LocalRegistry(work.resolve("registry"));
        try {
            agentImage = buildSaveAndPush(work);
            two = TwoNodeLab.up(work, GaneshaSpec.DEFAULT_PID_FILE, Lab.ProviderDirs.PER_NODE);
            client = two.api.client();
            for (String node : List.of(K1, K2)) {
                client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build()).create();
            }
            pods = two.own(new LabPods(two.lab, work));
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    /**
     * Both images as a user makes them (scripts/images: a Debian base by debootstrap, a jlink runtime
     * each, the size bounds checked, each started once), saved as tarballs and pushed to the
     * registry; returns the agent image's name there.
     */
    static String buildSaveAndPush(Path work) throws IOException {
        String tag = appVersion();
        Path dir = work.resolve("images");
        Instant t0 = Instant.now();
        Shell.Result built = Shell.run(List.of(ProjectPaths.root().resolve("scripts/images").toString(), "--save",
                dir.toString(), "--push", registry.address()), Duration.ofMinutes(15));
        System.out.println(built.stdout().strip());
        built.orFail("scripts/images --save " + dir + " --push " + registry.address());
        System.out.printf("images built, checked, saved and pushed in %d s%n", Duration.between(t0, Instant.now()).toSeconds());
        for (String name : List.of("node-agent", "operator")) {
            assertThat(registry.tags("ganesha-ha/" + name)).as("pushed to the registry").contains(tag);
            Path saved = dir.resolve("ganesha-ha-" + name + "-" + tag + ".tar");
            // docker load reads the manifest and the image's config from the archive.
            assertThat(Shell.run(List.of("tar", "-tf", saved.toString()), Duration.ofSeconds(60)).orFail("tar -tf " + saved)
                    .stdout()).as(saved + " as docker save writes it").contains("manifest.json");
        }
        return registry.address() + "/ganesha-ha/node-agent:" + tag;
    }

    /** What {@code helm install} would send, with both images from the registry the user pushed to. */
    static Deployment operatorDeployment() {
        List<HasMetadata> objects = ChartRenderer.render(RELEASE, RELEASE, t -> t
                .set("operator.image.repository", registry.address() + "/ganesha-ha/operator")
                .set("agent.image.repository", registry.address() + "/ganesha-ha/node-agent"));
        return objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("the chart renders no Deployment"));
    }

    /** The images' tag: the chart's appVersion. */
    static String appVersion() throws IOException {
        return Files.readAllLines(ProjectPaths.root().resolve("helm/ganesha-ha/Chart.yaml")).stream()
                .filter(l -> l.startsWith("appVersion:")).map(l -> l.substring("appVersion:".length()).strip()
                        .replace("\"", "")).findFirst().orElseThrow(() -> new AssertionError("no appVersion in Chart.yaml"));
    }

    @AfterAll
    static void stop() {
        if (two != null) {
            two.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    static GaneshaCluster cluster() {
        return client.resources(GaneshaCluster.class).inNamespace(NAMESPACE).withName(NAME).get();
    }

    static String conditionStatus(String type) {
        GaneshaCluster c = cluster();
        if (c == null || c.getStatus() == null) {
            return null;
        }
        return c.getStatus().getConditions().stream().filter(x -> type.equals(x.getType())).findFirst()
                .map(x -> x.getStatus() + "/" + x.getReason()).orElse(null);
    }

    /** The scenario goes on only with the first test's pods. */
    static void podsRunning() {
        assertThat(pod1 != null && pod2 != null).as("the agent pods of the first test run").isTrue();
    }

    static DaemonSet daemonSet() {
        return client.apps().daemonSets().inNamespace(NAMESPACE).withName(NAME + "-node-agent").get();
    }

    static ConfigMap haConfig() {
        return client.configMaps().inNamespace(NAMESPACE).withName(NAME + "-ha-config").get();
    }

    @Test
    @Order(1)
    void theOperatorImageRunsAsTheChartsDeploymentDeclaresItsPod() {
        Deployment deployment = operatorDeployment();
        long t0 = System.nanoTime();
        // Scheduled on node-1 (the lab has no pod network: it gets that node's).
        operatorPod = pods.run(N1, K1, RELEASE, deployment.getMetadata().getName() + "-0",
                deployment.getSpec().getTemplate().getSpec(), java.util.Map.of());
        operatorPod.awaitReady(TIMEOUT);
        long readyMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(operatorPod.log()).contains("started in");
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        System.out.printf("operator pod (its image, as the chart's Deployment declares it: non-root, read-only root, "
                + "no capabilities, memory limit %s): ready %d ms after podman run (image pulled in %s), RSS %d MB%n",
                container.getResources().getLimits().get("memory"), readyMs,
                pods.pulls().get(N1 + " " + container.getImage()).toMillis() + " ms",
                operatorPod.rssMegabytes());
    }

    @Test
    @Order(2)
    void theAgentImageRunsAsItsPodAndTheClusterComesUpReady() throws Exception {
        assertThat(operatorPod).as("the operator pod of the first test").isNotNull();
        client.resource(TwoNodeLab.ganeshaCluster(10)).create();
        await().atMost(TIMEOUT).until(() -> haConfig() != null && daemonSet() != null);
        DaemonSet ds = daemonSet();
        ConfigMap config = haConfig();
        assertThat(ds.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .as("the agent image the operator was given").isEqualTo(agentImage);

        pod1 = pods.runDaemonSetPod(N1, K1, ds, config);
        pod2 = pods.runDaemonSetPod(N2, K2, ds, config);
        Duration started1 = pod1.awaitStarted();
        Duration started2 = pod2.awaitStarted();
        pod1.awaitReady(TIMEOUT);
        pod2.awaitReady(TIMEOUT);
        System.out.printf("agent pods (the image, as the operator's DaemonSet declares it): images pulled in %s, "
                + "start-up probe passed after %d ms on %s, %d ms on %s; RSS %d and %d MB%n",
                pods.pulls().entrySet().stream().map(e -> e.getKey() + " " + e.getValue().toMillis() + " ms").toList(),
                started1.toMillis(), K1, started2.toMillis(), K2, pod1.rssMegabytes(), pod2.rssMegabytes());
        assertThat(pods.pulls()).as("each node pulled the agent image from the registry")
                .containsKeys(N1 + " " + agentImage, N2 + " " + agentImage);
        // What the DaemonSet controller reports once both pods are ready.
        new AgentPods(two, NAMESPACE, NAME).rolledOut(client);

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(conditionStatus("Ready")).isEqualTo("True/AllVirtualIpsServed");
            assertThat(conditionStatus("Degraded")).isEqualTo("False/AsSpecified");
            assertThat(cluster().getStatus().getReadyNodes()).isEqualTo("2/2");
            assertThat(cluster().getStatus().getVirtualIpPlacement()).isEqualTo(VIP1 + "=" + K1 + "," + VIP2 + "=" + K2);
        });
        assertThat(two.probe1.holds(VIP1)).isTrue();
        assertThat(two.probe2.holds(VIP2)).isTrue();

        for (LabPods.Pod pod : List.of(pod1, pod2)) {
            // The entry points Pacemaker runs were installed by the container into the node's own,
            // initially empty, provider directory (hostPath).
            assertThat(two.lab.dir().resolve("nodes/" + pod.node + "/ocf/ganesha_mon")).isExecutable()
                    .hasSameTextualContentAs(ProjectPaths.ocfDir().resolve("ganesha_mon"));
            // The pid file and the process it names, as the container sees them: the agent's source
            // of nfsd's health while the bus is away.
            String nfsd = two.lab.ganeshaPid(pod.node).orElseThrow().toString();
            assertThat(pod.exec("cat", "/host/ganesha-pid/ganesha.pid").orFail("cat pid file").stdout().strip())
                    .isEqualTo(nfsd);
            assertThat(pod.exec("cat", "/proc/" + nfsd + "/comm").orFail("cat comm").stdout().strip())
                    .isEqualTo("ganesha.nfsd");
            // Ready means the socket served, Pacemaker reachable and nfsd's bus connected.
            String health = two.lab.exec(pod.node, "curl", "-s", "http://127.0.0.1:9746/q/health/ready")
                    .orFail("health").stdout();
            assertThat(health).contains("\"pacemaker\": \"reachable\"", "\"systemBus\": \"connected\"",
                    "\"nfsd\": \"SERVING\"", "\"kubernetesMirror\"");
            assertThat(pod.state()).isEqualTo("running");
        }
    }

    @Test
    @Order(3)
    void nfsdKilledFailsOverThroughTheAgentContainers() {
        podsRunning();
        List<String> graceSeen = new CopyOnWriteArrayList<>();
        // The survivor's own start-up grace is over first: grace seen below is the failover's.
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> !two.probe2.inGrace());
        long killed = System.nanoTime();
        two.lab.ganesha(N1, "kill");
        // Sampled together: was the survivor in grace at the first sample that shows the VIP on it?
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
            boolean inGrace = two.probe2.inGrace();
            boolean holds = two.probe2.holds(VIP1);
            if (inGrace) {
                graceSeen.add("grace");
            }
            return holds;
        });
        long vipMoved = System.nanoTime();
        assertThat(graceSeen).as("the survivor was seen in grace before the VIP was seen on it").isNotEmpty();
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(conditionStatus("FailoverInProgress")).isEqualTo("False/FailedOver");
            assertThat(cluster().getStatus().getVirtualIpPlacement()).isEqualTo(VIP1 + "=" + K2 + "," + VIP2 + "=" + K2);
        });
        long statusShown = System.nanoTime();
        var last = cluster().getStatus().getLastFailover();
        assertThat(last.getNode()).isEqualTo(N1);
        assertThat(last.getDirection()).isEqualTo("failover");
        assertThat(last.getAcknowledged()).as("acknowledged by the survivor before the VIP moved").containsExactly(N2);
        assertThat(conditionStatus("Degraded")).isEqualTo("True/NodeFailed");
        assertThat(pod1.log()).as("the failover was the container's agent's doing")
                .contains("nfsd on " + N1 + " is DOWN: deleted grace-active");
        System.out.printf("agent pods, kill -9 of nfsd on %s: VIP on the survivor after %d ms, status FailedOver "
                + "after %d ms%n", N1, (vipMoved - killed) / 1_000_000, (statusShown - killed) / 1_000_000);
    }

    @Test
    @Order(4)
    void nfsdBackBringsTheVipHomeAndTheProbesNeverAskedForARestart() {
        podsRunning();
        long started = System.nanoTime();
        two.lab.ganesha(N1, "start");
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> two.probe1.holds(VIP1));
        long home = System.nanoTime();
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(conditionStatus("Degraded")).isEqualTo("False/AsSpecified");
            assertThat(cluster().getStatus().getVirtualIpPlacement()).isEqualTo(VIP1 + "=" + K1 + "," + VIP2 + "=" + K2);
            assertThat(cluster().getStatus().getLastFailover().getDirection()).isEqualTo("failback");
        });
        System.out.printf("agent pods, nfsd started again on %s: VIP home after %d ms%n", N1, (home - started) / 1_000_000);

        for (LabPods.Pod pod : List.of(operatorPod, pod1, pod2)) {
            assertThat(pod.results("liveness")).as("liveness probed on " + pod.node).isNotEmpty();
            assertThat(pod.stillProbing("liveness")).as("the kubelet still probes " + pod.name).isTrue();
            assertThat(pod.stillProbing("readiness")).as("the kubelet still probes " + pod.name).isTrue();
            assertThat(pod.livenessRestarts()).as("restarts the kubelet would have made on " + pod.node).isEmpty();
            assertThat(pod.lastOf("readiness")).hasValueSatisfying(r -> assertThat(r.ok()).isTrue());
            assertThat(pod.state()).isEqualTo("running");
        }
    }

    /**
     * The pod's view of the host is what the agent falls back on while the bus is away: nfsd's pid
     * file through its hostPath and the process it names through hostPID. A frozen dbus-daemon must
     * not look like a hung nfsd.
     */
    @Test
    @Order(5)
    void aFrozenSystemBusLeavesNfsdWatchedThroughThePodsViewOfTheHost() throws Exception {
        podsRunning();
        String busPid = two.lab.exec(N2, "cat", "/run/dbus/pid").orFail("the node's dbus-daemon pid").stdout().strip();
        int before = pod2.log().length();
        two.lab.exec(N2, "kill", "-STOP", busPid).orFail("freeze the node's dbus-daemon");
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> pod2.log().substring(before)
                    .matches("(?s).*the system bus at \\S+ does not answer.*"));
            // Well past the hang timeout (3 s): heartbeats cannot arrive, yet nfsd is not declared hung.
            for (int i = 0; i < 10; i++) {
                Thread.sleep(500);
                assertThat(two.lab.exec(N2, "attrd_updater", "-Q", "-n", "grace-active", "-N", N2).stdout())
                        .as("a frozen bus is not a hung nfsd").contains("value=\"1\"");
                assertThat(two.probe2.holds(VIP2)).isTrue();
            }
        } finally {
            two.lab.exec(N2, "kill", "-CONT", busPid).orFail("thaw the node's dbus-daemon");
        }
        // Reconnected after the last time the bus did not answer.
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            String since = pod2.log().substring(before);
            var lost = java.util.regex.Pattern.compile("the system bus at \\S+ does not answer").matcher(since);
            int lastLost = -1;
            while (lost.find()) {
                lastLost = lost.start();
            }
            return lastLost >= 0 && since.indexOf("connected to the system bus", lastLost) > lastLost;
        });
        assertThat(pod2.livenessRestarts()).isEmpty();
    }

    @Test
    @Order(6)
    void aPodDeletedStopsOnSigtermWithinItsGracePeriod() {
        podsRunning();
        Long declared = daemonSet().getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        long grace = declared == null ? 30 : declared;
        long t0 = System.nanoTime();
        pod2.close();
        long stoppedMs = (System.nanoTime() - t0) / 1_000_000;
        // Quarkus's own last line: the agent ran its shutdown on SIGTERM, not killed after the grace period.
        assertThat(pod2.log()).as("the agent stopped on SIGTERM").contains("stopped in");
        assertThat(stoppedMs).as("stopped within the grace period").isLessThan(grace * 1000);
        System.out.printf("agent pod on %s deleted: stopped in %d ms (grace period %d s)%n", N2, stoppedMs, grace);
        assertThat(pods.podman(N2, "ps", "-a", "--format", "{{.Names}}").stdout()).doesNotContain(pod2.name);
    }
}
