package io.ganeshaha.agent.recovery;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The records of a lost peer's clients as they were when this node's nfsd took them over (grace
 * event 5 reads them from the peer's tree at that moment). A peer cut off from the cluster serves
 * on until it is fenced, and its lease reaper may delete the record of a client that moved here
 * before the takeover's start reads them (node loss: the survivors' grace call comes with the
 * fence, seconds before the takeover): read again then, that client would be missing from the
 * clients handed back at fail-back. So each takeover grace call reads them just before it is made,
 * and the takeover's start adds what it reads then.
 */
public final class TakenOverRecords {

    private static final Logger LOG = Logger.getLogger(TakenOverRecords.class);

    private final Path recoveryRoot;
    private final Map<String, Set<String>> byPeer = new ConcurrentHashMap<>();

    /**
     * @param recoveryRoot ganesha's RecoveryRoot as nfsd sees it: {@code <peer>/v4recov} and
     *     {@code <peer>/v4old} are a peer's records
     */
    public TakenOverRecords(Path recoveryRoot) {
        this.recoveryRoot = recoveryRoot;
    }

    /**
     * The tags of {@code peer}'s records now: those in its {@code v4recov}, and those in its
     * {@code v4old}, where a peer's nfsd that restarted already moved them at its start.
     */
    public Set<String> read(String peer) throws IOException {
        Path records = recoveryRoot.resolve(peer);
        Set<String> tags = new LinkedHashSet<>(ClientRecords.tags(records.resolve("v4recov")));
        tags.addAll(ClientRecords.tags(records.resolve("v4old")));
        return tags;
    }

    /** Right before a grace call that makes nfsd load {@code peer}'s records: remembers them. */
    public void beforeTakeover(String peer) {
        try {
            Set<String> now = read(peer);
            byPeer.computeIfAbsent(peer, p -> ConcurrentHashMap.newKeySet()).addAll(now);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot read the client records of %s before taking its clients over (%s); the takeover's "
                    + "start reads them again", peer, e.getMessage());
        }
    }

    /** What was remembered for {@code peer} since it was last seen serving. */
    public Set<String> remembered(String peer) {
        return new TreeSet<>(byPeer.getOrDefault(peer, Set.of()));
    }

    /** {@code peer} serves again: its next loss is a new takeover, with records read anew. */
    public void forget(String peer) {
        byPeer.remove(peer);
    }
}
