package io.ganeshaha.e2e;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ganeshaha.agent.testing.AgentProcess;
import io.ganeshaha.agent.testing.ClusterView;
import io.ganeshaha.agent.testing.KubernetesApi;
import io.ganeshaha.agent.testing.Lab;
import io.ganeshaha.agent.testing.NodeProbe;
import io.ganeshaha.agent.testing.Owned;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpecBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaNode;
import io.ganeshaha.api.v1alpha1.GaneshaSpec;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.api.v1alpha1.MemberNodeBuilder;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * What {@code scripts/demo} runs: three NFS servers (lab nodes with Corosync, Pacemaker,
 * ganesha.nfsd and a system bus each), the operator's packaged jar against a Kubernetes API, a
 * GaneshaCluster applied to it, the agents started from what the operator rendered, then a kill -9
 * of one nfsd and its fail-back, printed as they happen. The API server is Fabric8's in-process
 * mock in CRUD mode: no kubelet runs, so the agent pods are processes in the lab's nodes started as
 * the DaemonSet's pod would be (its rendered settings, downward API values, projected ConfigMap),
 * and the DaemonSet's rollout status is written here. Everything is torn down at the end, on an
 * error, and on Ctrl-C.
 */
public final class Demo implements AutoCloseable {

    static final String NAMESPACE = "storage";
    static final String NAME = "nfs";
    static final int GRACE_DELAY_SECONDS = 10;
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);

    /** A member: its Pacemaker (host) name, its Kubernetes node name, its virtual IP. */
    record Member(String host, String kubernetesName, String vip) {
        String shortName() {
            return host.substring(0, host.indexOf('.'));
        }
    }

    static final List<Member> MEMBERS = List.of(
            new Member("nfs-1.lab.example", "node-1", "198.18.0.101"),
            new Member("nfs-2.lab.example", "node-2", "198.18.0.102"),
            new Member("nfs-3.lab.example", "node-3", "198.18.0.103"));

    /**
     * What the demo saw, for its test: when (ms from the injection) each survivor was first seen in
     * grace and the VIP first seen on a survivor; whether the status showed the failover; the same
     * for the fail-back.
     */
    record Outcome(Map<String, Long> survivorsInGraceMs, long vipMovedMs, String vipTakenBy, boolean statusFailedOver,
            Map<String, Long> failBackGraceMs, long vipHomeMs, boolean statusRecovered) {}

    private final Path work;
    private final PrintStream out;
    private final long started = System.nanoTime();
    private final Owned owned = new Owned();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<String, NodeProbe> probes = new LinkedHashMap<>();
    private Lab lab;
    private KubernetesApi api;
    private KubernetesClient client;
    private ClusterView view;

    Demo(Path work, PrintStream out) {
        this.work = work;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "target/demo").toAbsolutePath();
        Demo demo = new Demo(work, System.out);
        Thread teardown = new Thread(demo::close, "demo-teardown");
        Runtime.getRuntime().addShutdownHook(teardown);
        int status = 0;
        try {
            demo.run();
        } catch (Exception | Error e) {
            if (demo.closed.get()) {
                return; // Ctrl-C: the shutdown hook is tearing down, and what failed here is its doing
            }
            System.out.println();
            System.out.println("demo failed: " + e.getMessage());
            System.out.println("logs: " + work);
            status = 1;
        }
        demo.close();
        Runtime.getRuntime().removeShutdownHook(teardown);
        System.exit(status);
    }

    Outcome run() throws Exception {
        out.println("ganesha-ha demo: three NFS servers kept available by Pacemaker, the node agent and the operator");
        out.println("  Kubernetes API: Fabric8's in-process mock server (CRUD mode). No kubelet: the agent pods run as");
        out.println("  processes in the lab's nodes, as the operator's DaemonSet describes them. Logs: " + work);
        out.println();
        Files.createDirectories(work);

        say("bringing up 3 lab nodes (Linux namespaces: corosync, pacemaker, ganesha.nfsd, a D-Bus system bus each)");
        lab = Lab.up(work.resolve("lab"), MEMBERS.stream().map(Member::host).toList(), GaneshaSpec.DEFAULT_PID_FILE);
        for (Member m : MEMBERS) {
            probes.put(m.host(), own(new NodeProbe(lab, m.host())));
        }
        view = new ClusterView(lab, MEMBERS.get(0).host());
        say("lab up: " + String.join(", ", MEMBERS.stream().map(Member::host).toList())
                + "; Pacemaker runs, no resources yet");

        api = new KubernetesApi(lab, work);
        client = api.client();
        for (Member m : MEMBERS) {
            api.connect(m.host());
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(m.kubernetesName()).endMetadata()
                    .build()).create();
        }
        own(new OperatorProcess(api.hostUrl(), work.resolve("operator.log"), List.of()).start());
        say("operator started (its packaged jar, log operator.log); CRDs registered, as the Helm chart does");

        client.resource(ganeshaCluster()).create();
        say("kubectl apply: GaneshaCluster " + NAMESPACE + "/" + NAME + ", 3 members, VIPs "
                + String.join(", ", MEMBERS.stream().map(m -> m.vip() + " (" + m.kubernetesName() + ")").toList())
                + ", grace_delay " + GRACE_DELAY_SECONDS + " s");

        until("the operator's ConfigMap " + NAME + "-ha-config", () -> haConfig() != null, STEP_TIMEOUT);
        ConfigMap config = haConfig();
        say("operator rendered " + NAME + "-ha-config (Pacemaker resources and constraints, CIB generation "
                + config.getData().get("cib-generation") + ") and DaemonSet " + NAME + "-node-agent");
        AgentPods pods = new AgentPods(lab, work, this::own, NAMESPACE, NAME);
        // As the DaemonSet controller does: every node's pod at once.
        MEMBERS.parallelStream().forEach(m -> pods.start(m.host(), m.kubernetesName(), config,
                GaneshaSpec.DEFAULT_PID_FILE));
        until("the DaemonSet", () -> client.apps().daemonSets().inNamespace(NAMESPACE).withName(NAME + "-node-agent")
                .get() != null, STEP_TIMEOUT);
        pods.rolledOut(client, MEMBERS.size());
        say("3 agent pods started; each writes the CIB's resources and its own GaneshaNode");

        out.println();
        out.println("$ kubectl get ganeshaclusters -n " + NAMESPACE + " -w");
        out.println(tableHeader());
        String[] last = {""};
        until("the GaneshaCluster to be Ready with every VIP at home", () -> {
            String row = tableRow();
            if (!withoutAge(row).equals(last[0])) {
                out.println(row);
                last[0] = withoutAge(row);
            }
            return "True".equals(conditionStatus("Ready")) && everyVipHome() && readyNodes().equals("3/3")
                    && "False".equals(conditionStatus("FailoverInProgress"));
        }, Duration.ofMinutes(2));
        out.println();
        printNodes();
        awaitSurvivorsOutOfGrace();

        Member failing = MEMBERS.get(0);
        List<Member> survivors = MEMBERS.subList(1, MEMBERS.size());
        out.println();
        out.println("== failure: kill -9 of ganesha.nfsd on " + failing.host() + " ==");
        Live failover = new Live();
        failover.slow(failing.shortName() + "'s agent: nfsd DOWN, grace-active deleted (survivors get the post-stop notify)",
                () -> !view.attribute("grace-active").containsKey(failing.host()));
        for (Member s : survivors) {
            failover.fast(s.shortName() + ": nfsd in grace (D-Bus get_grace)", () -> probes.get(s.host()).inGrace());
        }
        failover.slow(failing.shortName() + "'s agent: every survivor acknowledged, ganesha-active deleted",
                () -> !view.attribute("ganesha-active").containsKey(failing.host()));
        for (Member s : survivors) {
            failover.fast(failing.vip() + " up on " + s.shortName(), () -> probes.get(s.host()).holds(failing.vip()));
        }
        failover.slow("GaneshaCluster status: FailoverInProgress False/FailedOver, " + failing.vip() + " placed on a survivor",
                () -> "False/FailedOver".equals(condition("FailoverInProgress"))
                        && !placement().contains(failing.vip() + "=" + failing.kubernetesName()));
        failover.statusRows(this::tableRow);
        failover.events();
        String pid = lab.ganesha(failing.host(), "kill").orFail("kill -9 ganesha.nfsd").stdout().strip();
        failover.note("kill -9 " + pid + " (ganesha.nfsd on " + failing.host() + ")", 0);
        failover.await(STEP_TIMEOUT);
        failover.close();
        Map<String, Long> inGrace = new LinkedHashMap<>();
        long vipMoved = -1;
        String takenBy = "";
        for (Member s : survivors) {
            inGrace.put(s.host(), failover.at(s.shortName() + ": nfsd in grace (D-Bus get_grace)"));
            long at = failover.at(failing.vip() + " up on " + s.shortName());
            if (at >= 0) {
                vipMoved = at;
                takenBy = s.host();
            }
        }
        boolean failedOver = failover.at("GaneshaCluster status: FailoverInProgress False/FailedOver, " + failing.vip()
                + " placed on a survivor") >= 0;
        out.println();
        summary(inGrace, vipMoved, takenBy);
        printLastFailover();
        awaitSurvivorsOutOfGrace();

        out.println();
        out.println("== fail-back: ganesha.nfsd started again on " + failing.host() + " ==");
        Live failBack = new Live();
        failBack.slow(failing.shortName() + "'s agent: nfsd SERVING, grace-active set (survivors get the pre-start notify)",
                () -> view.attribute("grace-active").containsKey(failing.host()));
        for (Member s : survivors) {
            failBack.fast(s.shortName() + ": nfsd in grace (D-Bus get_grace)", () -> probes.get(s.host()).inGrace());
        }
        failBack.slow(failing.shortName() + "'s agent: every survivor acknowledged, ganesha-active set",
                () -> view.attribute("ganesha-active").containsKey(failing.host()));
        failBack.fast(failing.vip() + " home on " + failing.shortName(),
                () -> probes.get(failing.host()).holds(failing.vip()));
        failBack.slow("GaneshaCluster status: Ready, every VIP home, no node degraded",
                () -> "False/AsSpecified".equals(condition("Degraded")) && everyVipHomeInStatus());
        failBack.statusRows(this::tableRow);
        failBack.events();
        lab.ganesha(failing.host(), "start").orFail("start ganesha.nfsd");
        failBack.note("ganesha.nfsd started on " + failing.host(), 0);
        failBack.await(STEP_TIMEOUT);
        failBack.close();
        Map<String, Long> backInGrace = new LinkedHashMap<>();
        for (Member s : survivors) {
            backInGrace.put(s.host(), failBack.at(s.shortName() + ": nfsd in grace (D-Bus get_grace)"));
        }
        long home = failBack.at(failing.vip() + " home on " + failing.shortName());
        boolean recovered = failBack.at("GaneshaCluster status: Ready, every VIP home, no node degraded") >= 0;
        out.println();
        out.println("$ kubectl get ganeshaclusters -n " + NAMESPACE);
        out.println(tableHeader());
        out.println(tableRow());
        printLastFailover();
        return new Outcome(inGrace, vipMoved, takenBy, failedOver, backInGrace, home, recovered);
    }

    // ---- what is printed ----

    private void say(String what) {
        out.printf("[%5.1f s] %s%n", (System.nanoTime() - started) / 1e9, what);
    }

    private void summary(Map<String, Long> inGrace, long vipMoved, String takenBy) {
        long lastInGrace = inGrace.values().stream().mapToLong(Long::longValue).max().orElse(-1);
        boolean ordered = vipMoved >= 0 && inGrace.values().stream().allMatch(g -> g >= 0 && g < vipMoved);
        out.printf("every survivor in grace after %d ms; %s on %s after %d ms: %s%n", lastInGrace,
                MEMBERS.get(0).vip(), takenBy.isEmpty() ? "no survivor" : takenBy, vipMoved,
                ordered ? "survivors were in grace before the VIP arrived, so its clients reclaim their locks"
                        : "NOT in that order");
    }

    private void printLastFailover() {
        GaneshaCluster c = cluster();
        if (c == null || c.getStatus() == null || c.getStatus().getLastFailover() == null) {
            return;
        }
        var last = c.getStatus().getLastFailover();
        out.printf("status.lastFailover: %s of %s, acknowledged by %s, all by %s, VIP moved at %s%n", last.getDirection(),
                last.getNode(), last.getAcknowledged(), last.getAcknowledgementsComplete(), last.getGaneshaActiveChanged());
    }

    private void printNodes() {
        out.println("$ kubectl get ganeshanodes -n " + NAMESPACE);
        out.printf("%-16s %-8s %-8s %-9s %s%n", "NAME", "CLUSTER", "NODE", "NFSD", "VIPS");
        for (GaneshaNode n : client.resources(GaneshaNode.class).inNamespace(NAMESPACE).list().getItems().stream()
                .sorted(java.util.Comparator.comparing(x -> x.getMetadata().getName())).toList()) {
            var s = n.getStatus();
            out.printf("%-16s %-8s %-8s %-9s %s%n", n.getMetadata().getName(), n.getSpec().getCluster(),
                    n.getSpec().getNodeName(), s == null ? "" : s.getNfsd(),
                    s == null || s.getVirtualIps() == null ? "" : String.join(",", s.getVirtualIps()));
        }
    }

    /** The row as kubectl -w compares it: a new AGE alone is no change. */
    private static String withoutAge(String row) {
        return row.replaceAll("\\s+\\S+$", "");
    }

    static String tableHeader() {
        return String.format("%-5s %-6s %-6s %-62s %-9s %s", "NAME", "READY", "NODES", "VIPS", "FAILOVER", "AGE");
    }

    private String tableRow() {
        GaneshaCluster c = cluster();
        String age = "";
        if (c != null && c.getMetadata().getCreationTimestamp() != null) {
            age = Duration.between(Instant.parse(c.getMetadata().getCreationTimestamp()), Instant.now()).toSeconds() + "s";
        }
        return String.format("%-5s %-6s %-6s %-62s %-9s %s", NAME, orEmpty(conditionStatus("Ready")), readyNodes(),
                placement(), orEmpty(conditionStatus("FailoverInProgress")), age);
    }

    // ---- what is read ----

    private GaneshaCluster cluster() {
        return client.resources(GaneshaCluster.class).inNamespace(NAMESPACE).withName(NAME).get();
    }

    private ConfigMap haConfig() {
        return client.configMaps().inNamespace(NAMESPACE).withName(NAME + "-ha-config").get();
    }

    private Optional<Condition> conditionOf(String type) {
        GaneshaCluster c = cluster();
        if (c == null || c.getStatus() == null || c.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return c.getStatus().getConditions().stream().filter(x -> type.equals(x.getType())).findFirst();
    }

    private String conditionStatus(String type) {
        return conditionOf(type).map(Condition::getStatus).orElse(null);
    }

    private String condition(String type) {
        return conditionOf(type).map(c -> c.getStatus() + "/" + c.getReason()).orElse("");
    }

    private String readyNodes() {
        GaneshaCluster c = cluster();
        return c == null || c.getStatus() == null ? "" : orEmpty(c.getStatus().getReadyNodes());
    }

    private String placement() {
        GaneshaCluster c = cluster();
        return c == null || c.getStatus() == null ? "" : orEmpty(c.getStatus().getVirtualIpPlacement());
    }

    private boolean everyVipHome() {
        return MEMBERS.stream().allMatch(m -> probes.get(m.host()).holds(m.vip()));
    }

    private boolean everyVipHomeInStatus() {
        String placed = placement();
        return MEMBERS.stream().allMatch(m -> placed.contains(m.vip() + "=" + m.kubernetesName()));
    }

    private void awaitSurvivorsOutOfGrace() {
        // "entered grace" can only be seen from outside grace: ganesha's Grace_Period is 90 s by default,
        // shortened in the lab's ganesha.conf.
        until("every nfsd out of grace", () -> probes.values().stream().noneMatch(NodeProbe::inGrace),
                Duration.ofMinutes(2));
    }

    private GaneshaCluster ganeshaCluster() {
        List<MemberNode> members = MEMBERS.stream().map(m -> new MemberNodeBuilder().withName(m.kubernetesName())
                .withPacemakerName(m.host()).addNewVirtualIp().withAddress(m.vip()).withPrefixLength(24)
                .withNetworkInterface("eth0").endVirtualIp().build()).toList();
        return new GaneshaCluster(new ObjectMetaBuilder().withNamespace(NAMESPACE).withName(NAME).build(),
                new GaneshaClusterSpecBuilder().withNodes(members).withGraceDelaySeconds(GRACE_DELAY_SECONDS)
                        .withHaVolMnt("/var/run/gluster/shared_storage").build());
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Polls {@code condition} every 200 ms; fails naming {@code what} after {@code timeout}. */
    private static void until(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("waited " + timeout.toSeconds() + " s for " + what);
            }
            sleep(200);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** The pid holding {@code host}'s namespaces, for a test that checks the lab is gone. */
    long labHolder(String host) {
        return lab.holder(host);
    }

    <T extends AutoCloseable> T own(T closeable) {
        return owned.own(closeable);
    }

    /** Agents and operator first, then the API server, then the lab; once, whoever calls first. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        out.println();
        say("tearing down: agents, operator, API server, lab");
        owned.closeAll();
        if (api != null) {
            api.close();
        }
        if (lab != null) {
            lab.close();
        }
        say("done");
    }

    /**
     * A timeline printed as it happens: each condition's line when it is first seen true, with the
     * milliseconds since {@link #note} marked the injection. Fast conditions (a D-Bus call, a file
     * read) are looked at every 20 ms; slow ones (attrd_updater, the API) every 250 ms, on their own
     * thread so they do not slow the fast ones down.
     */
    private final class Live implements AutoCloseable {
        private final Map<String, BooleanSupplier> fast = new LinkedHashMap<>();
        private final Map<String, BooleanSupplier> slow = new LinkedHashMap<>();
        private final Map<String, Long> seenAt = new java.util.concurrent.ConcurrentHashMap<>();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running;
        private volatile long t0;
        private java.util.function.Supplier<String> rows;
        private boolean events;

        void fast(String label, BooleanSupplier c) {
            fast.put(label, c);
        }

        void slow(String label, BooleanSupplier c) {
            slow.put(label, c);
        }

        /** Also print the kubectl row whenever it changes. */
        void statusRows(java.util.function.Supplier<String> row) {
            this.rows = row;
        }

        /** Also print the cluster's new Kubernetes events. */
        void events() {
            this.events = true;
        }

        /** Marks the injection: time 0, and starts looking. */
        void note(String what, long ms) {
            t0 = System.nanoTime();
            line(ms, what);
            running = true;
            threads.add(loop(fast, 20, false));
            threads.add(loop(slow, 250, true));
        }

        long at(String label) {
            return seenAt.getOrDefault(label, -1L);
        }

        private synchronized void line(long ms, String what) {
            out.printf("  +%6d ms  %s%n", ms, what);
        }

        private Thread loop(Map<String, BooleanSupplier> conditions, long periodMs, boolean withStatus) {
            Set<String> knownEvents = new HashSet<>();
            if (withStatus && events) {
                eventsNow().forEach(e -> knownEvents.add(e.getMetadata().getName()));
            }
            String[] lastRow = {rows == null || !withStatus ? "" : withoutAge(rows.get())};
            Thread t = new Thread(() -> {
                while (running) {
                    for (var c : conditions.entrySet()) {
                        if (!seenAt.containsKey(c.getKey()) && safely(c.getValue())) {
                            long ms = (System.nanoTime() - t0) / 1_000_000;
                            seenAt.put(c.getKey(), ms);
                            line(ms, c.getKey());
                        }
                    }
                    if (withStatus && rows != null) {
                        try {
                            String row = rows.get();
                            if (!withoutAge(row).equals(lastRow[0])) {
                                line((System.nanoTime() - t0) / 1_000_000, "kubectl get: " + row.replaceAll(" +", " "));
                                lastRow[0] = withoutAge(row);
                            }
                        } catch (RuntimeException e) {
                            // the API did not answer this time: the next look prints the change
                        }
                    }
                    if (withStatus) {
                        if (events) {
                            for (Event e : eventsNow()) {
                                if (knownEvents.add(e.getMetadata().getName())) {
                                    line((System.nanoTime() - t0) / 1_000_000, "event " + e.getReason() + ": "
                                            + e.getMessage());
                                }
                            }
                        }
                    }
                    try {
                        Thread.sleep(periodMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "demo-timeline");
            t.setDaemon(true);
            t.start();
            return t;
        }

        private boolean safely(BooleanSupplier c) {
            try {
                return c.getAsBoolean();
            } catch (RuntimeException e) {
                return false;
            }
        }

        private List<Event> eventsNow() {
            try {
                return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                        .filter(e -> NAME.equals(e.getInvolvedObject().getName())).toList();
            } catch (RuntimeException e) {
                return List.of();
            }
        }

        /**
         * Until every condition was seen (of the "VIP up on a survivor" ones, one: the VIP has one
         * taker), or the timeout; then half a second more for the status to settle.
         */
        void await(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!missing().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("waited " + timeout.toSeconds() + " s; never seen: " + missing());
                }
                sleep(50);
            }
            sleep(500);
        }

        private List<String> missing() {
            List<String> m = new ArrayList<>();
            boolean taken = fast.keySet().stream().anyMatch(k -> k.contains(" up on ") && seenAt.containsKey(k));
            fast.keySet().stream().filter(k -> !seenAt.containsKey(k) && !(taken && k.contains(" up on ")))
                    .forEach(m::add);
            slow.keySet().stream().filter(k -> !seenAt.containsKey(k)).forEach(m::add);
            return m;
        }

        /** Stops looking: each loop ends after its current look (no interrupt cuts an API call short). */
        @Override
        public void close() {
            running = false;
            for (Thread t : threads) {
                try {
                    t.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
