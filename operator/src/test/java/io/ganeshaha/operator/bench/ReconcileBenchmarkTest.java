package io.ganeshaha.operator.bench;

import io.ganeshaha.api.v1alpha1.VirtualIpSpecBuilder;
import io.ganeshaha.api.v1alpha1.MemberNodeBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpecBuilder;
import io.ganeshaha.api.agent.HaConfigMap;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpec;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.api.v1alpha1.VirtualIpSpec;
import io.ganeshaha.operator.Labels;
import io.ganeshaha.operator.dependent.HaConfiguration;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.api.config.ConfigurationService;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmark: the whole operator, in-process, reconciling N (default 200) GaneshaClusters
 * created at once on Fabric8's mock API server (CRUD mode), then an update of every one of them.
 * Prints throughput, latency (create or update -> the first status whose observedGeneration equals
 * metadata.generation, seen by an informer of its own), heap and RSS. It asserts nothing about
 * speed or memory, only that every cluster was reconciled correctly (ConfigMap, DaemonSet with the
 * config hash of its spec, observedGeneration, Degraded=False), so a broken operator fails it.
 *
 * <p>Tagged {@code benchmark}: the default build leaves it out; {@code scripts/bench-operator} runs
 * it ({@code -Dgroups=benchmark}). Settings (system properties): {@code ganesha-ha.bench.clusters}
 * (200), {@code ganesha-ha.bench.namespaces} (4), {@code ganesha-ha.bench.warmup} (20 clusters
 * reconciled first, in a namespace of their own, and left out of the figures),
 * {@code ganesha-ha.bench.senders} (1 client thread sending the creates and edits; more send them
 * no faster: the mock server takes one lock for every write).
 *
 * <p>The mock server runs in the same JVM and takes much of the CPU: the figures are those of
 * operator + mock, and the CPU line also gives what JOSDK's own threads used.
 */
@QuarkusTest
@WithKubernetesTestServer
@Tag("benchmark")
class ReconcileBenchmarkTest {

    /**
     * The mock server logs every request at INFO: thousands of lines, and CPU, in a benchmark. Set
     * here rather than in a test profile, which would have Quarkus build the application twice in
     * this JVM and raise the memory figures.
     */
    static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static final String PREFIX = "operator bench: ";
    static final long ROUND_TIMEOUT_SECONDS = 600;
    static final int GRACE_BEFORE = 7;
    static final int GRACE_AFTER = 9;

    @Inject
    KubernetesClient client;

    @Inject
    Operator operator;

    @KubernetesTestServer
    KubernetesServer mockServer;

    /** Client threads sending the creates and edits. */
    int senders;

    final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    // ---- the clusters ---------------------------------------------------------------------

    /** One cluster: 2 to 4 nodes, 2 VIPs per node (one IPv6 on the last node), unique addresses. */
    static GaneshaCluster cluster(String namespace, int index, int namespaceIndex) {
        int nodes = 2 + index % 3;
        List<MemberNode> members = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            String net = "10." + (namespaceIndex + 1) + "." + index % 250 + ".";
            members.add(new MemberNodeBuilder().withName("worker-" + (index * 4 + n) % 500)
                    .withPacemakerName(n == 0 ? "pcmk-" + index + "-" + n : null)
                    .addNewVirtualIp().withAddress(net + (10 + n)).withPrefixLength(24)
                            .withNetworkInterface(n == 0 ? "eth0" : null).endVirtualIp()
                    .addToVirtualIps(n == nodes - 1
                            ? new VirtualIpSpecBuilder().withAddress("2001:db8:" + Integer.toHexString(namespaceIndex + 1)
                                    + ":" + Integer.toHexString(index) + "::" + Integer.toHexString(20 + n))
                                    .withPrefixLength(64).build()
                            : new VirtualIpSpecBuilder().withAddress(net + (100 + n)).withPrefixLength(24).build())
                    .build());
        }
        return new GaneshaCluster(new ObjectMetaBuilder().withNamespace(namespace).withName("nfs-" + index).build(),
                new GaneshaClusterSpecBuilder().withNodes(members).withGraceDelaySeconds(GRACE_BEFORE)
                        .withHaVolMnt("/run/gluster/shared_storage").build());
    }

    static String key(GaneshaCluster c) {
        return c.getMetadata().getNamespace() + "/" + c.getMetadata().getName();
    }

    // ---- rounds: start times in, first observed status out -----------------------------------

    /** One round: when each cluster's create/update was sent, and when its status caught up. */
    static final class Round {
        final long generation;
        /** Requests the mock server received during the round, the benchmark's own included. */
        int requests;
        final Map<String, Long> started = new ConcurrentHashMap<>();
        final Map<String, Long> observed = new ConcurrentHashMap<>();
        final CountDownLatch done;

        Round(long generation, int count) {
            this.generation = generation;
            this.done = new CountDownLatch(count);
        }

        void seen(GaneshaCluster c, long now) {
            Long generationNow = c.getMetadata().getGeneration();
            if (c.getStatus() == null || generationNow == null || generationNow != generation
                    || !Objects.equals(c.getStatus().getObservedGeneration(), generationNow)) {
                return;
            }
            String key = key(c);
            if (started.containsKey(key) && observed.putIfAbsent(key, now) == null) {
                done.countDown();
            }
        }

        long[] latenciesNanos() {
            return started.entrySet().stream().filter(e -> observed.containsKey(e.getKey()))
                    .mapToLong(e -> observed.get(e.getKey()) - e.getValue()).sorted().toArray();
        }

        long first() {
            return started.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        }

        long last() {
            return observed.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        }
    }

    /** The benchmark's own informer on every namespace: hands each event to the current round. */
    static final class Observer implements ResourceEventHandler<GaneshaCluster> {
        volatile Round round;

        @Override
        public void onAdd(GaneshaCluster c) {
            Round r = round;
            if (r != null) {
                r.seen(c, System.nanoTime());
            }
        }

        @Override
        public void onUpdate(GaneshaCluster old, GaneshaCluster c) {
            onAdd(c);
        }

        @Override
        public void onDelete(GaneshaCluster c, boolean deletedFinalStateUnknown) {
        }
    }

    // ---- memory -----------------------------------------------------------------------------

    long heapUsedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    static Map<String, Long> procStatus() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmRSS:") || l.startsWith("VmHWM:"))
                    .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')),
                            l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024));
        } catch (IOException e) {
            return Map.of();
        }
    }

    /** Resets VmHWM to the current RSS (Linux: "5" to clear_refs); false where /proc refuses. */
    static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    static String signedMib(long bytes) {
        return (bytes >= 0 ? "+" : "") + mib(bytes);
    }

    static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    // ---- the benchmark -----------------------------------------------------------------------

    @Test
    void reconcileManyClusters() throws Exception {
        int count = Integer.getInteger("ganesha-ha.bench.clusters", 200);
        int warmup = Integer.getInteger("ganesha-ha.bench.warmup", 20);
        senders = Integer.getInteger("ganesha-ha.bench.senders", 1);
        assertThat(count).as("ganesha-ha.bench.clusters").isPositive();
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        assertThat(senders).as("ganesha-ha.bench.senders").isPositive();
        ConfigurationService config = operator.getConfigurationService();
        Set<String> watched = new TreeSet<>();
        Set<Boolean> generationAware = new TreeSet<>();
        for (RegisteredController<?> c : operator.getRegisteredControllers()) {
            watched.addAll(c.getConfiguration().getEffectiveNamespaces());
            generationAware.add(c.getConfiguration().isGenerationAware());
        }
        boolean allNamespaces = InformerConfiguration.allNamespacesWatched(watched);
        List<String> namespaces = new ArrayList<>();
        int namespaceCount = Integer.getInteger("ganesha-ha.bench.namespaces", 4);
        if (allNamespaces) {
            for (int i = 0; i < namespaceCount; i++) {
                namespaces.add("bench-" + i);
            }
        } else {
            // The operator watches given namespaces only: spread over those.
            namespaces.addAll(watched);
        }
        String warmupNamespace = allNamespaces ? "bench-warmup" : namespaces.get(0);
        // The member hosts exist, as on a real cluster (the operator reports a missing one as
        // Degraded=NodeNotFound, and looks each member up on every reconciliation).
        for (int n = 0; n < 500; n++) {
            client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata()
                    .withName("worker-" + n).endMetadata().build()).create();
        }

        Observer observer = new Observer();
        SharedIndexInformer<GaneshaCluster> informer =
                client.resources(GaneshaCluster.class).inAnyNamespace().inform(observer, 0);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try {
            // Warm-up: JIT, connection pools, informer caches. Left out of every figure.
            if (warmup > 0) {
                List<GaneshaCluster> warm = new ArrayList<>();
                for (int i = 0; i < warmup; i++) {
                    GaneshaCluster c = cluster(warmupNamespace, i, 9);
                    c.getMetadata().setName("warmup-" + i);
                    warm.add(c);
                }
                awaitRound(createRound(observer, warm), warm.size(), "warm-up");
            }

            List<GaneshaCluster> clusters = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int ns = i % namespaces.size();
                clusters.add(cluster(namespaces.get(ns), i, ns));
            }
            int vips = clusters.stream().mapToInt(c -> c.getSpec().getNodes().size() * 2).sum();

            long heapBefore = heapUsedAfterGc();
            long rssBefore = procStatus().getOrDefault("VmRSS", -1L);
            boolean hwmReset = resetPeakRss();
            AtomicLong peakHeap = new AtomicLong(memory.getHeapMemoryUsage().getUsed());
            sampler.scheduleAtFixedRate(() -> peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max),
                    0, 10, TimeUnit.MILLISECONDS);
            long cpuBefore = processCpuNanos();
            String reconcilePool = threadNamePrefix(config.getExecutorServiceManager().reconcileExecutorService());
            String workflowPool = threadNamePrefix(config.getExecutorServiceManager().workflowExecutorService());
            Map<String, Long> threadCpuBefore = threadCpu();
            long gcBefore = gcCount();

            // Round 1: create all, as fast as the sender threads send them.
            int requestsBefore = requestCount();
            Round create = createRound(observer, clusters);
            long createSent = System.nanoTime();
            awaitRound(create, count, "create");
            create.requests = requestCount() - requestsBefore;

            // Round 2: change graceDelaySeconds on all (one JSON merge patch each).
            requestsBefore = requestCount();
            Round update = new Round(2, count);
            String patch = "{\"spec\":{\"graceDelaySeconds\":" + GRACE_AFTER + "}}";
            send(observer, update, clusters, c -> {
                GaneshaCluster patched = client.resources(GaneshaCluster.class)
                        .inNamespace(c.getMetadata().getNamespace()).withName(c.getMetadata().getName())
                        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
                assertThat(patched.getMetadata().getGeneration()).as("generation of %s after the edit", key(c))
                        .isEqualTo(2L);
            });
            long updateSent = System.nanoTime();
            awaitRound(update, count, "update");
            update.requests = requestCount() - requestsBefore;
            observer.round = null;

            long cpu = processCpuNanos() - cpuBefore;
            Map<String, Long> threadCpuAfter = threadCpu();
            long reconcileCpu = cpuSince(threadCpuBefore, threadCpuAfter, reconcilePool);
            long workflowCpu = cpuSince(threadCpuBefore, threadCpuAfter, workflowPool);
            long gcs = gcCount() - gcBefore;
            sampler.shutdownNow();
            Map<String, Long> proc = procStatus();
            long heapAfter = heapUsedAfterGc();

            // Correctness: every cluster has its ConfigMap and DaemonSet for the updated spec,
            // and a status for its current generation.
            assertEveryClusterApplied(namespaces, clusters);

            // ---- figures ----
            System.out.println();
            var sizes = clusters.stream().mapToInt(c -> c.getSpec().getNodes().size()).summaryStatistics();
            System.out.printf("%s%d GaneshaClusters (%d-%d nodes, 2 VIPs per node, %d VIPs in all) in %d namespace(s) %s,"
                    + " created then edited by %d client thread(s); a warm-up of %d more is left out%n", PREFIX, count,
                    sizes.getMin(), sizes.getMax(), vips, namespaces.size(), namespaces, senders, warmup);
            System.out.printf("%sJOSDK: %d concurrent reconciliation threads, %d workflow threads, watching %s;"
                    + " server-side apply for dependents %s, for the primary's status %s; generation-aware %s%n", PREFIX,
                    config.concurrentReconciliationThreads(), config.concurrentWorkflowExecutorThreads(),
                    allNamespaces ? "all namespaces" : watched,
                    config.ssaBasedCreateUpdateMatchForDependentResources() ? "on" : "off",
                    config.useSSAToPatchPrimaryResource() ? "on" : "off",
                    generationAware.size() == 1 ? generationAware.iterator().next() : generationAware);
            printRound("create", create, createSent);
            printRound("update graceDelaySeconds", update, updateSent);
            System.out.printf("%sCPU: %.1f s of process CPU over both rounds (%.1f s wall, %d cores), %.0f ms per"
                    + " reconciled generation, %d GCs; in JOSDK's reconciler threads (%s*) %.1f s and workflow"
                    + " threads (%s*) %.1f s: %.1f ms per reconciled generation%n", PREFIX, cpu / 1e9,
                    (update.last() - create.first()) / 1e9, Runtime.getRuntime().availableProcessors(),
                    cpu / 1e6 / (2.0 * count), gcs, reconcilePool, reconcileCpu / 1e9, workflowPool,
                    workflowCpu / 1e9, (reconcileCpu + workflowCpu) / 1e6 / (2.0 * count));
            System.out.printf("%sheap: used after GC %s before the first create, %s after both rounds (%s);"
                    + " peak used %s (sampled every 10 ms); max heap %s, GC %s%n", PREFIX,
                    mib(heapBefore), mib(heapAfter), signedMib(heapAfter - heapBefore), mib(peakHeap.get()),
                    mib(Runtime.getRuntime().maxMemory()),
                    ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                            .collect(Collectors.joining(" + ")));
            System.out.printf("%sRSS: %s before the first create, %s after both rounds, peak %s (VmHWM %s)%n", PREFIX,
                    mib(rssBefore), mib(proc.getOrDefault("VmRSS", -1L)), mib(proc.getOrDefault("VmHWM", -1L)),
                    hwmReset ? "reset just before the first create" : "since the JVM started: /proc refused the reset");
            System.out.printf("%snote: one JVM holds the operator, the Fabric8 mock API server (with all %d CRs and"
                    + " their %d dependents), the benchmark's client and informer and the Quarkus test runtime;"
                    + " heap and RSS count all of them%n", PREFIX, count + warmup, 5 * (count + warmup));
            System.out.println();
        } finally {
            sampler.shutdownNow();
            observer.round = null;
            informer.close();
        }
    }

    Round createRound(Observer observer, List<GaneshaCluster> clusters) throws Exception {
        Round round = new Round(1, clusters.size());
        send(observer, round, clusters, c -> client.resource(c).create());
        return round;
    }

    /**
     * Makes {@code round} current and sends one request per cluster from {@link #senders} client
     * threads, each stamped with its start time just before it is sent; returns once all are sent.
     */
    void send(Observer observer, Round round, List<GaneshaCluster> clusters, Consumer<GaneshaCluster> request)
            throws Exception {
        observer.round = round;
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (GaneshaCluster c : clusters) {
                sent.add(pool.submit(() -> {
                    round.started.put(key(c), System.nanoTime());
                    request.accept(c);
                }));
            }
            for (Future<?> f : sent) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception x ? x : e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    void awaitRound(Round round, int count, String what) throws InterruptedException {
        if (!round.done.await(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            Set<String> missing = new TreeSet<>(round.started.keySet());
            missing.removeAll(round.observed.keySet());
            throw new AssertionError(String.format("%s round: %d of %d clusters never reached observedGeneration %d"
                    + " within %d s, e.g. %s", what, missing.size(), count, round.generation, ROUND_TIMEOUT_SECONDS,
                    missing.stream().limit(10).toList()));
        }
    }

    void printRound(String what, Round round, long sentAt) {
        long[] lat = round.latenciesNanos();
        long wall = round.last() - round.first();
        System.out.printf("%s%-25s %d reconciled in %d ms (requests sent in %d ms): %.1f CR/s;"
                + " latency to observedGeneration median %d ms, p95 %d ms, max %d ms;"
                + " %.1f operator API requests per CR%n", PREFIX, what + ":",
                lat.length, ms(wall), ms(sentAt - round.first()), lat.length / (wall / 1e9),
                ms(percentile(lat, 0.50)), ms(percentile(lat, 0.95)), ms(lat[lat.length - 1]),
                (round.requests - lat.length) / (double) lat.length);
    }

    /** Requests the mock server has received (the benchmark's own create or patch is one per CR). */
    int requestCount() {
        return mockServer.getKubernetesMockServer().getRequestCount();
    }

    void assertEveryClusterApplied(List<String> namespaces, List<GaneshaCluster> expected) {
        Map<String, GaneshaCluster> crs = new ConcurrentHashMap<>();
        Map<String, ConfigMap> configMaps = new ConcurrentHashMap<>();
        Map<String, DaemonSet> daemonSets = new ConcurrentHashMap<>();
        for (String ns : namespaces) {
            client.resources(GaneshaCluster.class).inNamespace(ns).list().getItems()
                    .forEach(c -> crs.put(key(c), c));
            client.configMaps().inNamespace(ns).list().getItems()
                    .forEach(c -> configMaps.put(ns + "/" + c.getMetadata().getName(), c));
            client.apps().daemonSets().inNamespace(ns).list().getItems()
                    .forEach(d -> daemonSets.put(ns + "/" + d.getMetadata().getName(), d));
        }
        for (GaneshaCluster e : expected) {
            GaneshaCluster c = crs.get(key(e));
            assertThat(c).as("GaneshaCluster %s", key(e)).isNotNull();
            assertThat(c.getMetadata().getGeneration()).as("generation of %s", key(c)).isEqualTo(2L);
            assertThat(c.getStatus()).as("status of %s", key(c)).isNotNull();
            assertThat(c.getStatus().getObservedGeneration()).as("observedGeneration of %s", key(c))
                    .isEqualTo(c.getMetadata().getGeneration());
            // No agents run here: applied and not degraded, Ready waiting for the agents' reports.
            Condition degraded = c.getStatus().getConditions().stream().filter(x -> "Degraded".equals(x.getType()))
                    .findFirst().orElse(null);
            assertThat(degraded).as("Degraded condition of %s", key(c)).isNotNull();
            assertThat(degraded.getStatus()).as("Degraded of %s (%s)", key(c), degraded.getMessage()).isEqualTo("False");
            Condition ready = c.getStatus().getConditions().stream().filter(x -> "Ready".equals(x.getType()))
                    .findFirst().orElse(null);
            assertThat(ready).as("Ready condition of %s", key(c)).isNotNull();
            assertThat(ready.getReason()).as("Ready of %s (%s)", key(c), ready.getMessage()).isEqualTo("AwaitingAgents");

            HaConfiguration rendered = HaConfiguration.render(c);
            ConfigMap cm = configMaps.get(c.getMetadata().getNamespace() + "/" + Labels.configMapName(c));
            assertThat(cm).as("ConfigMap of %s", key(c)).isNotNull();
            assertThat(cm.getData()).as("ConfigMap data of %s", key(c)).containsAllEntriesOf(rendered.data())
                    .containsEntry("cib-generation", c.getMetadata().getUid() + "/2");
            assertThat(cm.getData().get(HaConfigMap.RESOURCES))
                    .contains("name=\"grace_delay\" value=\"" + GRACE_AFTER + "\"");
            DaemonSet ds = daemonSets.get(c.getMetadata().getNamespace() + "/" + Labels.agentName(c));
            assertThat(ds).as("DaemonSet of %s", key(c)).isNotNull();
            assertThat(ds.getSpec().getTemplate().getMetadata().getAnnotations().get(Labels.CONFIG_HASH))
                    .as("config hash of %s", key(c)).isEqualTo(rendered.agentSettingsHash());
            assertThat(ds.getSpec().getTemplate().getSpec().getAffinity().getNodeAffinity()
                    .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().get(0)
                    .getMatchFields().get(0).getValues())
                    .as("member nodes of %s", key(c))
                    .containsExactlyElementsOf(e.getSpec().getNodes().stream().map(MemberNode::getName).toList());
        }
    }

    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /** The name of a pool's threads without their number, learnt by running a task on it. */
    static String threadNamePrefix(ExecutorService pool) throws Exception {
        String name = pool.submit(() -> Thread.currentThread().getName()).get(30, TimeUnit.SECONDS);
        return name.replaceAll("\\d+$", "");
    }

    /** CPU time of every live thread, by name and id. */
    static Map<String, Long> threadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            long t = info == null ? -1 : threads.getThreadCpuTime(info.getThreadId());
            if (t >= 0) {
                cpu.put(info.getThreadName() + "#" + info.getThreadId(), t);
            }
        }
        return cpu;
    }

    /** CPU used between the two snapshots by the threads whose name starts with {@code prefix}. */
    static long cpuSince(Map<String, Long> before, Map<String, Long> after, String prefix) {
        return after.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L)).sum();
    }

    static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).filter(n -> n > 0).sum();
    }
}
