package io.ganeshaha.agent.recovery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The client records of ganesha's fs recovery backend ({@code RecoveryBackend = fs}), read the way
 * ganesha 4.3 reads them for a takeover: one directory per confirmed client under
 * {@code v4recov/}, named {@code <client address>-(<length>:<co_ownerid>)}, the owner copied as is
 * when it is printable and holds no '/', else written as {@code 0x} and its bytes in hex; a name
 * longer than a directory name may be is split over nested directories whose names concatenate.
 * See docs/ganesha-4.3-recovery.md §1.
 */
public final class ClientRecords {

    private static final Pattern TAG = Pattern.compile("(.+?)-\\((\\d+):(.*)\\)");

    private ClientRecords() {}

    /** One client's record: the address it connected from and its NFSv4 client owner. */
    public record Record(String clientAddress, String owner) {}

    /** The record a directory name (the concatenated levels) stands for, if it is one. */
    public static Optional<Record> parse(String tag) {
        Matcher m = TAG.matcher(tag);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Record(m.group(1), decodeOwner(m.group(3))));
    }

    /**
     * The owner as the client sent it: ganesha wrote it in hex only when it was not printable or
     * held a '/', so a hex-looking owner that decodes to plain printable text was written as is.
     */
    static String decodeOwner(String written) {
        if (written.startsWith("0x") && written.length() > 2 && (written.length() % 2) == 0) {
            try {
                byte[] bytes = HexFormat.of().parseHex(written.substring(2));
                for (byte b : bytes) {
                    if (b < 0x20 || b > 0x7e || b == '/') {
                        return new String(bytes, StandardCharsets.ISO_8859_1);
                    }
                }
            } catch (IllegalArgumentException notHex) {
                return written;
            }
        }
        return written;
    }

    private static final Pattern CLUSTERED_DIR = Pattern.compile("node[0-9]+");

    /**
     * The {@code node<N>} directories directly under {@code dir} (a {@code v4recov} or
     * {@code v4old}): where ganesha writes a node's records with {@code NFS_CORE_PARAM { Clustered }}
     * true, its default. A survivor's takeover (grace event 5 with the node's name) reads the
     * directory itself and so matches none of them: the layout needs {@code Clustered = false}.
     * None when the directory does not exist.
     */
    public static List<String> clusteredDirs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> CLUSTERED_DIR.matcher(n).matches()).sorted().toList();
        }
    }

    /**
     * Every record under {@code dir} (a {@code v4recov} directory, or a link to a peer's), in
     * name order; none when the directory does not exist.
     */
    public static List<Record> read(Path dir) throws IOException {
        return tags(dir).stream().map(tag -> parse(tag).orElseThrow()).toList();
    }

    /**
     * The records under {@code dir} as ganesha wrote them: each record's tag, its directory names
     * concatenated, in name order; none when the directory does not exist.
     */
    public static List<String> tags(Path dir) throws IOException {
        List<String> tags = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            collect(dir, "", tags);
        }
        return tags;
    }

    /**
     * The tags of the records of a node's RecoveryRoot {@code root}: its {@code v4recov}, then its
     * {@code v4old} (where nfsd moves them at its start), each once.
     */
    public static Set<String> tagsOf(Path root) throws IOException {
        Set<String> tags = new LinkedHashSet<>(tags(root.resolve("v4recov")));
        tags.addAll(tags(root.resolve("v4old")));
        return tags;
    }

    /**
     * Writes the record {@code tag} under {@code dir} as ganesha's {@code fs_add_clid} does: one
     * directory when the tag fits a name, else a directory per {@value #NAME_MAX} characters, each
     * inside the one before. Tags are ASCII (ganesha writes an owner that is not printable in hex).
     *
     * @throws IllegalArgumentException when {@code tag} is no record's tag, or not ASCII
     */
    public static void write(Path dir, String tag) throws IOException {
        if (parse(tag).isEmpty() || tag.chars().anyMatch(c -> c < 0x20 || c > 0x7e) || tag.indexOf('/') >= 0) {
            throw new IllegalArgumentException("not a client record's tag as ganesha writes it: " + tag);
        }
        Path path = dir;
        for (int at = 0; at < tag.length(); at += NAME_MAX) {
            path = path.resolve(tag.substring(at, Math.min(tag.length(), at + NAME_MAX)));
        }
        Files.createDirectories(path);
    }

    /** The longest directory name (Linux's NAME_MAX), the length ganesha splits a long tag at. */
    static final int NAME_MAX = 255;

    private static void collect(Path dir, String prefix, List<String> into) throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        for (Path child : children) {
            String name = prefix + child.getFileName().toString();
            if (parse(name).isPresent()) {
                into.add(name);
            } else {
                collect(child, name, into);
            }
        }
    }
}
