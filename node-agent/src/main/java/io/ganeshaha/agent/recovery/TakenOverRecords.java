package io.ganeshaha.agent.recovery;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The records of a lost peer's clients as they were when this node's nfsd took them over (grace
 * event 5 reads them from the peer's tree at that moment). A peer cut off from the cluster serves
 * on until it is fenced, and its lease reaper may delete the record of a client that moved here
 * before the takeover's start reads them (node loss: the survivors' grace call comes with the
 * fence, seconds before the takeover): read again then, that client would be missing from the
 * clients handed back at fail-back. So each takeover grace call has them read as it is made, on a
 * reader of their own (a walk of the shared storage must not delay the grace the virtual IP waits
 * for), and the takeover's start waits for that read and adds what it reads itself.
 */
public final class TakenOverRecords {

    private static final Logger LOG = Logger.getLogger(TakenOverRecords.class);

    private final Path recoveryRoot;
    private final Executor reader;
    private final Map<String, Set<String>> byPeer = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> reads = new ConcurrentHashMap<>();

    /**
     * @param recoveryRoot ganesha's RecoveryRoot as nfsd sees it: {@code <peer>/v4recov} and
     *     {@code <peer>/v4old} are a peer's records
     * @param reader where the reads run
     */
    public TakenOverRecords(Path recoveryRoot, Executor reader) {
        this.recoveryRoot = recoveryRoot;
        this.reader = reader;
    }

    /**
     * The tags of {@code peer}'s records now: those in its {@code v4recov}, and those in its
     * {@code v4old}, where a peer's nfsd that restarted already moved them at its start.
     */
    public Set<String> read(String peer) throws IOException {
        return ClientRecords.tagsOf(recoveryRoot.resolve(peer));
    }

    /** A grace call is about to make nfsd load {@code peer}'s records: they are read beside it. */
    public void taking(String peer) {
        CompletableFuture<Void> read;
        try {
            read = CompletableFuture.runAsync(() -> remember(peer), reader);
        } catch (RejectedExecutionException e) {
            return; // the agent is stopping
        }
        reads.merge(peer, read, CompletableFuture::allOf);
    }

    private void remember(String peer) {
        try {
            Set<String> now = read(peer);
            byPeer.computeIfAbsent(peer, p -> ConcurrentHashMap.newKeySet()).addAll(now);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot read the client records of %s as its clients are taken over (%s); the takeover's "
                    + "start reads them again", peer, e.getMessage());
        }
    }

    /**
     * What was remembered for {@code peer} since it was last seen serving, once the reads begun
     * for it ended or {@code wait} passed.
     */
    public Set<String> remembered(String peer, Duration wait) {
        CompletableFuture<Void> pending = reads.get(peer);
        if (pending != null) {
            try {
                pending.get(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warnf("the client records of %s are still being read after %d ms; going on without them", peer,
                        wait.toMillis());
            } catch (ExecutionException e) {
                LOG.warnf("reading the client records of %s failed: %s", peer, e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new TreeSet<>(byPeer.getOrDefault(peer, Set.of()));
    }

    /** {@code peer} serves again: its next loss is a new takeover, with records read anew. */
    public void forget(String peer) {
        byPeer.remove(peer);
        reads.remove(peer);
    }
}
