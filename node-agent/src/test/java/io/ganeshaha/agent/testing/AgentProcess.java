package io.ganeshaha.agent.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The real node agent (the packaged jar) running inside a lab node, as a DaemonSet pod would. */
public final class AgentProcess implements AutoCloseable {

    private final JvmProcess jvm;
    private final Path socket;

    public AgentProcess(Lab lab, String node, Path log, List<String> settings) {
        this(lab, node, log, settings, Map.of());
    }

    /**
     * The agent with the pod's view of the host: {@code hostPaths} (pod path to node path) are bind
     * mounted in a mount namespace of the agent's own, as the DaemonSet's hostPath volumes are. The
     * pid namespace is the node's (hostPID). The pod paths are created on the machine's root file
     * system if missing (the lab's nodes share it).
     */
    public AgentProcess(Lab lab, String node, Path log, List<String> settings, Map<String, String> hostPaths) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "-t", Long.toString(lab.holder(node)), "-m", "-u", "-i",
                "-n", "--"));
        if (!hostPaths.isEmpty()) {
            StringBuilder mounts = new StringBuilder("set -e;");
            hostPaths.forEach((pod, host) -> mounts.append(" mkdir -p '").append(pod).append("'; mount --bind '")
                    .append(host).append("' '").append(pod).append("';"));
            argv.addAll(List.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                    mounts + " exec \"$@\"", "agent-pod"));
        }
        argv.addAll(List.of("java", "-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1"));
        settings.forEach(s -> argv.add("-D" + s));
        argv.addAll(List.of("-jar", ProjectPaths.agentJar().toString()));
        this.jvm = new JvmProcess("the agent in " + node, argv, log);
        this.socket = lab.inNode(node, "/run/ganesha-ha/agent.sock");
    }

    /** Starts the agent and waits until it serves the entry points' socket. */
    public AgentProcess start() {
        jvm.start(Duration.ofSeconds(30),
                () -> Files.exists(socket) && jvm.loggedSinceStart("listening for OCF entry points"));
        return this;
    }

    /** SIGTERM, as Kubernetes stops a pod. */
    public void stop() {
        jvm.stop();
    }

    /** SIGKILL: the agent crashes. */
    public void kill() {
        jvm.kill();
    }

    public long pid() {
        return jvm.pid();
    }

    public boolean logContains(String text) {
        return jvm.logContains(text);
    }

    /** Whether {@code later} was logged after the last {@code earlier}. */
    public boolean loggedAfter(String earlier, String later) {
        return jvm.loggedAfter(earlier, later);
    }

    /** When the agent last logged a line containing {@code text} (its log's own timestamp). */
    public Optional<Instant> lastLogged(String text) {
        return jvm.lastLogged(text);
    }

    /** The whole log (a restarted agent appends to it). */
    public String logText() {
        return jvm.logText();
    }

    public String logTail() {
        return jvm.logTail();
    }

    @Override
    public void close() {
        jvm.close();
    }
}
