package io.ganeshaha.operator.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpec;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.api.v1alpha1.VirtualIpSpec;
import io.ganeshaha.operator.ModulePaths;
import io.ganeshaha.operator.controller.SpecValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** examples/ganeshacluster.yaml is what a user copies first: it must be a cluster the operator accepts. */
class ExampleManifestTest {

    static final Path EXAMPLE = ModulePaths.repositoryRoot().resolve("examples/ganeshacluster.yaml");
    static final Path CRD = ModulePaths.repositoryRoot().resolve("helm/ganesha-ha/crds/ganeshaclusters.ganeshaha.io-v1.yml");
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    @Test
    void exampleIsAThreeNodeClusterTheOperatorAccepts() throws IOException {
        GenericKubernetesResource example = SERIALIZATION.unmarshal(Files.readString(EXAMPLE),
                GenericKubernetesResource.class);
        assertThat(example.getApiVersion()).isEqualTo(GaneshaCluster.GROUP + "/" + GaneshaCluster.VERSION);
        assertThat(example.getKind()).isEqualTo("GaneshaCluster");
        assertThat(example.getMetadata().getNamespace()).isEqualTo("storage");
        // Strict: a field the model does not know fails here.
        GaneshaClusterSpec spec = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .convertValue(example.getAdditionalProperties().get("spec"), GaneshaClusterSpec.class);
        assertThat(spec.getAgent().getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(spec.getGanesha().getPidFile()).isEqualTo("/run/ganesha/ganesha.pid");
        assertThat(spec.getNodes()).hasSize(3);
        assertThat(spec.getExports()).singleElement().satisfies(e -> assertThat(io.ganeshaha.api.agent.ExportBlocks
                .render(e)).contains("Pseudo = \"/projects\";").contains("Clients = 192.0.2.0/24, *.build.example.com;"));
        assertThat(SpecValidator.validate(spec)).as("operator's validation").isEmpty();
        // Documentation addresses only (TEST-NET-1), so nobody copies a real network by accident.
        for (MemberNode node : spec.getNodes()) {
            assertThat(node.getVirtualIps()).isNotEmpty()
                    .extracting(VirtualIpSpec::getAddress).allMatch(a -> a.matches("192\\.0\\.2\\.\\d{1,3}"));
        }
    }

    /**
     * The API server rejects (kubectl: strict field validation) or prunes a field its CRD does not
     * declare: every field the example sets must be in the chart's CRD schema.
     */
    @Test
    void exampleUsesOnlyFieldsTheCrdDeclares() throws IOException {
        CustomResourceDefinition crd = SERIALIZATION.unmarshal(Files.readString(CRD), CustomResourceDefinition.class);
        JSONSchemaProps schema = crd.getSpec().getVersions().stream()
                .filter(v -> v.getName().equals(GaneshaCluster.VERSION)).findFirst().orElseThrow()
                .getSchema().getOpenAPIV3Schema();
        GenericKubernetesResource example = SERIALIZATION.unmarshal(Files.readString(EXAMPLE),
                GenericKubernetesResource.class);

        List<String> undeclared = new ArrayList<>();
        undeclared("spec", example.getAdditionalProperties().get("spec"), schema.getProperties().get("spec"),
                undeclared);
        assertThat(undeclared).as("fields of the example the CRD does not declare").isEmpty();
    }

    @Test
    void schemaWalkFindsUndeclaredFieldsInObjectsListsAndMaps() {
        JSONSchemaProps quantity = new JSONSchemaPropsBuilder().withXKubernetesIntOrString(true).build();
        JSONSchemaProps schema = new JSONSchemaPropsBuilder().withType("object")
                .addToProperties("nodes", new JSONSchemaPropsBuilder().withType("array")
                        .withNewItems().withSchema(new JSONSchemaPropsBuilder().withType("object")
                                .addToProperties("name", new JSONSchemaPropsBuilder().withType("string").build())
                                .build()).endItems()
                        .build())
                .addToProperties("requests", new JSONSchemaPropsBuilder().withType("object")
                        .withNewAdditionalProperties().withSchema(quantity).endAdditionalProperties().build())
                .addToProperties("free", new JSONSchemaPropsBuilder().withXKubernetesPreserveUnknownFields(true).build())
                .build();
        Map<String, Object> value = Map.of(
                "nodes", List.of(Map.of("name", "a"), Map.of("name", "b", "nmae", "typo")),
                "requests", Map.of("cpu", "50m", "memory", "128Mi"),
                "free", Map.of("anything", Map.of("goes", 1)),
                "extra", 1);
        List<String> undeclared = new ArrayList<>();
        undeclared("spec", value, schema, undeclared);
        assertThat(undeclared).containsExactlyInAnyOrder("spec.nodes[1].nmae", "spec.extra");
    }

    static void undeclared(String path, Object value, JSONSchemaProps schema, List<String> out) {
        if (Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String at = path + "." + e.getKey();
                JSONSchemaProps field = schema.getProperties() == null ? null : schema.getProperties().get(e.getKey());
                if (field == null && schema.getAdditionalProperties() != null) {
                    field = schema.getAdditionalProperties().getSchema();
                    if (field == null && Boolean.TRUE.equals(schema.getAdditionalProperties().getAllows())) {
                        continue;
                    }
                }
                if (field == null) {
                    out.add(at);
                } else {
                    undeclared(at, e.getValue(), field, out);
                }
            }
        } else if (value instanceof List<?> list && schema.getItems() != null) {
            for (int i = 0; i < list.size(); i++) {
                undeclared(path + "[" + i + "]", list.get(i), schema.getItems().getSchema(), out);
            }
        }
    }
}
