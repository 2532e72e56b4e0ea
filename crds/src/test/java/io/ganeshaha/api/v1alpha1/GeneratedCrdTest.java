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
        assertThat(graceDelay.getMaximum()).isEqualTo(300.0);
        assertThat(graceDelay.getDefault().asInt()).isEqualTo(5);
        assertThat(spec.getProperties().get("haVolMnt").getDefault().asText()).isEqualTo("/var/run/gluster/shared_storage");
        JSONSchemaProps vip = spec.getProperties().get("nodes").getItems().getSchema().getProperties().get("virtualIps")
                .getItems().getSchema();
        assertThat(vip.getRequired()).containsExactlyInAnyOrder("address", "prefixLength");
        assertThat(vip.getProperties().get("prefixLength").getMaximum()).isEqualTo(128.0);
        assertThat(vip.getProperties().get("address").getPattern()).isNotBlank();

        JSONSchemaProps nodes = spec.getProperties().get("nodes");
        assertThat(nodes.getMinItems()).as("at least two nodes").isEqualTo(2L);
        assertThat(nodes.getMaxItems()).isEqualTo((long) GaneshaClusterSpec.MAX_NODES);
        assertThat(nodes.getXKubernetesValidations()).extracting(r -> r.getMessage()).containsExactly(
                "node names must be unique",
                "Pacemaker node names (pacemakerName, or name when unset) must be unique",
                "a virtual IP address may appear only once in the cluster");
        JSONSchemaProps ganesha = spec.getProperties().get("ganesha");
        assertThat(ganesha.getProperties().get("dbusAddress").getDefault().asText())
                .isEqualTo(GaneshaSpec.DEFAULT_DBUS_ADDRESS);
        assertThat(ganesha.getProperties().get("pidFile").getDefault().asText()).isEqualTo(GaneshaSpec.DEFAULT_PID_FILE);
        JSONSchemaProps agent = spec.getProperties().get("agent");
        assertThat(agent.getProperties().get("image").getDefault())
                .as("no schema default: an unset image is the operator's, which the chart sets").isNull();
        assertThat(agent.getProperties().get("imagePullPolicy").getDefault()).isNull();
        assertThat(agent.getProperties()).containsKey("resources");
        assertThat(spec.getProperties().get("ocfProviderDir").getDefault().asText())
                .isEqualTo(GaneshaClusterSpec.DEFAULT_OCF_PROVIDER_DIR);
        JSONSchemaProps portBlock = spec.getProperties().get("portBlock");
        assertThat(portBlock.getProperties().get("enabled").getDefault().asBoolean()).as("off unless asked for").isFalse();
        assertThat(portBlock.getProperties().get("tickleDir").getPattern()).isEqualTo(GaneshaClusterSpec.ABSOLUTE_PATH);
        assertThat(portBlock.getProperties().get("tickleDir").getDefault()).as("its default follows haVolMnt").isNull();
    }

    /**
     * Every string under spec.exports is bounded and every list too, so the API server can cost the
     * CEL rules; what ganesha's syntax cannot carry is refused by pattern (a client, a path, an FSAL
     * setting's value).
     */
    @Test
    void theExportsSchemaBoundsEveryStringAndRefusesWhatGaneshaCannotRead() throws Exception {
        CustomResourceDefinition crd = new KubernetesSerialization().unmarshal(Files.readString(CRD),
                CustomResourceDefinition.class);
        JSONSchemaProps exports = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties()
                .get("spec").getProperties().get("exports");
        assertThat(exports.getMaxItems()).isEqualTo((long) GaneshaClusterSpec.MAX_EXPORTS);
        JSONSchemaProps export = exports.getItems().getSchema();
        assertThat(export.getRequired()).containsExactlyInAnyOrder("exportId", "path", "pseudo");
        JSONSchemaProps client = export.getProperties().get("clients").getItems().getSchema().getProperties().get("clients")
                .getItems().getSchema();
        assertThat(client.getMaxLength()).isEqualTo(253L);
        java.util.regex.Pattern clientPattern = java.util.regex.Pattern.compile(client.getPattern());
        for (String good : java.util.List.of("192.0.2.7", "192.0.2.0/24", "2001:db8::/64", "nfs-1.example.com",
                "*.example.com", "@trusted", "*")) {
            assertThat(clientPattern.matcher(good).matches()).as(good).isTrue();
        }
        for (String bad : java.util.List.of("10.0.0.0/8; rm", "a b", "host\"x", "a,b", "{x}")) {
            assertThat(clientPattern.matcher(bad).matches()).as(bad).isFalse();
        }
        JSONSchemaProps path = export.getProperties().get("path");
        assertThat(path.getMaxLength()).isEqualTo((long) ExportSpec.MAX_PATH);
        java.util.regex.Pattern pathPattern = java.util.regex.Pattern.compile(path.getPattern());
        assertThat(pathPattern.matcher("/srv/nfs/a b").matches()).isTrue();
        assertThat(pathPattern.matcher("srv/nfs").matches()).as("relative").isFalse();
        assertThat(pathPattern.matcher("/srv/\"x").matches()).isFalse();
        assertThat(pathPattern.matcher("/srv/x\ny").matches()).isFalse();
        java.util.regex.Pattern exportsFile = java.util.regex.Pattern.compile(crd.getSpec().getVersions().get(0)
                .getSchema().getOpenAPIV3Schema().getProperties().get("spec").getProperties().get("ganesha")
                .getProperties().get("exportsFile").getPattern());
        assertThat(exportsFile.matcher(GaneshaSpec.DEFAULT_EXPORTS_FILE).matches()).isTrue();
        for (String bad : java.util.List.of("/", "/x", "relative/x.conf", "/etc/ganesha/my exports.conf", "/etc/\"x\"")) {
            assertThat(exportsFile.matcher(bad).matches()).as("the agents' pod mounts its directory: " + bad).isFalse();
        }
        JSONSchemaProps option = export.getProperties().get("fsal").getProperties().get("options").getItems().getSchema();
        assertThat(option.getProperties().get("name").getMaxLength()).isEqualTo(64L);
        assertThat(option.getProperties().get("value").getMaxLength()).isEqualTo(1024L);
        java.util.regex.Pattern value = java.util.regex.Pattern.compile(option.getProperties().get("value").getPattern());
        assertThat(value.matcher("cephfs a").matches()).isTrue();
        assertThat(value.matcher("a\"b").matches()).isFalse();
        assertThat(value.matcher("a\\b").matches()).isFalse();
    }

    @Test
    void kubectlGetShowsReadinessReadyNodesVipPlacementAndAge() throws Exception {
        CustomResourceDefinition crd = new KubernetesSerialization().unmarshal(Files.readString(CRD),
                CustomResourceDefinition.class);
        assertThat(crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns())
                .extracting(c -> c.getName() + "=" + c.getJsonPath())
                .contains("Ready=.status.conditions[?(@.type==\"Ready\")].status",
                        "Nodes=.status.readyNodes",
                        "VIPs=.status.virtualIpPlacement",
                        "Exports=.status.exportsApplied",
                        "Failover=.status.conditions[?(@.type==\"FailoverInProgress\")].status",
                        "Age=.metadata.creationTimestamp");
    }

    @Test
    void eachNodeReportsThroughItsOwnGaneshaNode() throws Exception {
        CustomResourceDefinition crd = new KubernetesSerialization().unmarshal(
                Files.readString(CRD.resolveSibling("ganeshanodes.ganeshaha.io-v1.yml")), CustomResourceDefinition.class);
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("GaneshaNode");
        CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
        assertThat(version.getSubresources().getStatus()).isNotNull();
        JSONSchemaProps status = version.getSchema().getOpenAPIV3Schema().getProperties().get("status");
        assertThat(status.getProperties()).containsKeys("nfsd", "ganeshaActive", "graceActive", "inGrace", "virtualIps",
                "agentReady", "lastSeen", "lastFailover");
    }
}
