package io.ganeshaha.agent.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One failure injected into a lab, and the timeline observed from outside: when each survivor's
 * nfsd was first seen in grace (D-Bus get_grace), when the failed node's virtual IP was first seen
 * on a survivor, whether any other virtual IP left its home meanwhile. Likewise for fail-back.
 * Times are milliseconds from the start of the injection command; every round samples all nodes
 * (grace first, then addresses), a round every {@value #PERIOD_MS} ms or less.
 */
public final class Failover {

    static final long PERIOD_MS = 20;

    /** Which node is home to which virtual IP. */
    private final Map<String, String> homeVip;
    private final Map<String, NodeProbe> probes;

    public Failover(Map<String, NodeProbe> probes, Map<String, String> homeVip) {
        this.probes = Map.copyOf(probes);
        this.homeVip = Map.copyOf(homeVip);
    }

    /**
     * @param vipHomeAgainMs when the VIP, having left its home node, was there again without having
     *     been seen on a survivor (the node was back before a taker's addresses came up)
     */
    /**
     * @param vipLastAbsentMs by survivor, when the probe that last found the VIP not on it began:
     *     the VIP came up on the taker after its entry and before {@code vipElsewhereMs}, which
     *     bounds how late the sample was
     */
    public record Result(String node, Map<String, Long> survivorInGraceMs, Optional<Long> vipElsewhereMs,
            Optional<String> vipTakenBy, List<String> otherVipsMoved, Optional<Long> vipHomeAgainMs,
            Map<String, Long> vipLastAbsentMs) {

        /** When the VIP was last seen not on its taker: it arrived between this and {@code vipElsewhereMs}. */
        public Optional<Long> vipNotYetMs() {
            return vipTakenBy.map(vipLastAbsentMs::get);
        }

        /** The last survivor to enter grace, if all did. */
        public Optional<Long> allInGraceMs() {
            return survivorInGraceMs.values().stream().max(Long::compare)
                    .filter(ms -> survivorInGraceMs.values().stream().allMatch(v -> v >= 0));
        }

        /** Every survivor seen in grace in an earlier round than the VIP on a survivor. */
        public boolean ordered() {
            return vipElsewhereMs.isPresent() && allInGraceMs().isPresent()
                    && survivorInGraceMs.values().stream().allMatch(g -> g >= 0 && g < vipElsewhereMs.get());
        }

        /** The VIP came straight home, and every survivor was seen in grace in an earlier round. */
        public boolean orderedStraightHome() {
            return vipHomeAgainMs.isPresent() && allInGraceMs().isPresent()
                    && survivorInGraceMs.values().stream().allMatch(g -> g >= 0 && g < vipHomeAgainMs.get());
        }

        public Optional<Long> marginMs() {
            return allInGraceMs().flatMap(g -> vipElsewhereMs.map(v -> v - g));
        }
    }

    public record FailBack(String node, Map<String, Long> survivorInGraceMs, Optional<Long> vipHomeMs,
            long vipOnNoNodeMs) {
        public boolean ordered() {
            return vipHomeMs.isPresent() && survivorInGraceMs.values().stream().allMatch(g -> g >= 0 && g < vipHomeMs.get());
        }
    }

    /**
     * Runs the injection for {@code node} and samples until its VIP is on a survivor, or back home
     * after it left, or time runs out.
     */
    public Result inject(String node, Runnable injection, Duration timeout) {
        String vip = homeVip.get(node);
        List<String> survivors = survivors(node);
        Map<String, Long> grace = initial(survivors);
        Optional<Long> vipAt = Optional.empty();
        Optional<String> takenBy = Optional.empty();
        Optional<Long> homeAgain = Optional.empty();
        boolean left = false;
        List<String> otherMoved = new ArrayList<>();
        Map<String, Long> lastAbsent = new LinkedHashMap<>();
        long start = System.nanoTime();
        CompletableFuture<Void> injected = CompletableFuture.runAsync(injection);
        while (vipAt.isEmpty() && homeAgain.isEmpty() && elapsed(start) < timeout.toMillis()) {
            long round = System.nanoTime();
            sampleGrace(survivors, grace, start);
            for (String s : survivors) {
                long probeBegan = elapsed(start);
                if (probes.get(s).holds(vip)) {
                    vipAt = Optional.of(elapsed(start));
                    takenBy = Optional.of(s);
                    break;
                }
                lastAbsent.put(s, probeBegan);
            }
            if (vipAt.isEmpty()) {
                boolean home = probes.get(node).holds(vip);
                if (left && home) {
                    homeAgain = Optional.of(elapsed(start));
                }
                left |= !home;
            }
            homeVip.forEach((home, other) -> {
                if (!home.equals(node) && !probes.get(home).holds(other) && !otherMoved.contains(other)) {
                    otherMoved.add(other + " left " + home + " at " + elapsed(start) + " ms");
                }
            });
            pace(round);
        }
        injected.join();
        return new Result(node, grace, vipAt, takenBy, otherMoved, homeAgain, lastAbsent);
    }

    /**
     * Goes on sampling, at the same pace, the survivors not yet seen in grace when {@code result}'s
     * sampling stopped (at the VIP's arrival), until each was seen once or {@code within} passed.
     * A survivor that ganesha lets out of an empty grace early still counts: the assertion is on
     * each survivor's first sample in grace, never on a moment when all are in grace together.
     */
    public Result sampleGraceUntilAllSeen(Result result, Duration within) {
        Map<String, Long> grace = new LinkedHashMap<>(result.survivorInGraceMs());
        List<String> survivors = List.copyOf(grace.keySet());
        long offset = result.vipElsewhereMs().orElse(0L);
        long start = System.nanoTime() - offset * 1_000_000;
        while (grace.containsValue(-1L) && elapsed(start) - offset < within.toMillis()) {
            long round = System.nanoTime();
            sampleGrace(survivors, grace, start);
            pace(round);
        }
        return new Result(result.node(), grace, result.vipElsewhereMs(), result.vipTakenBy(), result.otherVipsMoved(),
                result.vipHomeAgainMs(), result.vipLastAbsentMs());
    }

    /**
     * Runs the recovery of {@code node} (its nfsd restarted) and samples until its VIP is home:
     * when each survivor re-entered grace, and how long the VIP was on no node at all.
     */
    public FailBack failBack(String node, Runnable recovery, Duration timeout) {
        String vip = homeVip.get(node);
        List<String> survivors = survivors(node);
        Map<String, Long> grace = initial(survivors);
        Optional<Long> homeAt = Optional.empty();
        long lastElsewhere = 0;
        long start = System.nanoTime();
        CompletableFuture<Void> recovered = CompletableFuture.runAsync(recovery);
        while (homeAt.isEmpty() && elapsed(start) < timeout.toMillis()) {
            long round = System.nanoTime();
            sampleGrace(survivors, grace, start);
            long now = elapsed(start);
            if (probes.get(node).holds(vip)) {
                homeAt = Optional.of(now);
            } else if (survivors.stream().anyMatch(s -> probes.get(s).holds(vip))) {
                lastElsewhere = now;
            }
            pace(round);
        }
        recovered.join();
        // The VIP leaves the survivor before it comes home: that stretch, clients reach no server.
        long lastSeenElsewhere = lastElsewhere;
        long onNoNode = homeAt.map(h -> h - Math.min(lastSeenElsewhere, h)).orElse(elapsed(start) - lastSeenElsewhere);
        return new FailBack(node, grace, homeAt, onNoNode);
    }

    private List<String> survivors(String node) {
        return probes.keySet().stream().filter(n -> !n.equals(node)).sorted().toList();
    }

    private static Map<String, Long> initial(List<String> survivors) {
        Map<String, Long> grace = new LinkedHashMap<>();
        survivors.forEach(s -> grace.put(s, -1L));
        return grace;
    }

    private void sampleGrace(List<String> survivors, Map<String, Long> grace, long start) {
        for (String s : survivors) {
            if (grace.get(s) < 0 && probes.get(s).inGrace()) {
                grace.put(s, elapsed(start));
            }
        }
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void pace(long roundStart) {
        long left = PERIOD_MS - (System.nanoTime() - roundStart) / 1_000_000;
        if (left > 0) {
            try {
                Thread.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
