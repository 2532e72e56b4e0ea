package io.ganeshaha.agent.converge;

import io.ganeshaha.api.agent.HaConfigMap;
import io.ganeshaha.api.v1alpha1.CibGeneration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Pacemaker configuration the operator rendered for this cluster, as the kubelet projects its
 * ConfigMap into the agent's pod: the resources and constraints sections, and which cluster and
 * generation they were rendered from (which orders two renderings).
 */
public record DesiredConfiguration(CibGeneration generation, String resources, String constraints) {

    /** Empty while the directory does not hold all three files (the volume is being updated). */
    public static Optional<DesiredConfiguration> read(Path dir) throws IOException {
        Path resources = dir.resolve(HaConfigMap.RESOURCES);
        Path constraints = dir.resolve(HaConfigMap.CONSTRAINTS);
        Path generation = dir.resolve(HaConfigMap.CIB_GENERATION);
        if (!Files.isRegularFile(resources) || !Files.isRegularFile(constraints) || !Files.isRegularFile(generation)) {
            return Optional.empty();
        }
        String text = Files.readString(generation).strip();
        CibGeneration value = CibGeneration.parse(text).orElseThrow(() -> new IOException(
                generation + " holds \"" + text + "\", not <cluster uid>/<generation number>"));
        return Optional.of(new DesiredConfiguration(value, Files.readString(resources), Files.readString(constraints)));
    }
}
