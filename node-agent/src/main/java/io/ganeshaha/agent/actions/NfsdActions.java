package io.ganeshaha.agent.actions;

import io.ganeshaha.agent.ocf.OcfConfigurationException;
import io.ganeshaha.agent.ocf.OcfExitCode;
import io.ganeshaha.agent.ocf.OcfParameters;
import io.ganeshaha.agent.ocf.OcfRequest;
import io.ganeshaha.agent.ocf.OcfResponse;
import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.statedir.StateDirException;
import io.ganeshaha.agent.statedir.StateDirLink;
import io.ganeshaha.agent.statedir.StateLayout;
import io.ganeshaha.agent.statedir.StateTreeName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * ganesha_nfsd: runs for the cluster's life; start points the host's NFS state directory at this
 * node's tree on the shared storage (creating the tree and the links to every peer's records),
 * stop puts the host's own directory back.
 */
public final class NfsdActions {

    private static final Logger LOG = Logger.getLogger(NfsdActions.class);

    /** Every node of the Pacemaker cluster ({@code crm_node -l} on a host). */
    @FunctionalInterface
    public interface ClusterNodes {
        List<String> allNames() throws PacemakerCommandException;
    }

    /**
     * What follows the state directory's switch to the shared storage on {@code node} under an nfsd
     * that read its records elsewhere: lines for the cluster log.
     */
    @FunctionalInterface
    public interface Switched {
        List<String> switched(String node);
    }

    /** Now, in clock ticks since boot (USER_HZ, as /proc/PID/stat's start time), from /proc/uptime. */
    private static OptionalLong uptimeTicks() {
        try {
            String seconds = Files.readString(Path.of("/proc/uptime")).trim().split("\\s+")[0];
            return OptionalLong.of(Math.round(Double.parseDouble(seconds) * 100));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * When this agent last pointed the directory back at the host's own (its stop), in clock ticks
     * since boot as /proc counts a process's start; empty if it never did.
     */
    private volatile OptionalLong unlinkedAt = OptionalLong.empty();

    private final StateDirLink link;
    private final LocalNode localNode;
    private final ClusterNodes clusterNodes;
    private final Supplier<Optional<String>> hostName;
    private final Supplier<OptionalLong> nfsdStartTicks;
    private final Switched switched;

    /**
     * @param hostName the host's name ({@code hostname}), which GlusterFS's ganesha_nfsd named the
     *     node's state tree after
     * @param nfsdStartTicks when the running nfsd started (/proc's clock ticks since boot); empty
     *     when none runs
     * @param switched run when a start pointed the directory at the shared storage (it was not
     *     already) and nfsd started since this agent's last stop of it, or before any: a running
     *     nfsd must read its client records from there
     */
    public NfsdActions(StateDirLink link, LocalNode localNode, ClusterNodes clusterNodes,
            Supplier<Optional<String>> hostName, Supplier<OptionalLong> nfsdStartTicks, Switched switched) {
        this.link = link;
        this.nfsdStartTicks = nfsdStartTicks;
        this.localNode = localNode;
        this.clusterNodes = clusterNodes;
        this.hostName = hostName;
        this.switched = switched;
    }

    /** The host name as the kernel has it for this process (its UTS namespace: the host's, with hostNetwork). */
    public static Optional<String> kernelHostName() {
        try {
            return Optional.of(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip()).filter(h -> !h.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public OcfResponse handle(OcfRequest request) throws OcfConfigurationException, PacemakerCommandException {
        OcfParameters.Nfsd parameters = OcfParameters.nfsd(request);
        StateLayout layout = new StateLayout(parameters.haVolMnt());
        String node = request.onNode().orElse(localNode.name());
        try {
            StateTreeName tree = StateTreeName.resolve(node, hostName.get(), existingTrees(layout));
            return switch (request.action()) {
                case "start" -> {
                    if (tree.adopted()) {
                        LOG.warnf("state of %s: %s", node, tree.why());
                    }
                    boolean wasLinked = link.status(layout, tree.name()) == StateDirLink.Status.LINKED;
                    link.link(layout, tree.name(), peers(layout, node, tree.name()));
                    List<String> log = new java.util.ArrayList<>(tree.adopted()
                            ? List.of("state of " + node + ": " + tree.why()) : List.of());
                    if (!wasLinked) {
                        log.addAll(switchedUnderNfsd(node));
                    }
                    yield OcfResponse.of(OcfExitCode.SUCCESS).withLog(log);
                }
                case "stop" -> {
                    link.unlink();
                    unlinkedAt = uptimeTicks();
                    yield OcfResponse.of(OcfExitCode.SUCCESS);
                }
                case "monitor" -> switch (link.status(layout, tree.name())) {
                    case LINKED -> OcfResponse.of(OcfExitCode.SUCCESS);
                    case UNLINKED -> OcfResponse.of(OcfExitCode.NOT_RUNNING);
                    case LINKED_ELSEWHERE -> OcfResponse.of(OcfExitCode.ERR_GENERIC,
                            "the NFS state directory points somewhere other than " + layout.nodeDir(tree.name()));
                };
                case "validate-all" -> OcfResponse.of(OcfExitCode.SUCCESS);
                default -> OcfResponse.of(OcfExitCode.ERR_UNIMPLEMENTED, "ganesha_nfsd has no action " + request.action());
            };
        } catch (StateDirException e) {
            return OcfResponse.of(OcfExitCode.ERR_GENERIC, e.getMessage());
        } catch (StateTreeName.Ambiguous e) {
            return OcfResponse.of(OcfExitCode.ERR_CONFIGURED, e.getMessage());
        }
    }

    /**
     * An nfsd running since before this agent's last stop (a restart of the clone) read its records
     * from the shared storage at its start; one started since, or before any stop (a boot), did not.
     */
    private List<String> switchedUnderNfsd(String node) {
        OptionalLong started = nfsdStartTicks.get();
        OptionalLong stopped = unlinkedAt;
        if (started.isPresent() && stopped.isPresent() && started.getAsLong() < stopped.getAsLong()) {
            return List.of("state directory: nfsd on " + node + " read its client records from the shared storage at"
                    + " its start; no grace call");
        }
        return switched.switched(node);
    }

    private static Set<String> existingTrees(StateLayout layout) {
        Set<String> names = new LinkedHashSet<>();
        if (Files.isDirectory(layout.root())) {
            try (Stream<Path> dirs = Files.list(layout.root())) {
                dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).forEach(names::add);
            } catch (IOException e) {
                LOG.warnf("cannot list %s: %s", layout.root(), e.getMessage());
            }
        }
        return names;
    }

    /**
     * The peers whose records this node's tree links to, each by the name of its tree: Pacemaker's
     * node list (a peer's tree under another form of its name is found as this node's is), plus any
     * tree on the shared storage (a node removed from the cluster keeps its records).
     */
    private Set<String> peers(StateLayout layout, String node, String ownTree) {
        Set<String> existing = existingTrees(layout);
        Set<String> peers = new LinkedHashSet<>(existing);
        try {
            for (String peer : clusterNodes.allNames()) {
                if (!peer.equals(node)) {
                    try {
                        peers.add(StateTreeName.resolve(peer, Optional.empty(), existing).name());
                    } catch (StateTreeName.Ambiguous e) {
                        LOG.warnf("peer %s: %s; linking each", peer, e.getMessage());
                    }
                }
            }
        } catch (PacemakerCommandException e) {
            LOG.warnf("cannot list the cluster's nodes (%s); linking only peers found on the shared storage", e.getMessage());
        }
        peers.remove(node);
        peers.remove(ownTree);
        return peers;
    }
}
