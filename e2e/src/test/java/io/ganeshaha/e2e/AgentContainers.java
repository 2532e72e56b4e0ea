package io.ganeshaha.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.ganeshaha.agent.testing.Lab;
import io.ganeshaha.agent.testing.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node agent's image run in lab nodes as the operator's DaemonSet declares its pod, with Podman
 * in the kubelet's place: the node's network and UTS namespaces (hostNetwork), the machine's pid
 * namespace, which the lab's nodes share (hostPID), a private IPC namespace (no hostIPC), every
 * hostPath volume from the node's own view of the file system with its type checked or created and
 * its propagation and read-only flag, the ConfigMap projected into a directory, the env with the
 * downward API's values filled in, the image's entry point unless the spec gives a command,
 * privileges as the security context says, and the probes run here as the kubelet runs them (HTTP
 * GET on the pod's address, which is the node's). A field this runner does not honour fails the run
 * by name rather than being skipped: whatever the operator adds to the pod is either run or
 * reported.
 *
 * <p>One departure, said where it happens: a pod reaches the API server through its service account
 * token and the cluster's service address; here the agent is pointed at the node's uplink to the
 * test's API server through Fabric8's environment variables.
 */
final class AgentContainers implements AutoCloseable {

    /** The pod fields that only the scheduler and the API server act on: nothing to run for them. */
    private static final Set<String> SCHEDULING_ONLY = Set.of("affinity", "tolerations", "nodeSelector",
            "priorityClassName", "imagePullSecrets", "serviceAccountName", "dnsPolicy");
    private static final Duration CALL = Duration.ofSeconds(60);
    private static final Pattern LOADED = Pattern.compile("Loaded image(?:\\(s\\))?: (\\S+)");

    private final Lab lab;
    private final Path work;
    private final Path imageArchive;
    private final Map<String, String> loadedImage = new ConcurrentHashMap<>();
    private final List<Pod> pods = new CopyOnWriteArrayList<>();

    /** @param imageArchive the agent image as {@code docker save} wrote it (scripts/images --save) */
    AgentContainers(Lab lab, Path work, Path imageArchive) {
        this.lab = lab;
        this.work = work;
        this.imageArchive = imageArchive;
    }

    /** One probe's answer, as the kubelet would record it. */
    record ProbeResult(Instant at, String probe, boolean ok, String detail) {}

    /**
     * Runs the DaemonSet's pod on {@code node}, whose Kubernetes name is {@code kubernetesName}, with
     * {@code config} as its ConfigMap volume's content; returns once the container runs (its start-up
     * probe is then for the caller to await).
     */
    Pod run(String node, String kubernetesName, DaemonSet daemonSet, ConfigMap config) {
        PodSpec spec = daemonSet.getSpec().getTemplate().getSpec();
        String namespace = daemonSet.getMetadata().getNamespace();
        requireScheduledOn(spec, kubernetesName);
        List<String> unsupported = new ArrayList<>();
        Map<String, Object> fields = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper()
                .convertValue(spec, Map.class);
        for (String field : fields.keySet()) {
            if (!SCHEDULING_ONLY.contains(field) && !Set.of("hostNetwork", "hostPID", "hostIPC", "containers", "volumes",
                    "terminationGracePeriodSeconds").contains(field)) {
                unsupported.add("spec." + field);
            }
        }
        if (spec.getContainers().size() != 1) {
            unsupported.add("spec.containers (" + spec.getContainers().size() + " containers; the agent pod has one)");
        }
        Container c = spec.getContainers().get(0);
        long holder = lab.holder(node);
        List<String> argv = new ArrayList<>(List.of("run", "-d", "--name", containerName(kubernetesName), "--pull", "never",
                // Podman's default limits (a million files) are above what root may raise them to
                // on these machines; the agent uses a few hundred descriptors.
                "--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096",
                "--log-opt", "path=" + work.resolve("container-" + kubernetesName + ".log")));

        // Namespaces. hostNetwork also gives the pod the host's UTS namespace (its hostname).
        if (!Boolean.TRUE.equals(spec.getHostNetwork())) {
            unsupported.add("spec.hostNetwork=false (the agent pod is declared on the host's network)");
        }
        argv.addAll(List.of("--network", "ns:/proc/" + holder + "/ns/net", "--uts", "ns:/proc/" + holder + "/ns/uts"));
        if (Boolean.TRUE.equals(spec.getHostPID())) {
            requireMachinePidNamespace(holder);
            argv.addAll(List.of("--pid", "host"));
        }
        if (Boolean.TRUE.equals(spec.getHostIPC())) {
            argv.addAll(List.of("--ipc", "ns:/proc/" + holder + "/ns/ipc"));
        }

        // Security context: privileged, and nothing else set.
        if (c.getSecurityContext() != null) {
            Map<String, Object> sc = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper()
                    .convertValue(c.getSecurityContext(), Map.class);
            sc.keySet().stream().filter(k -> !k.equals("privileged")).forEach(k -> unsupported.add("securityContext." + k));
            if (Boolean.TRUE.equals(c.getSecurityContext().getPrivileged())) {
                argv.add("--privileged");
            }
        }

        // Volumes: hostPath from the node's own view, the ConfigMap projected as the kubelet does.
        Map<String, Volume> volumes = new java.util.HashMap<>();
        spec.getVolumes().forEach(v -> volumes.put(v.getName(), v));
        for (VolumeMount m : c.getVolumeMounts()) {
            Volume v = volumes.get(m.getName());
            if (v == null) {
                unsupported.add("volumeMount " + m.getName() + " names no volume");
                continue;
            }
            if (m.getSubPath() != null || m.getSubPathExpr() != null) {
                unsupported.add("volumeMount " + m.getName() + ".subPath");
            }
            String source;
            if (v.getHostPath() != null) {
                source = v.getHostPath().getPath();
                prepareHostPath(node, source, v.getHostPath().getType());
            } else if (v.getConfigMap() != null) {
                if (!v.getConfigMap().getName().equals(config.getMetadata().getName())) {
                    throw new AssertionError("the pod mounts ConfigMap " + v.getConfigMap().getName() + ", the test gave "
                            + config.getMetadata().getName());
                }
                source = project(kubernetesName, config).toString();
            } else {
                unsupported.add("volume " + v.getName() + " (neither hostPath nor configMap)");
                continue;
            }
            List<String> options = new ArrayList<>();
            if (Boolean.TRUE.equals(m.getReadOnly())) {
                options.add("ro");
            }
            String propagation = m.getMountPropagation();
            if ("HostToContainer".equals(propagation)) {
                options.add("rslave");
            } else if ("Bidirectional".equals(propagation)) {
                options.add("rshared");
            } else if (propagation != null && !propagation.equals("None")) {
                unsupported.add("volumeMount " + m.getName() + ".mountPropagation=" + propagation);
            }
            argv.addAll(List.of("-v", source + ":" + m.getMountPath() + (options.isEmpty() ? "" : ":" + String.join(",", options))));
        }

        // Env, with the downward API's values as the kubelet fills them in.
        for (EnvVar e : c.getEnv()) {
            String value;
            if (e.getValueFrom() == null) {
                value = e.getValue();
            } else if (e.getValueFrom().getFieldRef() != null) {
                value = switch (e.getValueFrom().getFieldRef().getFieldPath()) {
                    case "metadata.namespace" -> namespace;
                    case "spec.nodeName" -> kubernetesName;
                    case "metadata.name" -> daemonSet.getMetadata().getName() + "-" + kubernetesName;
                    default -> {
                        unsupported.add("env " + e.getName() + " from " + e.getValueFrom().getFieldRef().getFieldPath());
                        yield "";
                    }
                };
            } else {
                unsupported.add("env " + e.getName() + " (valueFrom other than fieldRef)");
                continue;
            }
            argv.addAll(List.of("-e", e.getName() + "=" + value));
        }
        if (c.getEnvFrom() != null && !c.getEnvFrom().isEmpty()) {
            unsupported.add("envFrom");
        }
        // In place of the service account token and the API server's service address.
        argv.addAll(List.of("-e", "KUBERNETES_MASTER=http://127.0.0.1:" + io.ganeshaha.agent.testing.KubernetesApi.NODE_PORT,
                "-e", "KUBERNETES_AUTH_TRYKUBECONFIG=false", "-e", "KUBERNETES_AUTH_TRYSERVICEACCOUNT=false"));

        // Resources: requests are the scheduler's; limits would be the runtime's.
        if (c.getResources() != null && c.getResources().getLimits() != null) {
            Map<String, Quantity> limits = c.getResources().getLimits();
            if (limits.containsKey("memory")) {
                argv.addAll(List.of("--memory", Long.toString(Quantity.getAmountInBytes(limits.get("memory")).longValue())));
            }
            if (limits.containsKey("cpu")) {
                argv.addAll(List.of("--cpus", Quantity.getAmountInBytes(limits.get("cpu")).toPlainString()));
            }
        }
        if (c.getLifecycle() != null) {
            unsupported.add("lifecycle");
        }
        if ("Always".equals(c.getImagePullPolicy())) {
            unsupported.add("imagePullPolicy=Always (no registry here; the image is loaded into the node's runtime)");
        }
        if (!unsupported.isEmpty()) {
            throw new AssertionError("the agent pod asks for what this runner does not honour, so it would not run "
                    + "as declared: " + unsupported);
        }

        String image = c.getImage();
        podman(node, "tag", loadInto(node), image).orFail("podman tag " + image);
        if (c.getCommand() != null && !c.getCommand().isEmpty()) {
            argv.addAll(List.of("--entrypoint", io.fabric8.kubernetes.client.utils.Serialization.asJson(c.getCommand())));
        }
        argv.add(image);
        if (c.getArgs() != null) {
            argv.addAll(c.getArgs());
        }
        podman(node, argv.toArray(String[]::new)).orFail("podman run of the agent pod on " + node);
        Pod pod = new Pod(node, kubernetesName, holder, c,
                spec.getTerminationGracePeriodSeconds() == null ? 30 : spec.getTerminationGracePeriodSeconds().intValue());
        pods.add(pod);
        return pod;
    }

    /** The pod's node affinity must select the node: the DaemonSet would not place it there otherwise. */
    private static void requireScheduledOn(PodSpec spec, String kubernetesName) {
        var required = spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        boolean selected = required.getNodeSelectorTerms().stream().anyMatch(t -> t.getMatchFields().stream()
                .allMatch(f -> f.getKey().equals("metadata.name") && f.getOperator().equals("In")
                        && f.getValues().contains(kubernetesName)));
        if (!selected) {
            throw new AssertionError("the DaemonSet's node affinity does not place an agent on " + kubernetesName);
        }
    }

    /** hostPID means the machine's pid namespace: the lab's nodes share it, so the node's is the machine's. */
    private static void requireMachinePidNamespace(long holder) {
        try {
            if (!Files.readSymbolicLink(Path.of("/proc/" + holder + "/ns/pid"))
                    .equals(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")))) {
                throw new AssertionError("the lab node has a pid namespace of its own: hostPID cannot be given");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As the kubelet treats a hostPath volume's type, in the node's view of the file system. */
    private void prepareHostPath(String node, String path, String type) {
        String check = switch (type == null ? "" : type) {
            case "Directory" -> "test -d \"$1\" || { echo \"hostPath $1: no such directory\" >&2; exit 1; }";
            case "DirectoryOrCreate" -> "mkdir -p \"$1\"";
            case "File" -> "test -f \"$1\" || { echo \"hostPath $1: no such file\" >&2; exit 1; }";
            case "FileOrCreate" -> "test -e \"$1\" || { mkdir -p \"$(dirname \"$1\")\" && : > \"$1\"; }";
            case "" -> "true";
            default -> throw new AssertionError("hostPath " + path + ": type " + type + " is not honoured here");
        };
        inNodeMounts(node, List.of("sh", "-c", check, "hostPath", path)).orFail("hostPath " + path + " (" + type + ")");
    }

    /** What the kubelet does with the ConfigMap volume on that node: its keys as files. */
    Path project(String kubernetesName, ConfigMap config) {
        try {
            Path dir = Files.createDirectories(work.resolve("configmap-" + kubernetesName));
            for (var entry : config.getData().entrySet()) {
                Path staged = dir.resolve("." + entry.getKey() + ".new");
                Files.writeString(staged, entry.getValue());
                Files.move(staged, dir.resolve(entry.getKey()), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The image, loaded once into the node's own container storage; its name there. */
    private String loadInto(String node) {
        return loadedImage.computeIfAbsent(node, n -> {
            Shell.Result r = podman(n, "load", "-i", imageArchive.toString()).orFail("podman load on " + n);
            Matcher m = LOADED.matcher(r.stdout() + r.stderr());
            if (!m.find()) {
                throw new AssertionError("podman load named no image: " + r.stdout() + r.stderr());
            }
            return m.group(1);
        });
    }

    static String containerName(String kubernetesName) {
        return "ganesha-ha-agent-" + kubernetesName;
    }

    /**
     * Podman in the node's mount namespace, so that host paths are the node's. Its image store is the
     * node's own under the test's directory (the nodes would otherwise share one); its run-time state
     * in the node's private /run, which goes with the node (Podman wants that path short).
     */
    Shell.Result podman(String node, String... args) {
        Path store = work.resolve("podman").resolve(node);
        List<String> argv = new ArrayList<>(List.of("podman", "--root", store.resolve("root").toString(), "--runroot",
                "/run/ganesha-ha-podman", "--tmpdir", "/run/ganesha-ha-podman/tmp", "--cgroup-manager", "cgroupfs",
                "--events-backend", "file"));
        argv.addAll(List.of(args));
        return inNodeMounts(node, argv);
    }

    private Shell.Result inNodeMounts(String node, List<String> command) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "-t", Long.toString(lab.holder(node)), "-m", "--"));
        argv.addAll(command);
        return Shell.run(argv, CALL);
    }

    @Override
    public void close() {
        for (Pod pod : pods) {
            pod.close();
        }
    }

    /** A running agent pod: its container, and its probes as the kubelet runs them. */
    final class Pod implements AutoCloseable {
        final String node;
        final String kubernetesName;
        private final long holder;
        private final Container container;
        private final int gracePeriodSeconds;
        private final List<ProbeResult> results = new CopyOnWriteArrayList<>();
        private final ScheduledExecutorService kubelet = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "kubelet-probes");
            t.setDaemon(true);
            return t;
        });
        private volatile boolean started;
        private volatile boolean closed;

        private Pod(String node, String kubernetesName, long holder, Container container, int gracePeriodSeconds) {
            this.node = node;
            this.kubernetesName = kubernetesName;
            this.holder = holder;
            this.container = container;
            this.gracePeriodSeconds = gracePeriodSeconds;
            schedule("startup", container.getStartupProbe(), () -> !started, ok -> started |= ok);
            schedule("readiness", container.getReadinessProbe(), () -> started, ok -> {});
            schedule("liveness", container.getLivenessProbe(), () -> started, ok -> {});
        }

        private void schedule(String name, Probe probe, java.util.function.BooleanSupplier when,
                java.util.function.Consumer<Boolean> after) {
            if (probe == null) {
                return;
            }
            if (probe.getHttpGet() == null) {
                throw new AssertionError(name + " probe: only HTTP GET probes are run here");
            }
            long period = probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds();
            long initial = probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
            kubelet.scheduleAtFixedRate(() -> {
                if (closed || !when.getAsBoolean()) {
                    return;
                }
                ProbeResult r = probeOnce(name, probe);
                results.add(r);
                after.accept(r.ok());
            }, initial * 1000, period * 1000, TimeUnit.MILLISECONDS);
        }

        /** An HTTP GET on the pod's address (the node's: hostNetwork), with the probe's timeout. */
        private ProbeResult probeOnce(String name, Probe probe) {
            var get = probe.getHttpGet();
            int port = get.getPort().getIntVal() != null ? get.getPort().getIntVal()
                    : container.getPorts().stream().filter(p -> get.getPort().getStrVal().equals(p.getName()))
                            .map(ContainerPort::getContainerPort).findFirst()
                            .orElseThrow(() -> new AssertionError("probe port " + get.getPort().getStrVal() + " is not declared"));
            int timeout = probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds();
            Shell.Result r = Shell.run(List.of("nsenter", "-t", Long.toString(holder), "-n", "--", "curl", "-s", "-o",
                    "/dev/null", "-w", "%{http_code}", "--max-time", Integer.toString(timeout),
                    "http://127.0.0.1:" + port + (get.getPath() == null ? "/" : get.getPath())), Duration.ofSeconds(timeout + 5));
            String code = r.stdout().strip();
            boolean ok = code.matches("[23]\\d\\d");
            return new ProbeResult(Instant.now(), name, ok, ok ? code : code + " " + r.stderr().strip());
        }

        /** Waits until the start-up probe passed; fails as the kubelet would restart it after its threshold. */
        Duration awaitStarted() {
            Probe p = container.getStartupProbe();
            long budget = (p.getPeriodSeconds() == null ? 10 : p.getPeriodSeconds())
                    * (p.getFailureThreshold() == null ? 3 : p.getFailureThreshold());
            Instant t0 = Instant.now();
            while (!started) {
                if (Duration.between(t0, Instant.now()).toSeconds() > budget + 5) {
                    throw new AssertionError("the agent on " + node + " did not pass its start-up probe within " + budget
                            + " s: the kubelet restarts it. Probes: " + results + "\n" + logTail());
                }
                sleep(200);
            }
            return Duration.between(t0, Instant.now());
        }

        /** Waits until the readiness probe passes. */
        void awaitReady(Duration atMost) {
            Instant t0 = Instant.now();
            while (lastOf("readiness").map(r -> !r.ok()).orElse(true)) {
                if (Duration.between(t0, Instant.now()).compareTo(atMost) > 0) {
                    throw new AssertionError("the agent on " + node + " is not ready after " + atMost + ": "
                            + lastOf("readiness") + "\n" + logTail());
                }
                sleep(200);
            }
        }

        Optional<ProbeResult> lastOf(String probe) {
            ProbeResult last = null;
            for (ProbeResult r : results) {
                if (r.probe().equals(probe)) {
                    last = r;
                }
            }
            return Optional.ofNullable(last);
        }

        List<ProbeResult> results(String probe) {
            return results.stream().filter(r -> r.probe().equals(probe)).toList();
        }

        /**
         * The restarts the kubelet would have made: each run of {@code failureThreshold} failed
         * liveness probes in a row.
         */
        List<Instant> livenessRestarts() {
            int threshold = container.getLivenessProbe().getFailureThreshold() == null ? 3
                    : container.getLivenessProbe().getFailureThreshold();
            List<Instant> restarts = new ArrayList<>();
            int run = 0;
            for (ProbeResult r : results("liveness")) {
                run = r.ok() ? 0 : run + 1;
                if (run == threshold) {
                    restarts.add(r.at());
                    run = 0;
                }
            }
            return restarts;
        }

        /** A command in the container (podman exec). */
        Shell.Result exec(String... command) {
            List<String> args = new ArrayList<>(List.of("exec", containerName(kubernetesName)));
            args.addAll(List.of(command));
            return podman(node, args.toArray(String[]::new));
        }

        String state() {
            return podman(node, "inspect", "-f", "{{.State.Status}}", containerName(kubernetesName)).stdout().strip();
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(work.resolve("container-" + kubernetesName + ".log"));
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return "(no container log: " + e.getMessage() + ")";
            }
        }

        String log() {
            try {
                return Files.readString(work.resolve("container-" + kubernetesName + ".log"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** As Kubernetes deletes a pod: SIGTERM, then SIGKILL after the grace period. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            kubelet.shutdownNow();
            podman(node, "stop", "-t", Integer.toString(gracePeriodSeconds), containerName(kubernetesName));
            podman(node, "rm", "-f", containerName(kubernetesName));
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
