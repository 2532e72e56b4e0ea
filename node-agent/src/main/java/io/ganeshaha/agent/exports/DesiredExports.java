package io.ganeshaha.agent.exports;

import io.ganeshaha.api.agent.ExportBlocks;
import io.ganeshaha.api.agent.HaConfigMap;
import io.ganeshaha.api.v1alpha1.CibGeneration;
import io.ganeshaha.api.v1alpha1.ExportSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The cluster's exports as the operator rendered them into the ConfigMap the agent's pod mounts
 * ({@link HaConfigMap#EXPORTS}, {@link HaConfigMap#EXPORTS_GENERATION}).
 */
public record DesiredExports(CibGeneration generation, SortedMap<Integer, ExportSpec> exports,
        SortedMap<Integer, String> invalid) {

    /**
     * @param exports the exports to apply, by id
     * @param invalid the exports that cannot be written in ganesha's syntax, by id, with why (an API
     *     server that did not check the schema): left as they are served, reported, the others applied
     */
    public DesiredExports {
        exports = Collections.unmodifiableSortedMap(new TreeMap<>(exports));
        invalid = Collections.unmodifiableSortedMap(new TreeMap<>(invalid));
    }

    /**
     * Empty while the directory has no exports (an operator older than exports as API, or the
     * volume being updated): ganesha's exports are then left as they are.
     *
     * @throws IOException naming the file, if it is unreadable or not what the operator writes
     */
    public static Optional<DesiredExports> read(Path dir) throws IOException {
        Path json = dir.resolve(HaConfigMap.EXPORTS);
        Path generationFile = dir.resolve(HaConfigMap.EXPORTS_GENERATION);
        if (!Files.isRegularFile(json) || !Files.isRegularFile(generationFile)) {
            return Optional.empty();
        }
        String text = Files.readString(generationFile).strip();
        CibGeneration generation = CibGeneration.parse(text).orElseThrow(() -> new IOException(
                generationFile + " holds \"" + text + "\", not <cluster uid>/<generation number>"));
        SortedMap<Integer, ExportSpec> exports = new TreeMap<>();
        SortedMap<Integer, String> invalid = new TreeMap<>();
        java.util.List<ExportSpec> listed;
        try {
            listed = ExportBlocks.fromJson(Files.readString(json));
        } catch (IllegalArgumentException e) {
            throw new IOException(json + ": " + e.getMessage(), e);
        }
        for (ExportSpec export : listed) {
            if (export.getExportId() == null) {
                throw new IOException(json + ": an export has no exportId");
            }
            int id = export.getExportId();
            if (exports.containsKey(id) || invalid.containsKey(id)) {
                throw new IOException(json + ": export id " + id + " is given twice");
            }
            try {
                ExportBlocks.render(export); // refuses what ganesha's syntax cannot carry, naming it
                exports.put(id, export);
            } catch (IllegalArgumentException | NullPointerException e) {
                invalid.put(id, "the spec cannot be written in ganesha's configuration: " + e.getMessage());
            }
        }
        return Optional.of(new DesiredExports(generation, exports, invalid));
    }
}
