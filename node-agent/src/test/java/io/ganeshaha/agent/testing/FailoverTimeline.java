package io.ganeshaha.agent.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Watches named conditions from outside every few milliseconds from a start instant, and remembers
 * when each first became true: "nfs-2 in grace", "VIP .101 on nfs-2"... The ordering the HA
 * contract promises is then read off the first-true times.
 */
public final class FailoverTimeline implements AutoCloseable {

    private final Map<String, BooleanSupplier> conditions;
    private final Map<String, Long> firstTrue = new ConcurrentHashMap<>();
    private final Thread sampler;
    private final long start = System.nanoTime();
    private volatile boolean running = true;

    public FailoverTimeline(Map<String, BooleanSupplier> conditions, long periodMillis) {
        this.conditions = Map.copyOf(conditions);
        this.sampler = new Thread(() -> {
            while (running) {
                for (Map.Entry<String, BooleanSupplier> c : this.conditions.entrySet()) {
                    if (!firstTrue.containsKey(c.getKey()) && c.getValue().getAsBoolean()) {
                        firstTrue.put(c.getKey(), System.nanoTime());
                    }
                }
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "failover-timeline");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Milliseconds from the start until the condition was first seen true. */
    public Optional<Long> millisUntil(String condition) {
        return Optional.ofNullable(firstTrue.get(condition)).map(t -> (t - start) / 1_000_000);
    }

    public boolean seen(String condition) {
        return firstTrue.containsKey(condition);
    }

    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        conditions.keySet().stream().sorted().forEach(c -> lines.add(c + ": "
                + millisUntil(c).map(ms -> ms + " ms").orElse("not seen")));
        return lines;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
