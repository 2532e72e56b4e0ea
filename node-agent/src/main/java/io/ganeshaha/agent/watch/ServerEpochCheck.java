package io.ganeshaha.agent.watch;

import io.ganeshaha.agent.failover.LocalAttributes;
import io.ganeshaha.agent.pacemaker.NodeAttributes;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Publishes this node's nfsd {@link ServerEpoch} and compares it with the peers': a collision is
 * logged (once, and again when it ends) and reported, since it makes every failover between those
 * two nodes fail for the moved clients. Runs on the agent's schedule; reads /proc, never D-Bus.
 */
public final class ServerEpochCheck implements Runnable {

    private static final Logger LOG = Logger.getLogger(ServerEpochCheck.class);

    /** The gauge of {@link #collisionCount}. */
    public static final String METRIC = "ganesha_ha_server_epoch_collisions";

    private final Supplier<Optional<NfsdProcess>> nfsd;
    private final Path proc;
    private final LocalAttributes local;
    private final NodeAttributes attrd;

    private NfsdProcess published;
    private volatile ServerEpoch epoch;
    private volatile Map<String, ServerEpoch> collisions = Map.of();

    public ServerEpochCheck(Supplier<Optional<NfsdProcess>> nfsd, Path proc, LocalAttributes local, NodeAttributes attrd) {
        this.nfsd = nfsd;
        this.proc = proc;
        this.local = local;
        this.attrd = attrd;
    }

    @Override
    public void run() {
        try {
            Optional<NfsdProcess> process = nfsd.get();
            if (process.isPresent() && !process.get().equals(published)) {
                ServerEpoch started = read(process.get());
                local.set(ServerEpoch.ATTRIBUTE, started.attributeValue());
                epoch = started;
                published = process.get();
            }
            ServerEpoch mine = epoch;
            if (mine == null) {
                return;
            }
            Map<String, ServerEpoch> now = ServerEpoch.collisions(local.nodeName(), mine, attrd.queryAll(ServerEpoch.ATTRIBUTE));
            if (!now.equals(collisions)) {
                if (now.isEmpty()) {
                    LOG.infof("ganesha.nfsd's ServerEpoch %s on %s no longer collides with a peer's", mine.attributeValue(),
                            local.localNode());
                } else {
                    LOG.warnf("ganesha.nfsd on %s may hand out the same client and session ids as on %s (ServerEpoch %s"
                            + " here, %s there): a client whose VIP moves between them is refused for good; give each"
                            + " node's ganesha.nfsd its own rising epoch (-E, as Debian's EPOCH_EXEC or GlusterFS's"
                            + " generate-epoch.py provide)", local.localNode(), now.keySet(), mine.attributeValue(),
                            now.values().stream().map(ServerEpoch::attributeValue).toList());
                }
                collisions = now;
            }
        } catch (PacemakerCommandException | IOException | RuntimeException e) {
            LOG.debugf("ServerEpoch check skipped: %s", e.getMessage());
        }
    }

    private ServerEpoch read(NfsdProcess process) throws IOException {
        byte[] cmdline = Files.readAllBytes(proc.resolve(Long.toString(process.pid())).resolve("cmdline"));
        List<String> argv = Arrays.asList(new String(cmdline, StandardCharsets.UTF_8).split("\u0000"));
        return ServerEpoch.of(argv, process.startTicks(), NfsdProcess.bootTime(proc));
    }

    /** This node's nfsd epoch as published, or "unknown" before nfsd was seen. */
    public String describe() {
        ServerEpoch mine = epoch;
        if (mine == null) {
            return "unknown";
        }
        Map<String, ServerEpoch> now = collisions;
        return mine.attributeValue() + (now.isEmpty() ? "" : " (may collide with " + now.keySet() + ")");
    }

    public int collisionCount() {
        return collisions.size();
    }
}
