package io.ganeshaha.agent.recovery;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
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
import java.util.Set;
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
 * name starts with a dot), and the home node, before its addresses come up, makes its nfsd load
 * them with grace event 5, whose argument ganesha puts between RecoveryRoot and
 * {@code v4recov} as is ({@code 5:.handback/<taker>}; docs/ganesha-4.3-recovery.md §1). Event 5
 * copies what it loads into the home node's {@code v4old}, where nfsd reads them again should it
 * restart before the clients reclaim.
 *
 * <p>Which of them the home node loads is {@link #toLoad}, pure.
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

    /**
     * What the home node loads of the records handed back to it.
     *
     * <p>In grace, its nfsd holds the records it loaded since its grace began: ganesha empties
     * {@code v4old} when a grace ends, and fills it with every record it loads (at its start,
     * which moves {@code v4recov} there, and at events 3 and 5), so a record in {@code v4old} or
     * {@code v4recov} is loaded already; loading it twice would only keep grace from ending early
     * (ganesha ends it once as many clients reclaimed as it holds records). Out of grace, nfsd
     * holds none a client may reclaim by: every record handed back is loaded.
     *
     * @param handedBack the records takers handed back
     * @param own the records in the home node's {@code v4recov} and {@code v4old}
     * @param inGrace whether the home node's nfsd is in grace
     */
    public static List<String> toLoad(Collection<String> handedBack, Set<String> own, boolean inGrace) {
        return new LinkedHashSet<>(handedBack).stream().filter(tag -> !inGrace || !own.contains(tag)).toList();
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
        Path staging = recoveryRoot.resolve(home).resolve(DIR).resolve(self);
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
        if (!Files.isDirectory(dir)) {
            return byTaker;
        }
        List<Path> takers;
        try (Stream<Path> list = Files.list(dir)) {
            takers = list.filter(Files::isDirectory).sorted().toList();
        }
        for (Path taker : takers) {
            byTaker.put(taker.getFileName().toString(), ClientRecords.tags(taker.resolve("v4recov")));
        }
        return byTaker;
    }

    /** Home: the records in this node's {@code v4recov} and {@code v4old}. */
    public Set<String> own() throws IOException {
        Set<String> own = new LinkedHashSet<>(ClientRecords.tags(recoveryRoot.resolve("v4recov")));
        own.addAll(ClientRecords.tags(recoveryRoot.resolve("v4old")));
        return own;
    }

    /** Home: leaves in {@code taker}'s hand-back only the records in {@code keep}. */
    public void retain(String taker, Collection<String> keep) throws IOException {
        Path records = recoveryRoot.resolve(DIR).resolve(taker).resolve("v4recov");
        List<String> all = ClientRecords.tags(records);
        Set<String> kept = new LinkedHashSet<>(keep);
        delete(records);
        Files.createDirectories(records);
        for (String tag : all) {
            if (kept.contains(tag)) {
                ClientRecords.write(records, tag);
            }
        }
    }

    /** Home: removes {@code taker}'s hand-back, once loaded. */
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
