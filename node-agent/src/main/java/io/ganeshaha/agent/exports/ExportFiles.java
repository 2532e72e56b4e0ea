package io.ganeshaha.agent.exports;

import io.ganeshaha.api.agent.ExportBlocks;
import io.ganeshaha.api.v1alpha1.ExportSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * The agent's files on the host, beside ganesha's configuration:
 * <ul>
 * <li>{@code <exportsFile>}: the EXPORT blocks ganesha serves, which ganesha.conf includes, so
 * that ganesha starts with them and a SIGHUP keeps them. It holds only what ganesha accepted: an
 * export it refused is not there (or there as it was before), so a restart never brings up what
 * the node did not serve;</li>
 * <li>{@code <exportsFile>.d/export-<id>.conf}: the block ganesha is given in an AddExport or
 * UpdateExport, one file per export, so a call reads that export alone;</li>
 * <li>{@code <exportsFile>.d/served.json}: the same exports as {@code <exportsFile>}, as
 * specified, which is how the agent knows what a served export is after it restarts.</li>
 * </ul>
 * Every write goes to a temporary file first, then replaces the file in one rename.
 */
public final class ExportFiles {

    private static final Logger LOG = Logger.getLogger(ExportFiles.class);
    static final String RECORD = "served.json";

    private final Path servedFile;
    private final Path dir;

    public ExportFiles(Path servedFile) {
        this.servedFile = servedFile;
        this.dir = servedFile.resolveSibling(servedFile.getFileName() + ".d");
    }

    public Path servedFile() {
        return servedFile;
    }

    /** An empty exports file if there is none: ganesha refuses to start on an %include it cannot open. */
    public void ensureServedFile() throws IOException {
        if (!Files.exists(servedFile)) {
            write(servedFile, header() + "# (no exports yet)\n");
        }
    }

    /**
     * The exports recorded as served, by id; empty if there is no record yet, or if it cannot be
     * read (logged: the exports ganesha serves from a file of the agent's are then taken back by
     * their staged files, see {@link #staged}).
     */
    public SortedMap<Integer, ExportSpec> recorded() throws IOException {
        Path record = dir.resolve(RECORD);
        SortedMap<Integer, ExportSpec> out = new TreeMap<>();
        if (!Files.isRegularFile(record)) {
            return out;
        }
        try {
            ExportBlocks.fromJson(Files.readString(record)).forEach(e -> out.put(e.getExportId(), e));
        } catch (IllegalArgumentException | NullPointerException e) {
            LOG.warnf("%s cannot be read (%s): the exports ganesha serves are looked at one by one", record,
                    e.getMessage());
            out.clear();
        }
        return out;
    }

    /** Whether the agent ever gave ganesha export {@code id} (its file is there): an export of the agent's. */
    public boolean staged(int id) {
        return Files.isRegularFile(dir.resolve("export-" + id + ".conf"));
    }

    /** Writes {@code export}'s block into its own file, for ganesha to read it from; returns that file. */
    public Path stage(ExportSpec export) throws IOException {
        Path file = dir.resolve("export-" + export.getExportId() + ".conf");
        write(file, header() + ExportBlocks.render(export));
        return file;
    }

    /** Rewrites the exports file and the record to {@code served}. */
    public void recordServed(Map<Integer, ExportSpec> served) throws IOException {
        StringBuilder text = new StringBuilder(header());
        new TreeMap<>(served).values().forEach(e -> text.append(ExportBlocks.render(e)));
        // The file ganesha starts from first: a crash between the two leaves a record that lags,
        // which the next look at ganesha mends, never a file that lags a record.
        write(servedFile, text.toString());
        write(dir.resolve(RECORD), ExportBlocks.toJson(new ArrayList<>(served.values())));
    }

    private String header() {
        return "# The cluster's exports as this node's ganesha.nfsd serves them, written by the ganesha-ha node agent from\n"
                + "# its GaneshaCluster's spec.exports: edit the GaneshaCluster, not this file. ganesha.conf includes it:\n"
                + "# %include \"" + servedFile + "\"\n";
    }

    /** Written to a temporary file, on disk, then renamed over the file: a crash leaves one or the other. */
    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling("." + file.getFileName() + ".new");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
