package io.ganeshaha.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real node agent (the packaged jar) running inside a lab node, as a DaemonSet pod would. */
public final class AgentProcess implements AutoCloseable {

    private final Lab lab;
    private final String node;
    private final Path log;
    private final List<String> settings;
    private Process process;

    public AgentProcess(Lab lab, String node, Path log, List<String> settings) {
        this.lab = lab;
        this.node = node;
        this.log = log;
        this.settings = List.copyOf(settings);
    }

    public AgentProcess start() {
        List<String> argv = new ArrayList<>(List.of("nsenter", "-t", Long.toString(lab.holder(node)), "-m", "-u", "-i",
                "-n", "--", "java", "-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1"));
        settings.forEach(s -> argv.add("-D" + s));
        argv.addAll(List.of("-jar", ProjectPaths.agentJar().toString()));
        try {
            process = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start the agent in " + node, e);
        }
        awaitListening(Duration.ofSeconds(30));
        return this;
    }

    private void awaitListening(Duration timeout) {
        Path socket = lab.inNode(node, "/run/ganesha-ha/agent.sock");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the agent in " + node + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (Files.exists(socket) && logContains("listening for OCF entry points")) {
                return;
            }
            sleep(50);
        }
        throw new AssertionError("the agent in " + node + " is not listening after " + timeout + ":\n" + logTail());
    }

    /** SIGTERM, as Kubernetes stops a pod. */
    public void stop() {
        process.destroy();
        waitGone();
    }

    /** SIGKILL: the agent crashes. */
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

    private static final java.time.format.DateTimeFormatter LOG_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    /** When the agent last logged a line containing {@code text} (its log's own timestamp). */
    public java.util.Optional<java.time.Instant> lastLogged(String text) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i);
                if (line.contains(text) && line.length() >= 23) {
                    return java.util.Optional.of(java.time.LocalDateTime.parse(line.substring(0, 23), LOG_TIME)
                            .atZone(java.time.ZoneId.systemDefault()).toInstant());
                }
            }
        } catch (IOException | java.time.format.DateTimeParseException e) {
            // no such line
        }
        return java.util.Optional.empty();
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
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

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
