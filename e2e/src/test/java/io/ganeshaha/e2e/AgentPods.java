package io.ganeshaha.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ganeshaha.agent.testing.AgentProcess;
import io.ganeshaha.agent.testing.KubernetesApi;
import io.ganeshaha.agent.testing.Lab;
import io.ganeshaha.agent.testing.Shell;
import io.ganeshaha.agent.testing.TwoNodeLab;
import io.ganeshaha.api.agent.AgentSettings;
import io.ganeshaha.api.agent.HaConfigMap;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpec;
import io.ganeshaha.operator.Edits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The node agents as the operator's DaemonSet pods would run them on a {@link TwoNodeLab}: the
 * agent.properties the operator rendered, the downward API's values, and the ConfigMap projected
 * into a directory as the kubelet would (there is no kubelet here).
 */
final class AgentPods {

    private final Lab lab;
    private final Path work;
    private final Consumer<AutoCloseable> owner;
    private final String namespace;
    private final String cluster;

    AgentPods(TwoNodeLab two, String namespace, String cluster) {
        this(two.lab, two.work, two::own, namespace, cluster);
    }

    /**
     * @param work where the pods' files go (rendered properties, projected ConfigMaps, logs)
     * @param owner takes every agent started, to close it before the lab goes down
     */
    AgentPods(Lab lab, Path work, Consumer<AutoCloseable> owner, String namespace, String cluster) {
        this.lab = lab;
        this.work = work;
        this.owner = owner;
        this.namespace = namespace;
        this.cluster = cluster;
    }

    /**
     * Starts the agent of {@code node} (Kubernetes name {@code kubernetesName}) from {@code config};
     * {@code hostPidFile} is the pid file's path on the host, which the pod sees at its own mount.
     */
    AgentProcess start(String node, String kubernetesName, ConfigMap config, String hostPidFile) {
        String rendered = config.getData().get(HaConfigMap.AGENT_PROPERTIES);
        // The lab mounts the source tree, read-only, as the provider directory: the agent installs
        // into a directory of the test's instead, and the test checks what arrives there. The pid
        // file is read where the pod sees it (see below).
        // The pod sees the pid file's host directory at the operator's HaConfiguration.AGENT_PID_DIR.
        String podPidFile = "/host/ganesha-pid/" + Path.of(hostPidFile).getFileName();
        String pidLine = AgentSettings.PID_FILE + "=" + podPidFile;
        String ocfLine = AgentSettings.OCF_PROVIDER_DIR + "=" + GaneshaClusterSpec.DEFAULT_OCF_PROVIDER_DIR;
        String cibLine = AgentSettings.PACEMAKER_CONFIG_DIR + "=" + HaConfigMap.MOUNT_PATH;
        assertThat(rendered).contains(ocfLine).contains(cibLine).contains(pidLine);
        project(kubernetesName, config);
        Path properties;
        try {
            properties = Files.writeString(work.resolve("agent-" + kubernetesName + ".properties"), rendered
                    .replace(ocfLine, AgentSettings.OCF_PROVIDER_DIR + "=" + work.resolve("ocf-" + kubernetesName))
                    .replace(cibLine, AgentSettings.PACEMAKER_CONFIG_DIR + "=" + projection(kubernetesName))
                    + "ganesha-ha.agent.pacemaker-config-interval=1s\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> settings = new ArrayList<>(KubernetesApi.apiSettings());
        settings.add("quarkus.config.locations=" + properties);
        settings.add("ganesha-ha.agent.kubernetes.namespace=" + namespace);
        settings.add("ganesha-ha.agent.kubernetes.node-name=" + kubernetesName);
        settings.add("ganesha-ha.agent.kubernetes.poll-interval=200ms");
        // As the pod: the pid file's host directory at the pod's own path (hostPath), the host's
        // processes in view (hostPID); the agent reads the pid file the operator rendered.
        String hostPidDir = Path.of(hostPidFile).getParent().toString();
        AgentProcess agent = new AgentProcess(lab, node, work.resolve("agent-" + kubernetesName + ".log"),
                settings, java.util.Map.of(Path.of(podPidFile).getParent().toString(), hostPidDir));
        owner.accept(agent);
        agent.start();
        // From inside the agent's mount namespace: the host's pid file, naming the host's ganesha.nfsd.
        java.util.Optional<Long> running = lab.ganeshaPid(node);
        if (running.isPresent()) {
            String nfsd = running.get().toString();
            String seen = inAgentsView(agent, "cat", podPidFile).lines().findFirst().orElse("").strip();
            assertThat(seen).as("the pid file as the agent's pod sees it").isEqualTo(nfsd);
            assertThat(inAgentsView(agent, "cat", "/proc/" + nfsd + "/comm").strip()).isEqualTo("ganesha.nfsd");
        }
        return agent;
    }

    private static String inAgentsView(AgentProcess agent, String... argv) {
        List<String> command = new ArrayList<>(List.of("nsenter", "-t", Long.toString(agent.pid()), "-m", "--"));
        command.addAll(List.of(argv));
        return Shell.run(command, java.time.Duration.ofSeconds(10)).orFail(String.join(" ", argv)).stdout();
    }

    Path projection(String kubernetesName) {
        return work.resolve("config-" + kubernetesName);
    }

    /** What the kubelet does with the ConfigMap volume on that node: its keys as files. */
    void project(String kubernetesName, ConfigMap config) {
        try {
            Path dir = Files.createDirectories(projection(kubernetesName));
            for (var entry : config.getData().entrySet()) {
                Path staged = dir.resolve("." + entry.getKey() + ".new");
                Files.writeString(staged, entry.getValue());
                Files.move(staged, dir.resolve(entry.getKey()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ConfigMap haConfig(KubernetesClient client) {
        return client.configMaps().inNamespace(namespace).withName(cluster + "-ha-config").get();
    }

    /** What the DaemonSet controller reports once both agent pods run the current template. */
    void rolledOut(KubernetesClient client) {
        rolledOut(client, 2);
    }

    /** The same for {@code pods} agent pods. */
    void rolledOut(KubernetesClient client, int pods) {
        Edits.rolledOut(client.apps().daemonSets().inNamespace(namespace).withName(cluster + "-node-agent"), pods);
    }
}
