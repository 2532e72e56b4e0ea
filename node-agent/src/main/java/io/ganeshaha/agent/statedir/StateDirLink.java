package io.ganeshaha.agent.statedir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Switches the host's NFS state directory ({@code /var/lib/nfs}) to this node's tree on the shared
 * storage, and back. Every step is one rename or one symlink, ordered so that a start or stop
 * interrupted at any point is finished by the next start or stop, and the host's own directory is
 * never deleted: at worst it sits in {@code /var/lib/nfs.backup}.
 */
public class StateDirLink {

    private static final Logger LOG = Logger.getLogger(StateDirLink.class);

    public enum Status {
        /** /var/lib/nfs is a link to this node's shared tree. */
        LINKED,
        /** /var/lib/nfs is the host's own directory (or absent). */
        UNLINKED,
        /** /var/lib/nfs is a link somewhere else: another ha_vol_mnt or node name. */
        LINKED_ELSEWHERE
    }

    private final Path stateDir;
    private final Path backup;

    public StateDirLink(Path stateDir) {
        this.stateDir = stateDir;
        this.backup = stateDir.resolveSibling(stateDir.getFileName() + ".backup");
    }

    public Status status(StateLayout layout, String node) {
        if (!Files.isSymbolicLink(stateDir)) {
            return Status.UNLINKED;
        }
        try {
            return Files.readSymbolicLink(stateDir).equals(layout.nodeDir(node)) ? Status.LINKED : Status.LINKED_ELSEWHERE;
        } catch (IOException e) {
            return Status.UNLINKED;
        }
    }

    /**
     * Ensures this node's tree and its peer links exist, then points the state directory at it.
     * Idempotent; repairs a start or stop that was interrupted half way.
     */
    public void link(StateLayout layout, String node, Collection<String> peers) throws StateDirException {
        Path target = layout.nodeDir(node);
        if (!Files.isDirectory(layout.haVolMnt())) {
            throw new StateDirException("shared storage " + layout.haVolMnt() + " (ha_vol_mnt) is not a mounted directory");
        }
        ensureTree(layout, node);
        ensurePeerLinks(layout, node, peers);
        try {
            if (Files.isSymbolicLink(stateDir)) {
                if (Files.readSymbolicLink(stateDir).equals(target)) {
                    return;
                }
                // A link from an earlier configuration: replace it in one rename, the host's
                // own directory stays in the backup.
                LOG.warnf("%s pointed at %s; repointing it at %s", stateDir, Files.readSymbolicLink(stateDir), target);
                replaceLink(target);
                return;
            }
            if (Files.isDirectory(stateDir, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.exists(backup, LinkOption.NOFOLLOW_LINKS)) {
                    // Both the host's directory and a backup exist (someone restored by hand):
                    // keep both, the later one under a dated name.
                    Path displaced = stateDir.resolveSibling(stateDir.getFileName() + ".displaced-" + Instant.now().getEpochSecond());
                    LOG.warnf("both %s and %s exist; keeping %s as %s", stateDir, backup, stateDir, displaced);
                    Files.move(stateDir, displaced, StandardCopyOption.ATOMIC_MOVE);
                } else {
                    Files.move(stateDir, backup, StandardCopyOption.ATOMIC_MOVE);
                }
            } else if (Files.exists(stateDir, LinkOption.NOFOLLOW_LINKS)) {
                throw new StateDirException(stateDir + " is neither a directory nor a symbolic link; refusing to touch it");
            }
            replaceLink(target);
            LOG.infof("%s now points at %s (host state kept in %s)", stateDir, target, backup);
        } catch (IOException e) {
            throw new StateDirException("cannot point " + stateDir + " at " + target + ": " + e, e);
        }
    }

    /** Puts the host's own state directory back. Idempotent; repairs an interrupted start or stop. */
    public void unlink() throws StateDirException {
        try {
            if (Files.isSymbolicLink(stateDir)) {
                Files.delete(stateDir);
            } else if (Files.isDirectory(stateDir, LinkOption.NOFOLLOW_LINKS)) {
                return; // already the host's own directory
            }
            if (Files.isDirectory(backup, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(backup, stateDir, StandardCopyOption.ATOMIC_MOVE);
                LOG.infof("%s restored from %s", stateDir, backup);
            } else {
                Files.createDirectory(stateDir);
                LOG.warnf("%s had no backup to restore; left an empty directory", stateDir);
            }
        } catch (IOException e) {
            throw new StateDirException("cannot restore " + stateDir + " from " + backup + ": " + e, e);
        }
    }

    /** Creates the directories and files ganesha and statd expect; never touches existing content. */
    public static void ensureTree(StateLayout layout, String node) throws StateDirException {
        Path dir = layout.nodeDir(node);
        try {
            for (String d : StateLayout.DIRECTORIES) {
                Files.createDirectories(dir.resolve(d));
            }
            for (String f : StateLayout.FILES) {
                try {
                    Files.createFile(dir.resolve(f));
                } catch (FileAlreadyExistsException e) {
                    // kept as it is: it holds this node's statd/NSM state
                }
            }
        } catch (IOException e) {
            throw new StateDirException("cannot create the state tree " + dir + ": " + e, e);
        }
    }

    /**
     * Links each peer's ganesha and statd directories into this node's tree. The targets may not
     * exist yet (the peer has not started): the link is made anyway and resolves once it has.
     */
    public static void ensurePeerLinks(StateLayout layout, String node, Collection<String> peers) throws StateDirException {
        for (String peer : peers) {
            if (peer.equals(node)) {
                continue;
            }
            Path peerDir = layout.nodeDir(peer);
            symlink(layout.peerGaneshaLink(node, peer), peerDir.resolve("ganesha"));
            symlink(layout.peerStatdLink(node, peer), peerDir.resolve("statd"));
        }
    }

    private static void symlink(Path link, Path target) throws StateDirException {
        try {
            if (Files.isSymbolicLink(link) && Objects.equals(Files.readSymbolicLink(link), target)) {
                return;
            }
            if (Files.exists(link, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(link)) {
                throw new StateDirException(link + " exists and is not a link; it is left alone");
            }
            Path temporary = link.resolveSibling("." + link.getFileName() + ".ganesha-ha-new");
            Files.deleteIfExists(temporary);
            Files.createSymbolicLink(temporary, target);
            Files.move(temporary, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StateDirException("cannot link " + link + " to " + target + ": " + e, e);
        }
    }

    private void replaceLink(Path target) throws IOException {
        Path temporary = stateDir.resolveSibling("." + stateDir.getFileName() + ".ganesha-ha-new");
        Files.deleteIfExists(temporary);
        Files.createSymbolicLink(temporary, target);
        // rename(2) replaces a link atomically; it never replaces a directory, so the host's own
        // directory cannot be lost here.
        Files.move(temporary, stateDir, StandardCopyOption.ATOMIC_MOVE);
    }
}
