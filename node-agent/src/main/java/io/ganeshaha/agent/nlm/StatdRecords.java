package io.ganeshaha.agent.nlm;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The NFSv3 clients rpc.statd monitors for ganesha's NLM, as statd records them: one file per
 * client in {@code sm/} of its state directory (named by the client's mon_name, ganesha's address
 * of the client), moved to {@code sm.bak/} while a reboot notification for it is pending. In the
 * GlusterFS layout each node's statd directory is {@code /var/lib/nfs/statd} in its tree on the
 * shared storage, and {@code statd/<peer>} leads to each peer's: a node taking a peer's address
 * over reads the peer's clients there, even when the peer is gone.
 */
public final class StatdRecords {

    /**
     * Where a node that held another's addresses leaves, at fail-back, the clients its statd
     * monitors, in the home node's statd directory ({@code <HANDBACK>/sm/}): releasing their locks
     * has its nfsd unmonitor them, and home must still notify them as its addresses come back.
     */
    public static final String HANDBACK = "ganesha-ha-handback";

    /** A record larger than this is no statd record (a line per monitor, a few hundred bytes). */
    static final long MAX_RECORD = 64 * 1024;

    /** The records found, by client, and what could not be read. */
    public record Found(Map<String, byte[]> clients, List<String> problems) {
        public Found {
            clients = Map.copyOf(clients);
            problems = List.copyOf(problems);
        }
    }

    private StatdRecords() {}

    /**
     * Every client recorded under {@code statdDir}: its own {@code sm/} and {@code sm.bak/} and
     * those of every peer directory in it. A client recorded by several nodes is kept once (the
     * record a notification needs is its name; the contents only tell statd how to reach it).
     */
    public static Found everyNode(Path statdDir) {
        Map<String, byte[]> clients = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        List<Path> dirs = new ArrayList<>(List.of(statdDir));
        try (DirectoryStream<Path> children = Files.newDirectoryStream(statdDir)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (!name.equals("sm") && !name.equals("sm.bak") && Files.isDirectory(child)) {
                    dirs.add(child);
                }
            }
        } catch (IOException e) {
            problems.add("cannot list " + statdDir + ": " + e.getMessage());
        }
        for (Path dir : dirs) {
            read(dir.resolve("sm"), clients, problems);
            read(dir.resolve("sm.bak"), clients, problems);
        }
        return new Found(clients, problems);
    }

    /** Whether this node's statd monitors any client now (its own {@code sm/}, peers' left out). */
    public static boolean anyMonitored(Path statdDir) throws IOException {
        Path sm = statdDir.resolve("sm");
        if (!Files.isDirectory(sm)) {
            return false;
        }
        try (DirectoryStream<Path> records = Files.newDirectoryStream(sm, StatdRecords::isRecord)) {
            return records.iterator().hasNext();
        }
    }

    /**
     * Copies the clients this node's statd monitors into {@code home}'s hand-back directory
     * (through the peer link {@code statdDir/home}), each by a temporary file and a rename.
     *
     * @return how many were handed back
     */
    public static int handBack(Path statdDir, String home) throws IOException {
        Path sm = statdDir.resolve("sm");
        if (!Files.isDirectory(sm)) {
            return 0;
        }
        Path target = statdDir.resolve(home).resolve(HANDBACK).resolve("sm");
        Files.createDirectories(target);
        int count = 0;
        try (DirectoryStream<Path> records = Files.newDirectoryStream(sm, StatdRecords::isRecord)) {
            for (Path record : records) {
                byte[] content;
                try {
                    content = Files.readAllBytes(record);
                } catch (java.nio.file.NoSuchFileException e) {
                    continue; // unmonitored meanwhile
                }
                Path tmp = target.resolve("." + record.getFileName() + ".new");
                Files.write(tmp, content);
                Files.move(tmp, target.resolve(record.getFileName().toString()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                count++;
            }
        }
        return count;
    }

    /** Removes the records handed back to this node once they are read ({@code names}); what cannot be removed stays. */
    public static void clearHandedBack(Path statdDir, java.util.Collection<String> names) {
        Path dir = statdDir.resolve(HANDBACK).resolve("sm");
        for (String name : names) {
            try {
                Files.deleteIfExists(dir.resolve(name));
            } catch (IOException e) {
                // read again at the next takeover start: one notification too many at worst
            }
        }
    }

    private static void read(Path dir, Map<String, byte[]> clients, List<String> problems) {
        if (!Files.isDirectory(dir)) {
            return; // a peer that never ran statd, or a link into a tree not there yet
        }
        try (DirectoryStream<Path> records = Files.newDirectoryStream(dir, StatdRecords::isRecord)) {
            for (Path record : records) {
                try {
                    if (Files.size(record) > MAX_RECORD) {
                        problems.add(record + " is larger than a statd record (" + Files.size(record) + " bytes): skipped");
                        continue;
                    }
                    clients.putIfAbsent(record.getFileName().toString(), Files.readAllBytes(record));
                } catch (IOException e) {
                    // gone meanwhile (statd unmonitored it) or unreadable
                    if (Files.exists(record)) {
                        problems.add("cannot read " + record + ": " + e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            problems.add("cannot list " + dir + ": " + e.getMessage());
        }
    }

    private static boolean isRecord(Path p) {
        String name = p.getFileName().toString();
        return !name.startsWith(".") && Files.isRegularFile(p);
    }
}
