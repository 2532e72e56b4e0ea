package io.ganeshaha.agent.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Corosync/Pacemaker cluster on this machine, one set of Linux namespaces per node, built
 * and torn down by {@code lab/ganesha-lab}. Each node has its own system bus, ganesha.nfsd and
 * Pacemaker; the project's OCF entry points are mounted as provider {@code ganesha-ha}.
 */
public final class Lab implements AutoCloseable {

    private static final Duration UP_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final List<String> nodes;

    private Lab(Path dir, List<String> nodes) {
        this.dir = dir;
        this.nodes = List.copyOf(nodes);
    }

    public static Lab up(Path dir, List<String> nodes) {
        return up(dir, nodes, "/run/ganesha/ganesha.pid");
    }

    /** A lab whose ganesha.nfsd writes {@code pidFile} in every node (GlusterFS's: /var/run/ganesha.pid). */
    public static Lab up(Path dir, List<String> nodes, String pidFile) {
        return up(dir, nodes, pidFile, ProviderDirs.SOURCE_TREE);
    }

    /** What a node's OCF provider directory (/usr/lib/ocf/resource.d/ganesha-ha) holds. */
    public enum ProviderDirs {
        /** The project's entry points, read-only: Pacemaker calls what this build has. */
        SOURCE_TREE,
        /** Each node its own empty, writable directory, as a fresh host: the agent installs them. */
        PER_NODE
    }

    public static Lab up(Path dir, List<String> nodes, String pidFile, ProviderDirs providerDirs) {
        return up(dir, nodes, pidFile, providerDirs, List.of());
    }

    /** @param options more of {@code ganesha-lab up}'s options, such as {@code --nfsv3} */
    public static Lab up(Path dir, List<String> nodes, String pidFile, ProviderDirs providerDirs, List<String> options) {
        Lab lab = new Lab(dir, nodes);
        // A lab left behind by a crashed run in the same directory goes first.
        lab.down();
        List<String> ocf = providerDirs == ProviderDirs.PER_NODE ? List.of("--ocf-per-node")
                : List.of("--ocf-dir", ProjectPaths.ocfDir().toString());
        List<String> argv = new ArrayList<>(List.of("env", "GANESHA_LAB_PID_FILE=" + pidFile,
                ProjectPaths.labScript().toString(), "up", "--dir", dir.toString(), "--nodes", String.join(",", nodes)));
        argv.addAll(ocf);
        argv.addAll(options);
        Shell.run(argv, UP_TIMEOUT).orFail("ganesha-lab up");
        return lab;
    }

    public List<String> nodes() {
        return nodes;
    }

    public String script() {
        return ProjectPaths.labScript().toString();
    }

    public Path dir() {
        return dir;
    }

    /** Runs a command inside a node. */
    public Shell.Result exec(String node, String... command) {
        return exec(node, Map.of(), CALL_TIMEOUT, command);
    }

    public Shell.Result exec(String node, Map<String, String> env, Duration timeout, String... command) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "-t", Long.toString(holder(node)), "-m", "-u", "-i", "-n", "--"));
        if (!env.isEmpty()) {
            argv.add("env");
            env.forEach((k, v) -> argv.add(k + "=" + v));
        }
        argv.addAll(List.of(command));
        return Shell.run(argv, timeout);
    }

    private final Map<String, Long> holders = new java.util.concurrent.ConcurrentHashMap<>();

    /** The pid of the process holding the node's namespaces. */
    public long holder(String node) {
        return holders.computeIfAbsent(node, n -> Long.parseLong(Shell.run(List.of(ProjectPaths.labScript().toString(),
                "holder", "--dir", dir.toString(), n), CALL_TIMEOUT).orFail("ganesha-lab holder").stdout().strip()));
    }

    /** A path inside the node, reachable from the test JVM through the holder's root. */
    public Path inNode(String node, String path) {
        return Path.of("/proc/" + holder(node) + "/root" + path);
    }

    /** start, kill, stop (SIGSTOP), cont (SIGCONT) or pid of the node's ganesha.nfsd. */
    public Shell.Result ganesha(String node, String operation) {
        return Shell.run(List.of(ProjectPaths.labScript().toString(), "ganesha", "--dir", dir.toString(), node, operation),
                CALL_TIMEOUT).orFail("ganesha-lab ganesha " + operation + " on " + node);
    }

    /**
     * Starts the node's ganesha.nfsd with ServerEpoch {@code epoch} ({@code -E}) instead of the
     * lab's own for the node.
     */
    public Shell.Result ganeshaStartWithEpoch(String node, String epoch) {
        return Shell.run(List.of(ProjectPaths.labScript().toString(), "ganesha", "--dir", dir.toString(), node, "start"),
                java.util.Map.of("GANESHA_LAB_SERVER_EPOCH", epoch), CALL_TIMEOUT)
                .orFail("ganesha-lab ganesha start on " + node + " with epoch " + epoch);
    }

    /** The pid of the node's ganesha.nfsd, if one runs. */
    public java.util.Optional<Long> ganeshaPid(String node) {
        Shell.Result r = Shell.run(List.of(ProjectPaths.labScript().toString(), "ganesha", "--dir", dir.toString(), node,
                "pid"), CALL_TIMEOUT);
        return r.exitCode() == 0 ? java.util.Optional.of(Long.parseLong(r.stdout().strip())) : java.util.Optional.empty();
    }

    /** A client machine of the lab (see {@link LabClient}). */
    public LabClient client(String name) {
        return new LabClient(this, name);
    }

    public void down() {
        Shell.run(List.of(ProjectPaths.labScript().toString(), "down", "--dir", dir.toString()), Duration.ofMinutes(2))
                .orFail("ganesha-lab down");
    }

    @Override
    public void close() {
        down();
    }
}
