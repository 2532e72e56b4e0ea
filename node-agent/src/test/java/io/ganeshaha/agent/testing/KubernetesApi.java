package io.ganeshaha.agent.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Kubernetes API for the lab's node agents: Fabric8's mock server in CRUD mode, in the test JVM,
 * with the project's CRDs registered. Lab nodes live in their own network namespaces, so each node
 * reaches it through an uplink: inside the node, {@code 127.0.0.1:PORT} is forwarded by socat to a
 * unix socket that the host side forwards to the server. Cutting a node's uplink is how a test
 * takes the API server away from one agent.
 */
public final class KubernetesApi implements AutoCloseable {

    /** Held, so the level sticks: the mock logs every request at INFO through java.util.logging. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    /** Where the agents inside the lab nodes find the API. */
    public static final int NODE_PORT = 16443;

    private final Lab lab;
    private final Path socket;
    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Process hostSide;
    private final Map<String, Process> uplinks = new ConcurrentHashMap<>();

    public KubernetesApi(Lab lab, Path work) throws IOException {
        this.lab = lab;
        this.socket = work.resolve("kube-api.sock");
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        Files.deleteIfExists(socket);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
        for (String crd : List.of("ganeshaclusters.ganeshaha.io-v1.yml", "ganeshanodes.ganeshaha.io-v1.yml")) {
            client.apiextensions().v1().customResourceDefinitions()
                    .load(ProjectPaths.root().resolve("crds").resolve(crd).toFile()).create();
        }
        hostSide = new ProcessBuilder("socat", "UNIX-LISTEN:" + socket + ",fork,unlink-early",
                "TCP:127.0.0.1:" + server.getPort()).redirectErrorStream(true)
                .redirectOutput(work.resolve("kube-api-uplink.log").toFile()).start();
    }

    public KubernetesClient client() {
        return client;
    }

    /** The API as seen from the host (the test JVM, an operator process). */
    public String hostUrl() {
        return "http://127.0.0.1:" + server.getPort();
    }

    /** What points an agent inside a lab node at this API (Fabric8 reads kubernetes.* system properties). */
    public static List<String> apiSettings() {
        return List.of(
                "kubernetes.master=http://127.0.0.1:" + NODE_PORT,
                "kubernetes.auth.tryKubeConfig=false",
                "kubernetes.auth.tryServiceAccount=false");
    }

    /** The agent settings that point it at this API and tell it which cluster and node it reports. */
    public List<String> agentSettings(String namespace, String cluster, String nodeName, List<String> vips) {
        List<String> settings = new java.util.ArrayList<>(apiSettings());
        settings.addAll(List.of(
                "ganesha-ha.agent.kubernetes.cluster=" + cluster,
                "ganesha-ha.agent.kubernetes.namespace=" + namespace,
                "ganesha-ha.agent.kubernetes.node-name=" + nodeName,
                "ganesha-ha.agent.kubernetes.virtual-ips=" + String.join(",", vips),
                "ganesha-ha.agent.kubernetes.poll-interval=200ms",
                "ganesha-ha.agent.kubernetes.request-timeout=2s"));
        return settings;
    }

    /** Connects the node to the API. */
    public void connect(String node) {
        awaitSocket();
        try {
            Process p = new ProcessBuilder("nsenter", "-t", Long.toString(lab.holder(node)), "-n", "--", "socat",
                    "TCP-LISTEN:" + NODE_PORT + ",bind=127.0.0.1,fork,reuseaddr", "UNIX-CONNECT:" + socket)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            uplinks.put(node, p);
        } catch (IOException e) {
            throw new AssertionError("cannot start the API uplink of " + node, e);
        }
    }

    /** Cuts the node off the API, open connections included (socat's forked children). */
    public void disconnect(String node) {
        Process p = uplinks.remove(node);
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void awaitSocket() {
        for (int i = 0; i < 100 && !Files.exists(socket); i++) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        List.copyOf(uplinks.keySet()).forEach(this::disconnect);
        hostSide.descendants().forEach(ProcessHandle::destroyForcibly);
        hostSide.destroyForcibly();
        client.close();
        server.destroy();
    }
}
