package io.ganeshaha.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.testing.AgentProcess;
import io.ganeshaha.agent.testing.ClientWorkloads;
import io.ganeshaha.agent.testing.Failover;
import io.ganeshaha.agent.testing.LabClient;
import io.ganeshaha.agent.testing.ThreeNodeLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The failover benchmark (scripts/bench-failover): kill -9 of nfsd on a rotating node of a
 * three-node lab, at a random phase of Pacemaker's monitors, then its restart (or, with
 * {@code ganesha-ha.bench.fault=node-loss}, the node's cable pulled, the node fenced through its
 * level, fence_ganesha_grace then the lab's power switch, then plugged in and booted), with real clients
 * (lab client machines): a writer holding a lock and appending fsync'ed records through the failing
 * node's VIP, a locker trying the same lock through the third node's VIP. Without clients ganesha
 * ends an empty grace at once, so grace figures measured without them say little. Prints median,
 * p95 and max of death to all survivors in grace, death to VIP up on a survivor, the grace-to-VIP
 * margin, death to the writer's writes resumed and the same from the survivors' grace (the detection,
 * for a node loss), the writer's stall at fail-back, the fail-back
 * time with the VIP on no node, the longest wait of a survivor's client for an answer to a lock try
 * (a survivor in grace answers NFS4ERR_GRACE, the kernel retries), a new client's wait for its first
 * lock on the taker, and counts of ordering violations, lost or damaged records, lock
 * violations (the locker got the lock after every survivor was in grace, or at fail-back; after the
 * fault at all for a node loss, whose nfsd keeps its locks until its fence) and
 * client I/O errors. A benchmark, not a test: it asserts only that every injection completed.
 */
@Tag("benchmark")
class FailoverBenchmarkIT {

    @Test
    void failoverAndFailBackFigures() throws Exception {
        int injections = Integer.getInteger("ganesha-ha.bench.injections", 10);
        long seed = Long.getLong("ganesha-ha.bench.seed", System.nanoTime());
        String fault = System.getProperty("ganesha-ha.bench.fault", "kill");
        assertThat(fault).as("ganesha-ha.bench.fault").isIn("kill", "node-loss");
        boolean nodeLoss = fault.equals("node-loss");
        String what = nodeLoss ? "fault" : "death";
        Random random = new Random(seed);
        List<Long> grace = new ArrayList<>();
        List<Long> vip = new ArrayList<>();
        List<Long> margin = new ArrayList<>();
        List<Long> gap = new ArrayList<>();
        List<Long> resumed = new ArrayList<>();
        List<Long> resumedAfterGrace = new ArrayList<>();
        List<Long> backStall = new ArrayList<>();
        List<Long> lockWindow = new ArrayList<>();
        List<Long> lockWait = new ArrayList<>();
        List<Long> firstLock = new ArrayList<>();
        int violations = 0;
        int lost = 0;
        int lockViolations = 0;
        int clientErrors = 0;
        try (ThreeNodeLab lab = new ThreeNodeLab(Path.of("target/bench-failover").toAbsolutePath())) {
            lab.awaitHealthy(Duration.ofSeconds(90));
            LabClient writer = lab.lab.client("writer");
            LabClient locker = lab.lab.client("locker");
            writer.start();
            locker.start();
            lab.awaitNoneInGrace(Duration.ofSeconds(60));
            idleCost(lab, Duration.ofSeconds(Long.getLong("ganesha-ha.bench.idle-seconds", 30)));
            if (nodeLoss) {
                lab.fencingOn();
            }
            List<String> nodes = ThreeNodeLab.NODES;
            for (int i = 0; i < injections; i++) {
                String node = nodes.get(i % nodes.size());
                // The taker is the member before the failing one (GlusterFS's order); the locker
                // uses the third node, a survivor that takes nothing over.
                String third = nodes.get((i + 1) % nodes.size());
                lab.awaitHealthy(Duration.ofSeconds(90));
                lab.awaitNoneInGrace(Duration.ofSeconds(60));
                ClientWorkloads clients = ClientWorkloads.start(lab.lab, writer, lab.homeVip.get(node), locker,
                        lab.homeVip.get(third), "bench-" + i, "4.1");
                // A random phase against the monitors (mon every 10 s, grace every 5 s).
                Thread.sleep(random.nextInt(10_000));
                long faultNs = System.currentTimeMillis() * 1_000_000;
                Failover.Result r = lab.failover.inject(node, nodeLoss ? () -> lab.link(node, "down")
                        : () -> lab.lab.ganesha(node, "kill"), Duration.ofSeconds(nodeLoss ? 60 : 40));
                assertThat(r.vipElsewhereMs()).as("injection " + i + " moved the VIP").isPresent();
                r.allInGraceMs().ifPresent(grace::add);
                vip.add(r.vipElsewhereMs().get());
                r.marginMs().ifPresent(margin::add);
                if (!r.ordered() || !r.otherVipsMoved().isEmpty()) {
                    violations++;
                }
                r = lab.failover.sampleGraceUntilAllSeen(r, Duration.ofSeconds(5));
                clients.awaitWritesAfter(faultNs + r.vipElsewhereMs().get() * 1_000_000, Duration.ofSeconds(60),
                        "injection " + i);
                ClientWorkloads.Outage outage = ClientWorkloads.outage(clients.oks(), faultNs - 1_000_000_000L);
                resumed.add((outage.resumedAtNs() - faultNs) / 1_000_000);
                r.allInGraceMs().ifPresent(g -> resumedAfterGrace.add(resumed.get(resumed.size() - 1) - g));
                firstLock.add(clients.firstLockWait(lab.homeVip.get(r.vipTakenBy().get()), "4.1").toMillis());

                lab.awaitNoneInGrace(Duration.ofSeconds(60));
                long backNs = System.currentTimeMillis() * 1_000_000;
                Failover.FailBack f = lab.failover.failBack(node, nodeLoss ? () -> {
                    lab.link(node, "up");
                    lab.powerOn(node);
                } : () -> lab.lab.ganesha(node, "start"), Duration.ofSeconds(nodeLoss ? 90 : 40));
                assertThat(f.vipHomeMs()).as("injection " + i + " failed back").isPresent();
                gap.add(f.vipOnNoNodeMs());
                if (!f.ordered()) {
                    violations++;
                }
                long homeNs = backNs + f.vipHomeMs().get() * 1_000_000;
                clients.awaitWritesAfter(homeNs, Duration.ofSeconds(60), "the fail-back of injection " + i);
                backStall.add(ClientWorkloads.outage(clients.oks(), homeNs - 1_000_000_000L).stallMs());

                long allInGraceNs = faultNs + r.allInGraceMs().orElse(Long.MAX_VALUE / 2_000_000) * 1_000_000;
                List<long[]> got = clients.lockerGot();
                // A lost node keeps its locks until its fence: no window at all.
                long badLocks = clients.lockerGotAfter(nodeLoss ? faultNs : Math.min(allInGraceNs, backNs)).size();
                lockWait.add(clients.longestLockWait(faultNs, System.currentTimeMillis() * 1_000_000).toMillis());
                if (!nodeLoss) {
                    got.stream().filter(g -> g[0] > faultNs).mapToLong(g -> (g[0] - faultNs) / 1_000_000).max()
                            .ifPresent(lockWindow::add);
                }
                List<String> records = clients.lostOrDamagedRecords();
                List<String> errors = clients.clientErrors();
                lockViolations += badLocks;
                lost += records.size();
                clientErrors += errors.size() + (clients.kernelLostALock() ? 1 : 0);
                clients.stop();
                System.out.printf("injection %d on %s: grace %s ms, VIP %d ms, margin %s ms, writes resumed %d ms,"
                        + " fail-back stall %d ms, fail-back gap %d ms, lock violations %d, lost records %d,"
                        + " client errors %d%s%n", i, node, r.allInGraceMs().map(String::valueOf).orElse("-"),
                        r.vipElsewhereMs().get(), r.marginMs().map(String::valueOf).orElse("-"),
                        resumed.get(resumed.size() - 1), backStall.get(backStall.size() - 1), f.vipOnNoNodeMs(),
                        badLocks, records.size(), errors.size(), r.ordered() && f.ordered() ? "" : "  ORDERING VIOLATION");
            }
        }
        System.out.println();
        System.out.printf("failover benchmark: %d injections (%s), 3 nodes, seed %d%n", injections,
                nodeLoss ? "node loss: cable pulled, fenced, booted" : "kill -9 of nfsd", seed);
        System.out.printf("%-38s %10s %10s %10s%n", "", "median ms", "p95 ms", "max ms");
        row(what + " -> all survivors in grace", grace);
        row(what + " -> VIP up on a survivor", vip);
        row("grace -> VIP margin", margin);
        row(what + " -> client writes resumed", resumed);
        row("grace -> client writes resumed", resumedAfterGrace);
        if (!nodeLoss) {
            row("kill -9 lock window (last got)", lockWindow);
        }
        row("fail-back: client write stall", backStall);
        row("fail-back: VIP on no node", gap);
        row("survivor's client: lock try answered", lockWait);
        row("new client on the taker: first lock", firstLock);
        System.out.printf("ordering violations: %d%n", violations);
        System.out.printf("lost or damaged records: %d%n", lost);
        System.out.printf("lock violations: %d%n", lockViolations);
        System.out.printf("client I/O errors: %d%n", clientErrors);
    }

    /**
     * What the agents cost while nothing fails, the clients mounted and idle: each agent's CPU
     * (its JVM and the Pacemaker tools it ran and reaped, from /proc/PID/stat) and the machine's,
     * over {@code window}. The agents' idle polling is load every node carries all the time, and in
     * this lab load Pacemaker throttles its transitions on.
     */
    private static void idleCost(ThreeNodeLab lab, Duration window) throws Exception {
        Map<String, Long> before = new LinkedHashMap<>();
        for (Map.Entry<String, AgentProcess> a : lab.agents.entrySet()) {
            before.put(a.getKey(), cpuTicks(a.getValue().pid()));
        }
        long[] machineBefore = machineTicks();
        Map<Long, Map.Entry<String, Long>> processesBefore = ticksByProcess();
        Thread.sleep(window.toMillis());
        long[] machineAfter = machineTicks();
        // By process alive at the end: what it used in the window (all of it if it started then);
        // a process that ended meanwhile is in its parent's reaped children.
        Map<String, Long> byCommand = new java.util.HashMap<>();
        ticksByProcess().forEach((pid, after) -> {
            Map.Entry<String, Long> started = processesBefore.get(pid);
            long used = after.getValue() - (started == null ? 0 : started.getValue());
            byCommand.merge(after.getKey(), used, Long::sum);
        });
        double seconds = window.toMillis() / 1000.0;
        double total = 0;
        for (Map.Entry<String, AgentProcess> a : lab.agents.entrySet()) {
            double cpu = (cpuTicks(a.getValue().pid()) - before.get(a.getKey())) / 100.0 / seconds;
            total += cpu;
            System.out.printf("idle agent on %s: %.3f CPU (JVM and the tools it ran)%n", a.getKey(), cpu);
        }
        double busy = (double) (machineAfter[0] - machineBefore[0]) / (machineAfter[1] - machineBefore[1]);
        System.out.printf("idle agents together: %.3f CPU; machine busy %.1f%% of %d CPUs over %.0f s%n", total,
                100 * busy, Runtime.getRuntime().availableProcessors(), seconds);
        System.out.printf("idle agent: the machine's busiest commands (with what they ran and reaped): %s%n",
                byCommand.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                        .map(e -> String.format("%s %.3f", e.getKey(), e.getValue() / 100.0 / seconds))
                        .collect(java.util.stream.Collectors.joining(", ")));
    }

    /** Every live process's command name and ticks as {@link #cpuTicks}, by pid. */
    private static Map<Long, Map.Entry<String, Long>> ticksByProcess() throws java.io.IOException {
        Map<Long, Map.Entry<String, Long>> byProcess = new java.util.HashMap<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    long pid = Long.parseLong(dir.getFileName().toString());
                    String stat = Files.readString(dir.resolve("stat"));
                    String command = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    byProcess.put(pid, Map.entry(command, cpuTicks(pid)));
                } catch (java.io.IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        }
        return byProcess;
    }

    /** utime + stime + cutime + cstime of {@code pid}, in clock ticks (USER_HZ, 100 on Linux). */
    private static long cpuTicks(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After the command: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    /**
     * The machine's busy and total ticks from /proc/stat's first line: user, nice, system, idle,
     * iowait, irq, softirq, steal (guest and guest_nice are counted in user and nice already).
     */
    private static long[] machineTicks() throws java.io.IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i <= 8 && i < f.length; i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new long[] {total - idle, total};
    }

    private static void row(String name, List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        if (sorted.isEmpty()) {
            System.out.printf("%-38s %10s %10s %10s%n", name, "-", "-", "-");
            return;
        }
        long median = sorted.get(sorted.size() / 2);
        long p95 = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(0.95 * sorted.size()) - 1));
        System.out.printf("%-38s %10d %10d %10d%n", name, median, p95, sorted.get(sorted.size() - 1));
    }
}
