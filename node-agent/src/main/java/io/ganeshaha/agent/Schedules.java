package io.ganeshaha.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.commons.lang3.concurrent.BasicThreadFactory;

/**
 * The agent's periodic work, each task on a daemon thread of its own, so that a slow one (a
 * cibadmin call, an API server that does not answer) never delays another (the peer watch).
 */
final class Schedules implements AutoCloseable {

    private final List<ScheduledExecutorService> threads = new ArrayList<>();

    /** Runs {@code task} on thread {@code name} after {@code first}, then {@code every} after each run ends. */
    synchronized void every(String name, Duration first, Duration every, Runnable task) {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
                BasicThreadFactory.builder().namingPattern(name).daemon().build());
        threads.add(thread);
        thread.scheduleWithFixedDelay(task, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        threads.forEach(ScheduledExecutorService::shutdownNow);
        threads.clear();
    }
}
