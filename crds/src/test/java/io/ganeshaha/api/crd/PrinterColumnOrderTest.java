package io.ganeshaha.api.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrinterColumnOrderTest {

    /** As Fabric8's generator writes it: columns sorted by name, a description folded over two lines. */
    static final String GENERATED = """
            spec:
              versions:
              - additionalPrinterColumns:
                - jsonPath: ".metadata.creationTimestamp"
                  name: "Age"
                  priority: 0
                  type: "date"
                - description: "Member nodes serving NFS, e.g.\\
                    \\ 2/3."
                  jsonPath: ".status.readyNodes"
                  name: "Nodes"
                  priority: 0
                  type: "string"
                - jsonPath: ".status.conditions[?(@.type==\\"Ready\\")].status"
                  name: "Ready"
                  priority: 0
                  type: "string"
                name: "v1alpha1"
                served: true
            """;

    @Test
    void columnsComeInTheGivenOrderAndNothingElseChanges() {
        String reordered = PrinterColumnOrder.reorder(GENERATED, List.of("Ready", "Nodes", "Age"));
        assertThat(reordered).isEqualTo("""
                spec:
                  versions:
                  - additionalPrinterColumns:
                    - jsonPath: ".status.conditions[?(@.type==\\"Ready\\")].status"
                      name: "Ready"
                      priority: 0
                      type: "string"
                    - description: "Member nodes serving NFS, e.g.\\
                        \\ 2/3."
                      jsonPath: ".status.readyNodes"
                      name: "Nodes"
                      priority: 0
                      type: "string"
                    - jsonPath: ".metadata.creationTimestamp"
                      name: "Age"
                      priority: 0
                      type: "date"
                    name: "v1alpha1"
                    served: true
                """);
        assertThat(PrinterColumnOrder.reorder(reordered, List.of("Ready", "Nodes", "Age"))).as("idempotent")
                .isEqualTo(reordered);
    }

    @Test
    void aColumnTheOrderDoesNotPlaceIsAnError() {
        assertThatThrownBy(() -> PrinterColumnOrder.reorder(GENERATED, List.of("Ready", "Age")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[Age, Nodes, Ready]").hasMessageContaining("[Ready, Age]");
    }

    @Test
    void aColumnTheModelNoLongerHasIsAnError() {
        assertThatThrownBy(() -> PrinterColumnOrder.reorder(GENERATED, List.of("Ready", "Nodes", "Age", "Failover")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Failover");
    }

    /** What {@code kubectl get ganeshaclusters} shows, as the README has it: READY first, AGE last. */
    @Test
    void theShippedCrdsShowStateFirstAndAgeLast() throws java.io.IOException {
        for (var entry : PrinterColumnOrder.ORDER.entrySet()) {
            String crd = java.nio.file.Files.readString(java.nio.file.Path.of(entry.getKey()));
            List<String> names = java.util.regex.Pattern.compile("(?m)^      name: \"([^\"]*)\"$").matcher(
                    crd.substring(crd.indexOf("additionalPrinterColumns:"), crd.indexOf("    name: \"v1alpha1\"")))
                    .results().map(m -> m.group(1)).toList();
            assertThat(names).as(entry.getKey()).isEqualTo(entry.getValue());
        }
        assertThat(PrinterColumnOrder.ORDER.get("ganeshaclusters.ganeshaha.io-v1.yml")).startsWith("Ready").endsWith("Age");
    }
}
