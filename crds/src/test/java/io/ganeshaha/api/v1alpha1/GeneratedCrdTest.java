package io.ganeshaha.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The CRD the Fabric8 generator writes from the model during the build. */
class GeneratedCrdTest {

    private static final Path CRD = Path.of("target/classes/META-INF/fabric8/ganeshaclusters.ganeshaha.io-v1.yml");

    @Test
    void theCrdIsGeneratedWithTheSchemaOfTheModel() throws Exception {
        CustomResourceDefinition crd = new KubernetesSerialization().unmarshal(Files.readString(CRD),
                CustomResourceDefinition.class);
        assertThat(crd.getSpec().getGroup()).isEqualTo(GaneshaCluster.GROUP);
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("GaneshaCluster");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("gcl");

        CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
        assertThat(version.getName()).isEqualTo(GaneshaCluster.VERSION);
        assertThat(version.getSubresources().getStatus()).as("status is a subresource").isNotNull();
        JSONSchemaProps spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        assertThat(spec.getRequired()).containsExactly("nodes");
        JSONSchemaProps graceDelay = spec.getProperties().get("graceDelaySeconds");
        assertThat(graceDelay.getMinimum()).isEqualTo(0.0);
        assertThat(graceDelay.getMaximum()).isEqualTo(3600.0);
        assertThat(graceDelay.getDefault().asInt()).isEqualTo(5);
        assertThat(spec.getProperties().get("haVolMnt").getDefault().asText()).isEqualTo("/var/run/gluster/shared_storage");
        JSONSchemaProps vip = spec.getProperties().get("nodes").getItems().getSchema().getProperties().get("virtualIps")
                .getItems().getSchema();
        assertThat(vip.getRequired()).containsExactlyInAnyOrder("address", "prefixLength");
        assertThat(vip.getProperties().get("prefixLength").getMaximum()).isEqualTo(128.0);
    }
}
