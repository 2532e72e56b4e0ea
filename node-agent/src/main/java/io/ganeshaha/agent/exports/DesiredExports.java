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
public record DesiredExports(CibGeneration generation, SortedMap<Integer, ExportSpec> exports) {

    public DesiredExports {
        exports = Collections.unmodifiableSortedMap(new TreeMap<>(exports));
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
        try {
            for (ExportSpec export : ExportBlocks.fromJson(Files.readString(json))) {
                ExportBlocks.render(export); // refuses what ganesha's syntax cannot carry, naming it
                if (exports.put(export.getExportId(), export) != null) {
                    throw new IllegalArgumentException("export id " + export.getExportId() + " is given twice");
                }
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException(json + ": " + e.getMessage(), e);
        }
        return Optional.of(new DesiredExports(generation, exports));
    }
}
