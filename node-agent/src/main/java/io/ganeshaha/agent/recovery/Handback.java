package io.ganeshaha.agent.recovery;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The moved clients' records, handed back to their home node at fail-back.
 *
 * <p>A node cut off from the cluster keeps serving until it is fenced, and its nfsd's lease
 * reaper deletes the record of every client whose lease ran out there, from the node's tree on
 * the shared storage: the clients that moved to a taker stopped renewing with it. When the lease
 * is shorter than the time to the fence, a moved client's record is gone by the time the node
 * boots, and its reclaim at home is refused (seen in CI: the writer lost its lock at fail-back,
 * then EIO). The taker read those records when it took over; at fail-back it writes them into the
 * home node's tree, under {@code .handback/<taker>/v4recov} (a name no node's tree has: no node
 * name starts with a dot), and the home node, before its addresses come up, has its nfsd load
 * them with grace event 5, whose argument ganesha puts between RecoveryRoot and {@code v4recov} as
 * is ({@code 5:.handback/<taker>}; docs/ganesha-4.3-recovery.md §1). Event 5 copies what it loads
 * into the home node's {@code v4old}, where nfsd reads them again should it restart before the
 * clients reclaim.
 *
 * <p>The home node loads every record handed back, the ones its nfsd holds already too: nothing
 * ganesha shows says which those are (a record in {@code v4recov} may be from a grace that ended,
 * and a powered-off node's {@code v4old} from a grace its nfsd never saw). A record loaded twice
 * only keeps ganesha from ending the grace early (it does once as many clients reclaimed as it
 * holds records; with NLM on, Debian's default, it never does).
 */
public final class Handback {

    /** The directory, under a node's RecoveryRoot, that takers hand records back into. */
    public static final String DIR = ".handback";

    private final Path recoveryRoot;

    /**
     * @param recoveryRoot ganesha's RecoveryRoot as nfsd sees it ({@code /var/lib/nfs/ganesha}):
     *     its {@code <peer>} entries link to each peer's
     */
    public Handback(Path recoveryRoot) {
        this.recoveryRoot = recoveryRoot;
    }

    /** The argument of the grace call (event 5) that makes nfsd load {@code taker}'s hand-back. */
    public static String graceArgument(String taker) {
        return DIR + "/" + taker;
    }

    /**
     * Taker: writes {@code tags} into {@code home}'s tree (through this node's link to it) as
     * {@code .handback/<self>/v4recov}, replacing what an earlier hand-back of this node left
     * there. Tags that are no record's are left out and returned.
     *
     * @return the tags that could not be written, with the reason
     */
    public List<String> write(String home, String self, Collection<String> tags) throws IOException {
        Path homeTree = recoveryRoot.resolve(home);
        if (!Files.isDirectory(homeTree)) {
            // Not created here: it would be this host's directory, which the home node never reads.
            throw new NoSuchFileException(homeTree.toString(), null, "no link to " + home + "'s tree");
        }
        Path staging = homeTree.resolve(DIR).resolve(self);
        delete(staging);
        List<String> refused = new ArrayList<>();
        Path records = staging.resolve("v4recov");
        Files.createDirectories(records);
        for (String tag : new LinkedHashSet<>(tags)) {
            try {
                ClientRecords.write(records, tag);
            } catch (IllegalArgumentException e) {
                refused.add(e.getMessage());
            }
        }
        return refused;
    }

    /** Home: the takers that handed records back to this node, each with the records' tags. */
    public Map<String, List<String>> pending() throws IOException {
        Map<String, List<String>> byTaker = new LinkedHashMap<>();
        Path dir = recoveryRoot.resolve(DIR);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return byTaker;
        }
        List<Path> takers;
        try (Stream<Path> list = Files.list(dir)) {
            // A link is none: it could lead the load, and the clearing, into this node's own records.
            takers = list.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        for (Path taker : takers) {
            byTaker.put(taker.getFileName().toString(), ClientRecords.tags(taker.resolve("v4recov")));
        }
        return byTaker;
    }

    /**
     * Home: records nfsd could not load now, kept where its next start reads them (this node's
     * own {@code v4recov}): those clients are this node's.
     */
    public void keep(Collection<String> tags) throws IOException {
        Path own = recoveryRoot.resolve("v4recov");
        Files.createDirectories(own);
        for (String tag : tags) {
            ClientRecords.write(own, tag);
        }
    }

    /** Home: removes {@code taker}'s hand-back, once loaded (or kept). */
    public void clear(String taker) throws IOException {
        delete(recoveryRoot.resolve(DIR).resolve(taker));
    }

    /** Deletes {@code dir} and everything in it, following no link inside it; nothing if absent. */
    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
