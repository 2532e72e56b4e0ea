package io.ganeshaha.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One of the project's packaged JVMs (the node agent, the operator) run by a test, its output in a
 * log file: started until it says it is ready, stopped as Kubernetes stops a pod, killed as a crash
 * kills it, and its log read the way whoever is on call reads it.
 */
public final class JvmProcess implements AutoCloseable {

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final String what;
    private final List<String> argv;
    private final Path log;
    private Process process;
    /** Where this run's output starts in the log (a restarted process appends to the same file). */
    private long startOffset;

    /** {@code what} names it in failures ("the agent in nfs-1"); its output is appended to {@code log}. */
    public JvmProcess(String what, List<String> argv, Path log) {
        this.what = what;
        this.argv = List.copyOf(argv);
        this.log = log;
    }

    /** Starts it and waits until {@code ready} holds; fails with the log's tail if it exits or times out. */
    public void start(Duration timeout, BooleanSupplier ready) {
        try {
            startOffset = Files.exists(log) ? Files.size(log) : 0;
            process = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + what, e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(what + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (ready.getAsBoolean()) {
                return;
            }
            sleep(50);
        }
        throw new AssertionError(what + " is not ready after " + timeout + ":\n" + logTail());
    }

    /** SIGTERM, as Kubernetes stops a pod; SIGKILL if it has not exited 20 s later. */
    public void stop() {
        process.destroy();
        waitGone();
    }

    /** SIGKILL: a crash, or a pod lost with its node. */
    public void kill() {
        process.destroyForcibly();
        waitGone();
    }

    private void waitGone() {
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean logContains(String text) {
        try {
            return Files.exists(log) && Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether this run (since the last {@link #start}) logged {@code text}. */
    public boolean loggedSinceStart(String text) {
        try {
            if (!Files.exists(log)) {
                return false;
            }
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(startOffset, all.length);
            return new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code later} was logged after the last {@code earlier}. */
    public boolean loggedAfter(String earlier, String later) {
        try {
            String text = Files.readString(log);
            int e = text.lastIndexOf(earlier);
            return e >= 0 && text.indexOf(later, e) > e;
        } catch (IOException ex) {
            return false;
        }
    }

    /** When a line containing {@code text} was last logged (the log's own timestamp). */
    public Optional<Instant> lastLogged(String text) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i);
                if (line.contains(text) && line.length() >= 23) {
                    return Optional.of(LocalDateTime.parse(line.substring(0, 23), LOG_TIME)
                            .atZone(ZoneId.systemDefault()).toInstant());
                }
            }
        } catch (IOException | DateTimeParseException e) {
            // no such line
        }
        return Optional.empty();
    }

    /** The whole log, every run's. */
    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The last lines of the log, for a failure message. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops it if it still runs. */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            stop();
        }
    }

    /** The process's pid (the JVM's: nsenter, unshare and sh exec into it without forking). */
    public synchronized long pid() {
        return process.pid();
    }
}
