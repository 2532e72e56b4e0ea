package io.ganeshaha.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs users install (crds/*.yml, and the Helm chart's copies) are the ones generated from the
 * model in this build. A model change without {@code scripts/update-crds} fails here.
 */
class CrdDriftTest {

    static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
    static final Path CHECKED_IN = Path.of(".");
    static final Path HELM_CHART = Path.of("../helm/ganesha-ha/crds");

    static List<Path> generated() throws IOException {
        try (Stream<Path> files = Files.list(GENERATED)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-v1.yml")).sorted().toList();
        }
    }

    @Test
    void bothCustomResourcesAreGenerated() throws IOException {
        assertThat(generated()).extracting(f -> f.getFileName().toString())
                .containsExactly("ganeshaclusters.ganeshaha.io-v1.yml", "ganeshanodes.ganeshaha.io-v1.yml");
    }

    @Test
    void theCheckedInCrdsAreTheGeneratedOnes() throws IOException {
        for (Path generated : generated()) {
            Path checkedIn = CHECKED_IN.resolve(generated.getFileName());
            assertThat(checkedIn).as("%s is checked in under crds/ (run scripts/update-crds)", generated.getFileName())
                    .exists();
            assertThat(Files.readString(checkedIn))
                    .as("crds/%s differs from the model: run scripts/update-crds", generated.getFileName())
                    .isEqualTo(Files.readString(generated));
        }
    }

    @Test
    void theHelmChartShipsTheGeneratedCrds() throws IOException {
        for (Path generated : generated()) {
            Path copy = HELM_CHART.resolve(generated.getFileName());
            assertThat(copy).as("the Helm chart ships %s (run scripts/update-crds)", generated.getFileName()).exists();
            assertThat(Files.readString(copy))
                    .as("helm/ganesha-ha/crds/%s differs from the model: run scripts/update-crds", generated.getFileName())
                    .isEqualTo(Files.readString(generated));
        }
    }
}
