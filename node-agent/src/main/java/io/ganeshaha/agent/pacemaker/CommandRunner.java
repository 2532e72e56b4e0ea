package io.ganeshaha.agent.pacemaker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.lang3.concurrent.BasicThreadFactory;

/**
 * Runs one of Pacemaker's command line tools with a hard deadline. Pacemaker's IPC can stall during
 * a membership change (GlusterFS's `pcs status` in a monitor timed out then), so every call is
 * bounded and a stuck tool is killed.
 */
public class CommandRunner {

    /**
     * Threads that read the tools' output until they exit. Not the common pool: a read blocks for
     * the tool's whole run, and with a few cores the common pool has one or two threads, so one
     * slow tool (a CIB query during a membership change) would hold every other tool's answer.
     */
    private static final ExecutorService DRAINS = Executors.newCachedThreadPool(
            BasicThreadFactory.builder().namingPattern("pacemaker-tool-output-%d").daemon().build());

    public record Result(int exitCode, String stdout, String stderr) {}

    public Result run(List<String> argv, Duration timeout) throws PacemakerCommandException {
        Process process;
        try {
            process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new PacemakerCommandException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new PacemakerCommandException(String.join(" ", argv) + " did not answer within "
                        + timeout.toMillis() + " ms and was killed");
            }
            return new Result(process.exitValue(), out.get(1, TimeUnit.SECONDS), err.get(1, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new PacemakerCommandException("interrupted while running " + argv.get(0), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new PacemakerCommandException("cannot read the output of " + argv.get(0), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, DRAINS);
    }
}
