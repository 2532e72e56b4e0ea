package io.ganeshaha.agent.exports;

import io.ganeshaha.agent.failover.MonController;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.lang3.concurrent.BasicThreadFactory;

/**
 * The fail-back gate of a node with the cluster's exports: {@link ExportSync#settle} on a thread of
 * its own, awaited for at most {@code wait} at a time, so the failover loop that asks keeps its
 * own bound and sees a newer health verdict between two looks, however long ganesha takes to
 * answer. A settle still running is awaited again, not started twice.
 */
public final class ExportSettleGate implements MonController.ServingGate, AutoCloseable {

    private final ExportSync sync;
    private final Duration wait;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(
            BasicThreadFactory.builder().namingPattern("exports-settle").daemon().build());
    private Future<Boolean> running;

    public ExportSettleGate(ExportSync sync, Duration wait) {
        this.sync = sync;
        this.wait = wait;
    }

    @Override
    public synchronized boolean settle() {
        if (running == null) {
            running = executor.submit(sync::settle);
        }
        try {
            boolean settled = running.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            running = null;
            return settled;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            running = null;
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
