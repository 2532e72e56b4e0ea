package io.ganeshaha.operator.k3s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.operator.Labels;
import io.ganeshaha.operator.ModulePaths;
import io.ganeshaha.operator.chart.ChartRenderer;
import io.ganeshaha.operator.status.StatusAggregator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The packaged operator against a real API server (K3s in a container): the generated CRDs and the
 * chart's RBAC installed with kubectl, the operator run as its own process with the chart's
 * ServiceAccount (so a missing permission fails here, as it would in a cluster), then the example
 * GaneshaCluster reconciled, changed and deleted, and invalid ones refused by the API server.
 *
 * <p>Needs Docker (privileged containers); without it the class is skipped. Runs in Failsafe after
 * {@code package}, which builds {@code target/quarkus-app/quarkus-run.jar}.
 */
@Tag("integration")
@Testcontainers(disabledWithoutDocker = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class K3sOperatorIT {

    static final DockerImageName K3S_IMAGE = DockerImageName.parse("rancher/k3s:v1.31.4-k3s1");
    static final Duration TIMEOUT = Duration.ofMinutes(2);
    static final String OPERATOR_NAMESPACE = "ganesha-ha";
    static final String NAMESPACE = "storage";
    /** Where files are copied inside the K3s container for kubectl. */
    static final String IN_CONTAINER = "/tmp/ganesha-ha-it/";

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    @Container
    static final K3sContainer K3S = new K3sContainer(K3S_IMAGE);

    static KubernetesClient client;
    static Process operator;
    static Path operatorLog;
    static Path operatorKubeconfig;
    /** metadata.name of examples/ganeshacluster.yaml. */
    static String clusterName;

    @BeforeAll
    static void installCrdsAndRbacThenStartTheOperator() throws Exception {
        Path root = ModulePaths.repositoryRoot();
        Path jar = ModulePaths.moduleDir().resolve("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("the packaged operator (Failsafe runs after package)").isRegularFile();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml())).build();

        // The CRDs as the build generated them (the chart's crds/ are copies of these).
        List<Path> crds;
        try (Stream<Path> files = Files.list(root.resolve("crds/target/classes/META-INF/fabric8"))) {
            crds = files.filter(p -> p.getFileName().toString().endsWith("-v1.yml")).sorted().toList();
        }
        assertThat(crds).as("generated CRDs").isNotEmpty();
        for (Path crd : crds) {
            kubectlOk("apply", "-f", copyIn(crd));
        }
        kubectlOk("wait", "--for=condition=Established", "--timeout=60s", "crd", "--all");

        // The operator's ServiceAccount, ClusterRole and ClusterRoleBinding, rendered from the chart.
        kubectlOk("create", "namespace", OPERATOR_NAMESPACE);
        List<HasMetadata> rbac = ChartRenderer.render("ganesha-ha", OPERATOR_NAMESPACE, t -> t).stream()
                .filter(o -> o instanceof ServiceAccount || o instanceof ClusterRole || o instanceof ClusterRoleBinding)
                .toList();
        assertThat(rbac).hasSize(3);
        kubectlOk("apply", "-f", copyIn("operator-rbac.yaml",
                SERIALIZATION.asYaml(new KubernetesListBuilder().withItems(rbac).build())));
        String serviceAccount = rbac.stream().filter(ServiceAccount.class::isInstance).findFirst().orElseThrow()
                .getMetadata().getName();
        String token = kubectlOk("create", "token", serviceAccount, "-n", OPERATOR_NAMESPACE, "--duration=2h").trim();

        operatorKubeconfig = Files.createTempFile("ganesha-ha-operator-kubeconfig", ".yaml",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(operatorKubeconfig, kubeconfigWithToken(K3S.getKubeConfigYaml(), token, OPERATOR_NAMESPACE));

        Path workDir = Files.createDirectories(ModulePaths.moduleDir().resolve("target/k3s-it"));
        operatorLog = workDir.resolve("operator.log");
        ProcessBuilder process = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m", "-jar", jar.toString())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(operatorLog.toFile());
        process.environment().put("KUBECONFIG", operatorKubeconfig.toString());
        // The CRDs are installed above, as the chart does; the operator only checks them.
        process.environment().put("QUARKUS_OPERATOR_SDK_CRD_APPLY", "false");
        // Any free port: the health endpoints are read from the port the log names.
        process.environment().put("QUARKUS_HTTP_PORT", "0");
        operator = process.start();
    }

    @AfterAll
    static void stopTheOperator() throws Exception {
        try {
            if (operator != null && operator.isAlive()) {
                operator.destroy(); // SIGTERM: Quarkus shuts down the operator and releases the lease
                if (!operator.waitFor(20, TimeUnit.SECONDS)) {
                    operator.destroyForcibly();
                    operator.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            if (client != null) {
                client.close();
            }
            if (operatorKubeconfig != null) {
                Files.deleteIfExists(operatorKubeconfig);
            }
        }
    }

    // ---- tests ----------------------------------------------------------------------------

    @Test
    @Order(1)
    void operatorBecomesReadyWithTheChartsRbac() {
        eventually("operator readiness on /q/health/ready", () -> {
            int port = httpPort();
            HttpResponse<String> ready = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        });
    }

    @Test
    @Order(2)
    void exampleIsReconciledIntoConfigMapAgentRbacAndDaemonSet() throws Exception {
        Path example = ModulePaths.repositoryRoot().resolve("examples/ganeshacluster.yaml");
        clusterName = SERIALIZATION.unmarshal(Files.readString(example), GenericKubernetesResource.class)
                .getMetadata().getName();
        kubectlOk("create", "namespace", NAMESPACE);
        kubectlOk("apply", "-f", copyIn(example));

        eventually("ConfigMap " + clusterName + "-ha-config", () -> {
            ConfigMap config = client.configMaps().inNamespace(NAMESPACE).withName(clusterName + "-ha-config").get();
            assertThat(config).isNotNull();
            assertThat(config.getData()).containsKeys("resources.xml", "constraints.xml");
            assertThat(config.getData().get("resources.xml")).contains("192.0.2.11", "192.0.2.12", "192.0.2.13");
        });
        eventually("agents' Role " + clusterName + "-node-agent", () -> {
            Role role = client.rbac().roles().inNamespace(NAMESPACE).withName(clusterName + "-node-agent").get();
            assertThat(role).isNotNull();
            assertThat(role.getRules()).isNotEmpty();
        });
        eventually("DaemonSet " + clusterName + "-node-agent", () -> {
            DaemonSet agents = client.apps().daemonSets().inNamespace(NAMESPACE).withName(clusterName + "-node-agent")
                    .get();
            assertThat(agents).isNotNull();
            assertThat(agents.getMetadata().getOwnerReferences())
                    .anySatisfy(o -> assertThat(o.getName()).isEqualTo(clusterName));
            assertThat(agents.getSpec().getTemplate().getMetadata().getAnnotations()).containsKey(Labels.CONFIG_HASH);
        });
        eventually("status.observedGeneration", () -> {
            GaneshaCluster cluster = cluster();
            assertThat(cluster.getStatus()).isNotNull();
            assertThat(cluster.getStatus().getObservedGeneration()).isEqualTo(cluster.getMetadata().getGeneration());
            // The example's hosts are not nodes of this K3s cluster: configured anyway, and said so.
            assertThat(cluster.getStatus().getConditions())
                    .anySatisfy(c -> {
                        assertThat(c.getType()).isEqualTo(StatusAggregator.DEGRADED);
                        assertThat(c.getStatus()).isEqualTo("True");
                        assertThat(c.getReason()).isEqualTo(StatusAggregator.REASON_NODE_NOT_FOUND);
                        assertThat(c.getMessage()).startsWith("spec.nodes[0].name: node nfs-1 does not exist");
                    });
        });
    }

    @Test
    @Order(3)
    void aSpecChangeIsObserved() {
        long before = cluster().getMetadata().getGeneration();
        client.genericKubernetesResources(GaneshaCluster.GROUP + "/" + GaneshaCluster.VERSION, "GaneshaCluster")
                .inNamespace(NAMESPACE).withName(clusterName)
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"graceDelaySeconds\":9}}");
        eventually("status.observedGeneration after a spec change", () -> {
            GaneshaCluster cluster = cluster();
            assertThat(cluster.getMetadata().getGeneration()).isGreaterThan(before);
            assertThat(cluster.getStatus().getObservedGeneration()).isEqualTo(cluster.getMetadata().getGeneration());
        });
    }

    @Test
    @Order(4)
    void theApiServerRefusesASingleNodeCluster() throws Exception {
        refused("one-node", """
                spec:
                  nodes:
                    - name: nfs-1
                      virtualIps:
                        - address: 192.0.2.21
                          prefixLength: 24
                """);
    }

    @Test
    @Order(5)
    void theApiServerRefusesDuplicateNodeNames() throws Exception {
        refused("duplicate-nodes", """
                spec:
                  nodes:
                    - name: nfs-1
                      virtualIps:
                        - address: 192.0.2.21
                          prefixLength: 24
                    - name: nfs-1
                      virtualIps:
                        - address: 192.0.2.22
                          prefixLength: 24
                """);
    }

    @Test
    @Order(6)
    void deletingTheClusterRemovesWhatTheOperatorCreated() {
        client.resources(GaneshaCluster.class).inNamespace(NAMESPACE).withName(clusterName).delete();
        eventually("GaneshaCluster gone (finalizer ran)", () -> assertThat(
                client.resources(GaneshaCluster.class).inNamespace(NAMESPACE).withName(clusterName).get()).isNull());
        eventually("DaemonSet and ConfigMap gone", () -> {
            assertThat(client.apps().daemonSets().inNamespace(NAMESPACE).withName(clusterName + "-node-agent").get())
                    .isNull();
            assertThat(client.configMaps().inNamespace(NAMESPACE).withName(clusterName + "-ha-config").get()).isNull();
        });
    }

    // ---- helpers --------------------------------------------------------------------------

    static GaneshaCluster cluster() {
        GaneshaCluster cluster = client.resources(GaneshaCluster.class).inNamespace(NAMESPACE).withName(clusterName)
                .get();
        assertThat(cluster).as("GaneshaCluster %s/%s", NAMESPACE, clusterName).isNotNull();
        return cluster;
    }

    /** kubectl apply of a GaneshaCluster with {@code spec} must fail, naming spec.nodes, and create nothing. */
    static void refused(String name, String spec) throws Exception {
        String manifest = """
                apiVersion: %s/%s
                kind: GaneshaCluster
                metadata:
                  name: %s
                  namespace: %s
                """.formatted(GaneshaCluster.GROUP, GaneshaCluster.VERSION, name, NAMESPACE) + spec;
        ExecResult result = kubectl("apply", "-f", copyIn(name + ".yaml", manifest));
        assertThat(result.getExitCode()).as("kubectl apply of %s; stdout: %s", name, result.getStdout()).isNotZero();
        assertThat(result.getStderr()).contains("spec.nodes");
        assertThat(client.resources(GaneshaCluster.class).inNamespace(NAMESPACE).withName(name).get()).isNull();
    }

    static ExecResult kubectl(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "kubectl";
        System.arraycopy(args, 0, command, 1, args.length);
        return K3S.execInContainer(command);
    }

    static String kubectlOk(String... args) throws IOException, InterruptedException {
        ExecResult result = kubectl(args);
        assertThat(result.getExitCode()).as("kubectl %s: %s", String.join(" ", args), result.getStderr()).isZero();
        return result.getStdout();
    }

    static String copyIn(Path file) {
        String target = IN_CONTAINER + file.getFileName();
        K3S.copyFileToContainer(MountableFile.forHostPath(file), target);
        return target;
    }

    static String copyIn(String name, String content) {
        String target = IN_CONTAINER + name;
        K3S.copyFileToContainer(Transferable.of(content.getBytes(StandardCharsets.UTF_8)), target);
        return target;
    }

    /** The admin kubeconfig's server and CA, with the operator ServiceAccount's token as the user. */
    static String kubeconfigWithToken(String adminKubeconfig, String token, String namespace) {
        Config admin = Config.fromKubeconfig(adminKubeconfig);
        String ca = admin.getCaCertData();
        assertThat(ca).as("CA data in the K3s kubeconfig").isNotBlank();
        return """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: k3s
                    cluster:
                      server: %s
                      certificate-authority-data: %s
                users:
                  - name: ganesha-ha-operator
                    user:
                      token: %s
                contexts:
                  - name: ganesha-ha-operator
                    context:
                      cluster: k3s
                      user: ganesha-ha-operator
                      namespace: %s
                current-context: ganesha-ha-operator
                """.formatted(admin.getMasterUrl().replaceAll("/+$", ""), ca, token, namespace);
    }

    static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:\\s]+:(\\d+)");

    static int httpPort() throws IOException {
        Matcher m = LISTENING.matcher(Files.readString(operatorLog));
        assertThat(m.find()).as("the operator has logged its HTTP port").isTrue();
        return Integer.parseInt(m.group(1));
    }

    /**
     * Waits until {@code assertion} holds; fails at once if the operator process exits, and on
     * failure shows the end of the operator's log, where the reason usually is (e.g. a forbidden
     * request).
     */
    static void eventually(String what, ThrowingRunnable assertion) {
        try {
            await(what).atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .failFast("the operator process exited", () -> !operator.isAlive())
                    .untilAsserted(assertion);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(what + ": " + e.getMessage() + "\n--- end of " + operatorLog + " ---\n"
                    + logTail(80), e);
        }
    }

    static String logTail(int lines) {
        try {
            List<String> all = new ArrayList<>(Files.readAllLines(operatorLog));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }
}
