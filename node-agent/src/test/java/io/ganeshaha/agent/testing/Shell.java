package io.ganeshaha.agent.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command with a deadline and captures its output: the tests' only way to touch a node. */
public final class Shell {

    public record Result(int exitCode, String stdout, String stderr, Duration elapsed) {
        public Result orFail(String what) {
            if (exitCode != 0) {
                throw new AssertionError(what + " failed with exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return this;
        }
    }

    private Shell() {}

    public static Result run(List<String> argv, Duration timeout) {
        return run(argv, Map.of(), timeout);
    }

    public static Result run(List<String> argv, Map<String, String> env, Duration timeout) {
        long start = System.nanoTime();
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", argv) + " did not finish within " + timeout);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS), elapsed);
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("cannot run " + argv, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
