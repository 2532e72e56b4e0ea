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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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

    private final StateDirLink link;
    private final LocalNode localNode;
    private final ClusterNodes clusterNodes;

    public NfsdActions(StateDirLink link, LocalNode localNode, ClusterNodes clusterNodes) {
        this.link = link;
        this.localNode = localNode;
        this.clusterNodes = clusterNodes;
    }

    public OcfResponse handle(OcfRequest request) throws OcfConfigurationException, PacemakerCommandException {
        OcfParameters.Nfsd parameters = OcfParameters.nfsd(request);
        StateLayout layout = new StateLayout(parameters.haVolMnt());
        String node = request.onNode().orElse(localNode.name());
        try {
            return switch (request.action()) {
                case "start" -> {
                    link.link(layout, node, peers(layout, node));
                    yield OcfResponse.of(OcfExitCode.SUCCESS);
                }
                case "stop" -> {
                    link.unlink();
                    yield OcfResponse.of(OcfExitCode.SUCCESS);
                }
                case "monitor" -> switch (link.status(layout, node)) {
                    case LINKED -> OcfResponse.of(OcfExitCode.SUCCESS);
                    case UNLINKED -> OcfResponse.of(OcfExitCode.NOT_RUNNING);
                    case LINKED_ELSEWHERE -> OcfResponse.of(OcfExitCode.ERR_GENERIC,
                            "the NFS state directory points somewhere other than " + layout.nodeDir(node));
                };
                case "validate-all" -> OcfResponse.of(OcfExitCode.SUCCESS);
                default -> OcfResponse.of(OcfExitCode.ERR_UNIMPLEMENTED, "ganesha_nfsd has no action " + request.action());
            };
        } catch (StateDirException e) {
            return OcfResponse.of(OcfExitCode.ERR_GENERIC, e.getMessage());
        }
    }

    /**
     * Every node that may ever take over from this one: Pacemaker's node list, plus any node that
     * left a state tree on the shared storage (a node removed from the cluster keeps its records).
     */
    private Set<String> peers(StateLayout layout, String node) {
        Set<String> peers = new LinkedHashSet<>();
        try {
            peers.addAll(clusterNodes.allNames());
        } catch (PacemakerCommandException e) {
            LOG.warnf("cannot list the cluster's nodes (%s); linking only peers found on the shared storage", e.getMessage());
        }
        Path root = layout.root();
        if (Files.isDirectory(root)) {
            try (Stream<Path> dirs = Files.list(root)) {
                dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).forEach(peers::add);
            } catch (IOException e) {
                LOG.warnf("cannot list %s: %s", root, e.getMessage());
            }
        }
        peers.remove(node);
        return peers;
    }
}
