package io.ganeshaha.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.testing.Failover;
import io.ganeshaha.agent.testing.ThreeNodeLab;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The failover benchmark (scripts/bench-failover): kill -9 of nfsd on a rotating node of a
 * three-node lab, at a random phase of Pacemaker's monitors, then its restart; prints median and
 * p95 of death to all survivors in grace, death to VIP up on a survivor, the grace-to-VIP margin,
 * the fail-back time with the VIP on no node, and the count of ordering violations. A benchmark,
 * not a test: it asserts only that every injection completed.
 */
@Tag("benchmark")
class FailoverBenchmarkIT {

    @Test
    void failoverAndFailBackFigures() throws Exception {
        int injections = Integer.getInteger("ganesha-ha.bench.injections", 10);
        long seed = Long.getLong("ganesha-ha.bench.seed", System.nanoTime());
        Random random = new Random(seed);
        List<Long> grace = new ArrayList<>();
        List<Long> vip = new ArrayList<>();
        List<Long> margin = new ArrayList<>();
        List<Long> gap = new ArrayList<>();
        int violations = 0;
        try (ThreeNodeLab lab = new ThreeNodeLab(Path.of("target/bench-failover").toAbsolutePath())) {
            for (int i = 0; i < injections; i++) {
                String node = ThreeNodeLab.NODES.get(i % ThreeNodeLab.NODES.size());
                lab.awaitHealthy(Duration.ofSeconds(90));
                lab.awaitNoneInGrace(Duration.ofSeconds(40));
                // A random phase against the monitors (mon every 10 s, grace every 5 s).
                Thread.sleep(random.nextInt(10_000));
                Failover.Result r = lab.failover.inject(node, () -> lab.lab.ganesha(node, "kill"), Duration.ofSeconds(40));
                assertThat(r.vipElsewhereMs()).as("injection " + i + " moved the VIP").isPresent();
                r.allInGraceMs().ifPresent(grace::add);
                vip.add(r.vipElsewhereMs().get());
                r.marginMs().ifPresent(margin::add);
                if (!r.ordered() || !r.otherVipsMoved().isEmpty()) {
                    violations++;
                }
                lab.awaitNoneInGrace(Duration.ofSeconds(40));
                Failover.FailBack f = lab.failover.failBack(node, () -> lab.lab.ganesha(node, "start"), Duration.ofSeconds(40));
                assertThat(f.vipHomeMs()).as("injection " + i + " failed back").isPresent();
                gap.add(f.vipOnNoNodeMs());
                if (!f.ordered()) {
                    violations++;
                }
                System.out.printf("injection %d on %s: grace %s ms, VIP %d ms, margin %s ms, fail-back gap %d ms%s%n", i, node,
                        r.allInGraceMs().map(String::valueOf).orElse("-"), r.vipElsewhereMs().get(),
                        r.marginMs().map(String::valueOf).orElse("-"), f.vipOnNoNodeMs(),
                        r.ordered() && f.ordered() ? "" : "  ORDERING VIOLATION");
            }
        }
        System.out.println();
        System.out.printf("failover benchmark: %d injections, 3 nodes, seed %d%n", injections, seed);
        System.out.printf("%-36s %10s %10s%n", "", "median ms", "p95 ms");
        row("death -> all survivors in grace", grace);
        row("death -> VIP up on a survivor", vip);
        row("grace -> VIP margin", margin);
        row("fail-back: VIP on no node", gap);
        System.out.printf("ordering violations: %d%n", violations);
    }

    private static void row(String name, List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        if (sorted.isEmpty()) {
            System.out.printf("%-36s %10s %10s%n", name, "-", "-");
            return;
        }
        long median = sorted.get(sorted.size() / 2);
        long p95 = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(0.95 * sorted.size()) - 1));
        System.out.printf("%-36s %10d %10d%n", name, median, p95);
    }
}
