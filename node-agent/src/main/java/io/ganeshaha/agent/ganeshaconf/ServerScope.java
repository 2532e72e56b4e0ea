package io.ganeshaha.agent.ganeshaconf;

import io.ganeshaha.api.v1alpha1.NodeObservation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NFSv4 server scope ganesha.nfsd is configured with ({@code NFSV4 { Server_Scope = ...; }}),
 * read from its configuration file and the files it {@code %include}s, the way ganesha 4.3 reads
 * them: top-level blocks in textual order, includes spliced in where they stand, and of several
 * NFSV4 blocks the last one wins whole (docs/ganesha-4.3-exports.md). An NFSv4.1 client reclaims
 * its state on the node that took its address over only if that node presents the same scope, so
 * every node of a cluster must set the same one; without one, ganesha makes it from the host name.
 */
public final class ServerScope {

    /** What a node reports when its configuration sets no scope (ganesha's default differs per host). */
    public static final String NONE = NodeObservation.SERVER_SCOPE_NONE;

    private static final Pattern INCLUDE = Pattern.compile("^\\s*%include\\s+\"?([^\"\\s]+)\"?", Pattern.MULTILINE);
    private static final Pattern SCOPE = Pattern.compile("(?i)\\bServer_Scope\\s*=\\s*(\"([^\"]*)\"|([^;\\s]+))\\s*;");
    private static final int MAX_INCLUDE_DEPTH = 10;

    private ServerScope() {}

    /**
     * The scope set by the last NFSV4 block of {@code mainConfig} and its includes, {@link #NONE}
     * if that block sets none or there is no NFSV4 block.
     *
     * @throws IOException if the main file or an included one cannot be read
     */
    public static String of(Path mainConfig) throws IOException {
        String text = expand(mainConfig, mainConfig.toAbsolutePath().getParent(), 0);
        List<String> blocks = nfsv4Blocks(text);
        if (blocks.isEmpty()) {
            return NONE;
        }
        return in(blocks.get(blocks.size() - 1));
    }

    /** The scope an NFSV4 block's body sets (its last Server_Scope), {@link #NONE} if none. */
    static String in(String block) {
        Matcher m = SCOPE.matcher(block);
        String scope = NONE;
        while (m.find()) {
            scope = m.group(2) != null ? m.group(2) : m.group(3);
        }
        return scope;
    }

    /** The text with comments dropped and includes spliced in. */
    static String expand(Path file, Path baseDir, int depth) throws IOException {
        if (depth > MAX_INCLUDE_DEPTH) {
            throw new IOException(file + ": includes nested deeper than " + MAX_INCLUDE_DEPTH);
        }
        String text = withoutComments(Files.readString(file));
        StringBuilder out = new StringBuilder();
        Matcher m = INCLUDE.matcher(text);
        int last = 0;
        while (m.find()) {
            out.append(text, last, m.start());
            Path included = baseDir.resolve(m.group(1));
            if (Files.isRegularFile(included)) {
                out.append(expand(included, baseDir, depth + 1));
            }
            last = m.end();
        }
        return out.append(text.substring(last)).toString();
    }

    /** Drops {@code #} comments outside double quotes. */
    private static String withoutComments(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean quoted = false;
        boolean comment = false;
        for (char c : text.toCharArray()) {
            if (comment) {
                if (c == '\n') {
                    comment = false;
                    out.append(c);
                }
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '#' && !quoted) {
                comment = true;
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    /** The bodies of the top-level NFSV4 blocks, in order. */
    static List<String> nfsv4Blocks(String text) {
        List<String> blocks = new ArrayList<>();
        int depth = 0;
        int blockStart = -1;
        boolean isNfsv4 = false;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (quoted) {
                continue;
            }
            if (c == '{') {
                if (depth == 0) {
                    isNfsv4 = blockName(text, i).toUpperCase(Locale.ROOT).equals("NFSV4");
                    blockStart = i + 1;
                }
                depth++;
            } else if (c == '}' && depth > 0) {
                depth--;
                if (depth == 0 && isNfsv4) {
                    blocks.add(text.substring(blockStart, i));
                }
            }
        }
        return blocks;
    }

    /** The word just before the brace at {@code brace}. */
    private static String blockName(String text, int brace) {
        int end = brace;
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        int start = end;
        while (start > 0 && (Character.isLetterOrDigit(text.charAt(start - 1)) || text.charAt(start - 1) == '_')) {
            start--;
        }
        return text.substring(start, end);
    }

    /** The scope, or why it could not be read, for a report that must not fail. */
    public static Optional<String> read(Path mainConfig) {
        try {
            return Optional.of(of(mainConfig));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
