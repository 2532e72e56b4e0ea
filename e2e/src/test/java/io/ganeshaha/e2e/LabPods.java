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

/**
 * Pods run in lab nodes as their spec declares them, with Podman in the kubelet's place: the node
 * agent's DaemonSet pod and the operator's Deployment pod, from the images scripts/images built and
 * pushed. What the kubelet would do is done here: the image pulled as the pull policy says; for
 * hostNetwork the node's network and UTS namespaces; for hostPID the machine's pid namespace, which
 * the lab's nodes share; a private IPC namespace unless hostIPC; every hostPath volume from the
 * node's own view of the file system, its type checked or created, with its propagation and
 * read-only flag; ConfigMap volumes projected into a directory, emptyDir volumes as fresh writable
 * directories; the env with the downward API's values filled in; the image's entry point unless the
 * spec gives a command; the pod's and container's security context (privileged, non-root, dropped
 * capabilities, no privilege escalation, read-only root file system, the runtime's default seccomp
 * profile); memory and CPU limits; and the start-up, readiness and liveness probes (HTTP GET on the
 * pod's address). A field this runner does not honour fails the run by name rather than being
 * skipped: whatever the operator or the chart adds to a pod is either run or reported.
 *
 * <p>Two departures, said where they happen: the lab has no pod network, so a pod that is not on the
 * host's network gets its node's network namespace all the same; and a pod reaches the API server
 * through its service account and the cluster's service address, here through the node's uplink to
 * the test's API server, named in Fabric8's and Quarkus's environment variables.
 */
final class LabPods implements AutoCloseable {

    /** The pod fields that only the scheduler and the API server act on: nothing to run for them. */
    private static final Set<String> SCHEDULING_ONLY = Set.of("affinity", "tolerations", "nodeSelector",
            "priorityClassName", "imagePullSecrets", "serviceAccountName", "dnsPolicy");
    private static final Set<String> RUN_HERE = Set.of("hostNetwork", "hostPID", "hostIPC", "containers", "volumes",
            "terminationGracePeriodSeconds", "securityContext");
    /** The container fields this runner applies (lifecycle and envFrom are refused by name below). */
    private static final Set<String> CONTAINER_FIELDS = Set.of("name", "image", "imagePullPolicy", "command", "args",
            "env", "ports", "resources", "volumeMounts", "readinessProbe", "livenessProbe", "startupProbe",
            "securityContext", "lifecycle", "envFrom");
    private static final Set<String> PROBE_FIELDS = Set.of("httpGet", "periodSeconds", "timeoutSeconds",
            "failureThreshold", "initialDelaySeconds", "successThreshold");
    private static final Duration CALL = Duration.ofSeconds(60);
    private static final Duration PULL = Duration.ofMinutes(3);

    private final Lab lab;
    private final Path work;
    private final List<Pod> pods = new CopyOnWriteArrayList<>();
    private final Map<String, Duration> pulls = new ConcurrentHashMap<>();

    LabPods(Lab lab, Path work) {
        this.lab = lab;
        this.work = work;
    }

    /** One probe's answer, as the kubelet would record it. */
    record ProbeResult(Instant at, String probe, boolean ok, String detail) {}

    /** The node agent's pod of {@code daemonSet} on {@code node} (Kubernetes name {@code kubernetesName}). */
    Pod runDaemonSetPod(String node, String kubernetesName, DaemonSet daemonSet, ConfigMap config) {
        requireScheduledOn(daemonSet.getSpec().getTemplate().getSpec(), kubernetesName);
        return run(node, kubernetesName, daemonSet.getMetadata().getNamespace(),
                daemonSet.getMetadata().getName() + "-" + kubernetesName, daemonSet.getSpec().getTemplate().getSpec(),
                Map.of(config.getMetadata().getName(), config));
    }

    /**
     * Runs the pod {@code podName} of {@code spec} on {@code node} (Kubernetes name
     * {@code kubernetesName}), with {@code configMaps} (by name) for its ConfigMap volumes; returns
     * once its container runs (its probes are then for the caller to await).
     */
    Pod run(String node, String kubernetesName, String namespace, String podName, PodSpec spec,
            Map<String, ConfigMap> configMaps) {
        List<String> unsupported = new ArrayList<>();
        Map<String, Object> fields = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper()
                .convertValue(spec, Map.class);
        for (String field : fields.keySet()) {
            if (!SCHEDULING_ONLY.contains(field) && !RUN_HERE.contains(field)) {
                unsupported.add("spec." + field);
            }
        }
        if (spec.getContainers().size() != 1) {
            unsupported.add("spec.containers (" + spec.getContainers().size() + " containers; these pods have one)");
        }
        if (spec.getNodeSelector() != null && !spec.getNodeSelector().isEmpty()) {
            unsupported.add("spec.nodeSelector " + spec.getNodeSelector() + " (the lab's nodes carry no labels)");
        }
        Container c = spec.getContainers().get(0);
        var mapper = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper();
        for (String field : ((Map<String, Object>) mapper.convertValue(c, Map.class)).keySet()) {
            if (!CONTAINER_FIELDS.contains(field)) {
                unsupported.add("container." + field);
            }
        }
        for (var probe : Map.of("startupProbe", Optional.ofNullable(c.getStartupProbe()), "readinessProbe",
                Optional.ofNullable(c.getReadinessProbe()), "livenessProbe", Optional.ofNullable(c.getLivenessProbe()))
                .entrySet()) {
            probe.getValue().ifPresent(p -> {
                for (String field : ((Map<String, Object>) mapper.convertValue(p, Map.class)).keySet()) {
                    if (!PROBE_FIELDS.contains(field)) {
                        unsupported.add(probe.getKey() + "." + field);
                    }
                }
                var get = p.getHttpGet();
                if (get == null || get.getHost() != null || (get.getScheme() != null && !get.getScheme().equals("HTTP"))
                        || (get.getHttpHeaders() != null && !get.getHttpHeaders().isEmpty())) {
                    unsupported.add(probe.getKey() + " (only HTTP GET on the pod's address, no headers, is run here)");
                }
                if (p.getSuccessThreshold() != null && p.getSuccessThreshold() != 1) {
                    unsupported.add(probe.getKey() + ".successThreshold " + p.getSuccessThreshold());
                }
            });
        }
        long holder = lab.holder(node);
        Path podDir = work.resolve("pods").resolve(podName);
        List<String> argv = new ArrayList<>(List.of("run", "-d", "--name", podName, "--pull", "never",
                // Podman's default limits (a million files) are above what root may raise them to
                // on these machines; these JVMs use a few hundred descriptors.
                "--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096",
                "--log-opt", "path=" + logOf(podName)));

        // Namespaces. hostNetwork also gives the pod the host's UTS namespace (its hostname). The lab
        // has no pod network: any pod gets its node's network namespace (the first departure).
        argv.addAll(List.of("--network", "ns:/proc/" + holder + "/ns/net"));
        if (Boolean.TRUE.equals(spec.getHostNetwork())) {
            argv.addAll(List.of("--uts", "ns:/proc/" + holder + "/ns/uts"));
        }
        if (Boolean.TRUE.equals(spec.getHostPID())) {
            requireMachinePidNamespace(holder);
            argv.addAll(List.of("--pid", "host"));
        }
        if (Boolean.TRUE.equals(spec.getHostIPC())) {
            argv.addAll(List.of("--ipc", "ns:/proc/" + holder + "/ns/ipc"));
        }

        String image = c.getImage();
        ensureImage(node, image, c.getImagePullPolicy());
        securityContext(node, spec, c, image, argv, unsupported);

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
                if (v.getConfigMap().getItems() != null && !v.getConfigMap().getItems().isEmpty()
                        || v.getConfigMap().getDefaultMode() != null || v.getConfigMap().getOptional() != null) {
                    unsupported.add("volume " + v.getName() + ": configMap items, defaultMode or optional");
                }
                // The kubelet mounts ConfigMap volumes read-only, whatever the mount says.
                m = new io.fabric8.kubernetes.api.model.VolumeMountBuilder(m).withReadOnly(true).build();
                ConfigMap config = configMaps.get(v.getConfigMap().getName());
                if (config == null) {
                    throw new AssertionError("the pod mounts ConfigMap " + v.getConfigMap().getName() + ", the test gave "
                            + configMaps.keySet());
                }
                source = project(podDir.resolve("configmap-" + v.getName()), config).toString();
            } else if (v.getEmptyDir() != null) {
                if (v.getEmptyDir().getMedium() != null && !v.getEmptyDir().getMedium().isEmpty()
                        || v.getEmptyDir().getSizeLimit() != null) {
                    unsupported.add("volume " + v.getName() + ": emptyDir medium or sizeLimit");
                }
                // Created empty and writable by any user, as the kubelet does.
                source = emptyDir(podDir.resolve("emptydir-" + v.getName())).toString();
            } else {
                unsupported.add("volume " + v.getName() + " (neither hostPath, configMap nor emptyDir)");
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
                    case "metadata.name" -> podName;
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
        // In place of the service account token and the API server's service address (the second
        // departure): the node's uplink to the test's API server.
        String api = "http://127.0.0.1:" + io.ganeshaha.agent.testing.KubernetesApi.NODE_PORT;
        argv.addAll(List.of("-e", "KUBERNETES_MASTER=" + api, "-e", "QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL=" + api,
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
        if (!unsupported.isEmpty()) {
            throw new AssertionError("the agent pod asks for what this runner does not honour, so it would not run "
                    + "as declared: " + unsupported);
        }

        if (c.getCommand() != null && !c.getCommand().isEmpty()) {
            argv.addAll(List.of("--entrypoint", io.fabric8.kubernetes.client.utils.Serialization.asJson(c.getCommand())));
        }
        argv.add(image);
        if (c.getArgs() != null) {
            argv.addAll(c.getArgs());
        }
        podman(node, argv.toArray(String[]::new)).orFail("podman run of pod " + podName + " on " + node);
        Pod pod = new Pod(node, podName, holder, c,
                spec.getTerminationGracePeriodSeconds() == null ? 30 : spec.getTerminationGracePeriodSeconds().intValue());
        pods.add(pod);
        return pod;
    }

    /** The pod's node affinity must select the node: the DaemonSet would not place it there otherwise. */
    private static void requireScheduledOn(PodSpec spec, String kubernetesName) {
        var required = spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        for (var term : required.getNodeSelectorTerms()) {
            if (term.getMatchExpressions() != null && !term.getMatchExpressions().isEmpty()) {
                throw new AssertionError("node affinity by label (matchExpressions): the lab's nodes carry no labels");
            }
        }
        boolean selected = required.getNodeSelectorTerms().stream().anyMatch(t -> !t.getMatchFields().isEmpty()
                && t.getMatchFields().stream().allMatch(f -> f.getKey().equals("metadata.name")
                        && f.getOperator().equals("In") && f.getValues().contains(kubernetesName)));
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

    /**
     * The pod's and the container's security context, as the kubelet and the runtime apply them.
     * runAsNonRoot is checked against the user the image runs as, as the kubelet refuses to start a
     * container that would run as root.
     */
    private void securityContext(String node, PodSpec spec, Container c, String image, List<String> argv,
            List<String> unsupported) {
        var mapper = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper();
        Boolean runAsNonRoot = null;
        Long runAsUser = null;
        var pod = spec.getSecurityContext();
        if (pod != null) {
            Map<String, Object> fields = mapper.convertValue(pod, Map.class);
            for (String k : fields.keySet()) {
                if (!Set.of("runAsNonRoot", "runAsUser", "seccompProfile").contains(k)) {
                    unsupported.add("spec.securityContext." + k);
                }
            }
            runAsNonRoot = pod.getRunAsNonRoot();
            runAsUser = pod.getRunAsUser();
            if (pod.getSeccompProfile() != null && !"RuntimeDefault".equals(pod.getSeccompProfile().getType())) {
                unsupported.add("spec.securityContext.seccompProfile " + pod.getSeccompProfile().getType());
            }
        }
        var sc = c.getSecurityContext();
        if (sc != null) {
            Map<String, Object> fields = mapper.convertValue(sc, Map.class);
            for (String k : fields.keySet()) {
                if (!Set.of("privileged", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "capabilities",
                        "runAsNonRoot", "runAsUser").contains(k)) {
                    unsupported.add("securityContext." + k);
                }
            }
            if (Boolean.TRUE.equals(sc.getPrivileged())) {
                argv.add("--privileged");
            }
            if (Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                argv.addAll(List.of("--security-opt", "no-new-privileges"));
            }
            if (Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
                // Nothing writable but the pod's volumes: Podman's own tmpfs on /tmp and /run would
                // hide a missing emptyDir.
                argv.addAll(List.of("--read-only", "--read-only-tmpfs=false"));
            }
            if (sc.getCapabilities() != null) {
                for (String cap : sc.getCapabilities().getDrop() == null ? List.<String>of() : sc.getCapabilities().getDrop()) {
                    argv.addAll(List.of("--cap-drop", cap));
                }
                for (String cap : sc.getCapabilities().getAdd() == null ? List.<String>of() : sc.getCapabilities().getAdd()) {
                    argv.addAll(List.of("--cap-add", cap));
                }
            }
            runAsNonRoot = sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : runAsNonRoot;
            runAsUser = sc.getRunAsUser() != null ? sc.getRunAsUser() : runAsUser;
        }
        if (runAsUser != null) {
            argv.addAll(List.of("--user", runAsUser.toString()));
        }
        if (Boolean.TRUE.equals(runAsNonRoot)) {
            String user = runAsUser != null ? runAsUser.toString()
                    : podman(node, "image", "inspect", "-f", "{{.Config.User}}", image).orFail("image user").stdout().strip();
            if (user.isEmpty() || user.equals("0") || user.equals("root") || user.startsWith("0:") || !user.matches("\\d+(:\\d+)?")) {
                throw new AssertionError("runAsNonRoot, and " + image + " runs as '" + user + "': the kubelet refuses "
                        + "a user it cannot verify to be non-root (a numeric uid other than 0)");
            }
        }
    }

    private static Path emptyDir(Path dir) {
        try {
            if (Files.exists(dir)) {
                Shell.run(List.of("rm", "-rf", dir.toString()), CALL).orFail("an earlier emptyDir " + dir);
            }
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path logOf(String podName) {
        return work.resolve("pod-" + podName + ".log");
    }

    /** What the kubelet does with a ConfigMap volume on that node: its keys as files. */
    Path project(Path dir, ConfigMap config) {
        try {
            Files.createDirectories(dir);
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

    /**
     * The image in the node's own storage as the pull policy says (IfNotPresent when unset and the
     * tag is not latest): pulled from its registry unless present, never pulled for Never, always
     * for Always. The lab's registry speaks plain HTTP on loopback, so the runtime is told it is
     * insecure, as a node's runtime would be configured for such a registry.
     */
    private void ensureImage(String node, String image, String policy) {
        String name = image.substring(image.lastIndexOf('/') + 1);
        boolean pinned = name.contains("@") || name.contains(":") && !name.endsWith(":latest");
        String effective = policy != null ? policy : pinned ? "IfNotPresent" : "Always";
        boolean present = podman(node, "image", "exists", image).exitCode() == 0;
        switch (effective) {
            case "Never" -> {
                if (!present) {
                    throw new AssertionError("imagePullPolicy Never and " + image + " is not on " + node);
                }
            }
            case "IfNotPresent", "Always" -> {
                if (!present || effective.equals("Always")) {
                    Instant t0 = Instant.now();
                    inNodeMounts(node, podmanArgs(node, "pull", "--quiet", "--tls-verify=false", image), PULL)
                            .orFail("podman pull " + image + " on " + node);
                    pulls.put(node + " " + image, Duration.between(t0, Instant.now()));
                }
            }
            default -> throw new AssertionError("imagePullPolicy " + effective + " is not a pull policy");
        }
    }

    /** How long each pull took, by "node image". */
    Map<String, Duration> pulls() {
        return Map.copyOf(pulls);
    }

    /**
     * Podman in the node's mount namespace, so that host paths are the node's. Its image store is the
     * node's own under the test's directory (the nodes would otherwise share one); its run-time state
     * in the node's private /run, which goes with the node (Podman wants that path short).
     */
    Shell.Result podman(String node, String... args) {
        return inNodeMounts(node, podmanArgs(node, args), CALL);
    }

    private List<String> podmanArgs(String node, String... args) {
        Path store = work.resolve("podman").resolve(node);
        List<String> argv = new ArrayList<>(List.of("podman", "--root", store.resolve("root").toString(), "--runroot",
                "/run/ganesha-ha-podman", "--tmpdir", "/run/ganesha-ha-podman/tmp", "--cgroup-manager", "cgroupfs",
                "--events-backend", "file"));
        argv.addAll(List.of(args));
        return argv;
    }

    private Shell.Result inNodeMounts(String node, List<String> command) {
        return inNodeMounts(node, command, CALL);
    }

    private Shell.Result inNodeMounts(String node, List<String> command, Duration timeout) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "-t", Long.toString(lab.holder(node)), "-m", "--"));
        argv.addAll(command);
        return Shell.run(argv, timeout);
    }

    /** Every pod deleted, each whatever the others do. */
    @Override
    public void close() {
        for (Pod pod : pods) {
            try {
                pod.close();
            } catch (RuntimeException | Error e) {
                System.err.println("could not delete pod " + pod.name + " on " + pod.node + ": " + e);
            }
        }
    }

    /** A running pod: its container, and its probes as the kubelet runs them. */
    final class Pod implements AutoCloseable {
        final String node;
        final String name;
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

        private Pod(String node, String name, long holder, Container container, int gracePeriodSeconds) {
            this.node = node;
            this.name = name;
            this.holder = holder;
            this.container = container;
            this.gracePeriodSeconds = gracePeriodSeconds;
            // Without a start-up probe the container counts as started at once.
            started = container.getStartupProbe() == null;
            schedule("startup", container.getStartupProbe(), () -> !started, ok -> started |= ok);
            schedule("readiness", container.getReadinessProbe(), () -> started, ok -> {});
            schedule("liveness", container.getLivenessProbe(), () -> started, ok -> {});
        }

        private void schedule(String name, Probe probe, java.util.function.BooleanSupplier when,
                java.util.function.Consumer<Boolean> after) {
            if (probe == null) {
                return;
            }
            long period = probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds();
            long initial = probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
            kubelet.scheduleAtFixedRate(() -> {
                if (closed || !when.getAsBoolean()) {
                    return;
                }
                ProbeResult r;
                try {
                    r = probeOnce(name, probe);
                } catch (RuntimeException | Error e) {
                    // A probe that cannot run is a failed probe, and the schedule goes on.
                    r = new ProbeResult(Instant.now(), name, false, "probe did not run: " + e);
                }
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
            long budget = p == null ? 0 : (p.getPeriodSeconds() == null ? 10 : p.getPeriodSeconds())
                    * (p.getFailureThreshold() == null ? 3 : p.getFailureThreshold());
            Instant t0 = Instant.now();
            int threshold = p == null || p.getFailureThreshold() == null ? 3 : p.getFailureThreshold();
            while (!started) {
                if (results("startup").stream().filter(r -> !r.ok()).count() >= threshold
                        || Duration.between(t0, Instant.now()).toSeconds() > budget + 5) {
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

        /** Whether the kubelet still probes: the last result of {@code probe} is younger than three periods. */
        boolean stillProbing(String probe) {
            Probe p = switch (probe) {
                case "startup" -> container.getStartupProbe();
                case "readiness" -> container.getReadinessProbe();
                default -> container.getLivenessProbe();
            };
            long period = p.getPeriodSeconds() == null ? 10 : p.getPeriodSeconds();
            return lastOf(probe).map(r -> Duration.between(r.at(), Instant.now()).toSeconds() < 3 * period).orElse(false);
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
            List<String> args = new ArrayList<>(List.of("exec", name));
            args.addAll(List.of(command));
            return podman(node, args.toArray(String[]::new));
        }

        String state() {
            return podman(node, "inspect", "-f", "{{.State.Status}}", name).stdout().strip();
        }

        /** The resident set of the container's main process, in MB. */
        long rssMegabytes() {
            String pid = podman(node, "inspect", "-f", "{{.State.Pid}}", name).orFail("container pid").stdout().strip();
            try {
                return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                        .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024)
                        .findFirst().orElseThrow();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(logOf(name));
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return "(no container log: " + e.getMessage() + ")";
            }
        }

        String log() {
            try {
                return Files.readString(logOf(name));
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
            inNodeMounts(node, podmanArgs(node, "stop", "-t", Integer.toString(gracePeriodSeconds), name),
                    Duration.ofSeconds(gracePeriodSeconds + 30L));
            podman(node, "rm", "-f", name);
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
