package io.ganeshaha.agent.converge;

import io.ganeshaha.api.agent.HaConfigMap;
import io.ganeshaha.api.v1alpha1.CibGeneration;
import io.ganeshaha.cib.CibRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * The Pacemaker configuration the operator rendered for this cluster, as the kubelet projects its
 * ConfigMap into the agent's pod: the resources and constraints sections, the cluster properties
 * the cluster owns, and which cluster and generation they were rendered from (which orders two
 * renderings).
 *
 * @param clusterProperties empty when the ConfigMap has no such key (an operator older than it):
 *     the properties are then left as they are
 */
public record DesiredConfiguration(CibGeneration generation, String resources, String constraints,
        Optional<SortedMap<String, String>> clusterProperties) {

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
        return Optional.of(new DesiredConfiguration(value, Files.readString(resources), Files.readString(constraints),
                clusterProperties(dir.resolve(HaConfigMap.CLUSTER_PROPERTIES))));
    }

    /**
     * Only the properties ganesha-ha owns: a rendering naming another one (stonith-enabled, say)
     * is refused whole rather than let a ConfigMap edit turn fencing off.
     */
    private static Optional<SortedMap<String, String>> clusterProperties(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        SortedMap<String, String> properties;
        try {
            properties = HaConfigMap.parseClusterProperties(Files.readString(file));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        TreeSet<String> foreign = new TreeSet<>(properties.keySet());
        foreign.removeAll(CibRenderer.OWNED_PROPERTIES);
        if (!foreign.isEmpty()) {
            throw new IOException(file + " names cluster properties ganesha-ha does not own: "
                    + String.join(", ", foreign) + " (it sets only " + new TreeSet<>(CibRenderer.OWNED_PROPERTIES) + ")");
        }
        return Optional.of(properties);
    }
}
