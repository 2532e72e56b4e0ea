package io.ganeshaha.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpec;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.api.v1alpha1.VirtualIpSpec;
import io.ganeshaha.operator.dependent.HaConfiguration;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The whole operator, in-process, against Fabric8's mock API server in CRUD mode. Every test uses
 * its own GaneshaCluster name, so they do not depend on each other's order.
 */
@QuarkusTest
@WithKubernetesTestServer
class GaneshaClusterReconcilerTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    String namespace() {
        return client.getNamespace();
    }

    // ---- fixtures -------------------------------------------------------------------------

    static VirtualIpSpec vip(String address, int prefix, String nic) {
        VirtualIpSpec v = new VirtualIpSpec();
        v.setAddress(address);
        v.setPrefixLength(prefix);
        v.setNetworkInterface(nic);
        return v;
    }

    static MemberNode node(String name, String pacemakerName, VirtualIpSpec... vips) {
        MemberNode n = new MemberNode();
        n.setName(name);
        n.setPacemakerName(pacemakerName);
        n.setVirtualIps(new ArrayList<>(List.of(vips)));
        return n;
    }

    static GaneshaCluster cluster(String name, MemberNode... nodes) {
        GaneshaCluster c = new GaneshaCluster();
        c.setMetadata(new ObjectMetaBuilder().withName(name).build());
        GaneshaClusterSpec spec = new GaneshaClusterSpec();
        spec.setNodes(new ArrayList<>(List.of(nodes)));
        spec.setGraceDelaySeconds(7);
        spec.setHaVolMnt("/run/gluster/shared_storage");
        c.setSpec(spec);
        return c;
    }

    static GaneshaCluster threeNodes(String name) {
        return cluster(name,
                node("k8s-a", "pcmk-a", vip("10.0.0.11", 24, "eth0")),
                node("k8s-b", null, vip("10.0.0.12", 24, null)),
                node("k8s-c", null, vip("2001:db8::13", 64, null)));
    }

    GaneshaCluster create(GaneshaCluster c) {
        return client.resources(GaneshaCluster.class).inNamespace(namespace()).resource(c).create();
    }

    GaneshaCluster get(String name) {
        return client.resources(GaneshaCluster.class).inNamespace(namespace()).withName(name).get();
    }

    GaneshaCluster edit(String name, Consumer<GaneshaClusterSpec> change) {
        return client.resources(GaneshaCluster.class).inNamespace(namespace()).withName(name).edit(c -> {
            change.accept(c.getSpec());
            return c;
        });
    }

    ConfigMap configMap(String name) {
        return client.configMaps().inNamespace(namespace()).withName(name + "-ha-config").get();
    }

    DaemonSet daemonSet(String name) {
        return client.apps().daemonSets().inNamespace(namespace()).withName(name + "-node-agent").get();
    }

    static Condition condition(GaneshaCluster c, String type) {
        if (c == null || c.getStatus() == null) {
            return null;
        }
        return c.getStatus().getConditions().stream().filter(x -> type.equals(x.getType())).findFirst().orElse(null);
    }

    /** Waits until the operator has judged the CR's current generation. */
    GaneshaCluster awaitObserved(String name) {
        await().atMost(TIMEOUT).untilAsserted(() -> {
            GaneshaCluster c = get(name);
            assertThat(c.getStatus()).isNotNull();
            assertThat(c.getStatus().getObservedGeneration()).isEqualTo(c.getMetadata().getGeneration());
        });
        return get(name);
    }

    static String configHash(DaemonSet ds) {
        return ds.getSpec().getTemplate().getMetadata().getAnnotations().get(Labels.CONFIG_HASH);
    }

    static Document xml(String text) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    static List<String> childIds(Document doc, String tag) {
        Element root = doc.getDocumentElement();
        NodeList list = root.getChildNodes();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            if (list.item(i) instanceof Element e && e.getTagName().equals(tag)) {
                ids.add(e.getAttribute("id"));
            }
        }
        return ids;
    }

    static void assertOwnedBy(io.fabric8.kubernetes.api.model.HasMetadata owned, GaneshaCluster owner) {
        assertThat(owned.getMetadata().getLabels()).containsAllEntriesOf(Map.of(
                "app.kubernetes.io/name", "ganesha-ha-node-agent",
                "app.kubernetes.io/instance", owner.getMetadata().getName(),
                "app.kubernetes.io/managed-by", "ganesha-ha-operator"));
        assertThat(owned.getMetadata().getOwnerReferences()).extracting(OwnerReference::getUid)
                .containsExactly(owner.getMetadata().getUid());
    }

    // ---- tests ----------------------------------------------------------------------------

    @Test
    void createRendersConfigRbacDaemonSetAndReadyStatus() throws Exception {
        String name = "create";
        create(threeNodes(name));

        GaneshaCluster observed = awaitObserved(name);
        assertThat(observed.getMetadata().getFinalizers()).isNotEmpty();
        Condition ready = condition(observed, "Ready");
        assertThat(ready.getStatus()).isEqualTo("True");
        assertThat(ready.getReason()).isEqualTo("ConfigurationApplied");
        assertThat(condition(observed, "Degraded").getStatus()).isEqualTo("False");

        // ConfigMap: CibRenderer's layout, Pacemaker names used where given.
        ConfigMap cm = configMap(name);
        assertThat(cm).isNotNull();
        assertOwnedBy(cm, observed);
        assertThat(cm.getData()).containsOnlyKeys("resources.xml", "constraints.xml", "agent.properties");
        Document resources = xml(cm.getData().get("resources.xml"));
        assertThat(childIds(resources, "clone")).containsExactly("nfs_setup-clone", "nfs-mon-clone", "nfs-grace-clone");
        assertThat(childIds(resources, "group")).containsExactly("pcmk-a-group", "k8s-b-group", "k8s-c-group");
        assertThat(cm.getData().get("resources.xml"))
                .contains("value=\"/run/gluster/shared_storage\"")
                .contains("name=\"grace_delay\" value=\"7\"")
                .contains("value=\"2001:db8::13\"")
                .contains("name=\"cidr_netmask\" value=\"64\"")
                .contains("name=\"nic\" value=\"eth0\"");
        Document constraints = xml(cm.getData().get("constraints.xml"));
        assertThat(constraints.getElementsByTagName("rsc_order").getLength()).isEqualTo(3);
        assertThat(cm.getData().get("agent.properties")).contains("ganesha-ha.agent.socket=/run/ganesha-ha/agent.sock");

        // RBAC: one ServiceAccount, a Role limited to this cluster, bound to that account.
        ServiceAccount sa = client.serviceAccounts().inNamespace(namespace()).withName(name + "-node-agent").get();
        assertThat(sa).isNotNull();
        assertOwnedBy(sa, observed);
        Role role = client.rbac().roles().inNamespace(namespace()).withName(name + "-node-agent").get();
        assertOwnedBy(role, observed);
        assertThat(role.getRules()).hasSize(2);
        PolicyRule read = role.getRules().get(0);
        assertThat(read.getApiGroups()).containsExactly("ganeshaha.io");
        assertThat(read.getResources()).containsExactly("ganeshaclusters");
        assertThat(read.getResourceNames()).containsExactly(name);
        assertThat(read.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
        PolicyRule status = role.getRules().get(1);
        assertThat(status.getResources()).containsExactly("ganeshaclusters/status");
        assertThat(status.getVerbs()).containsExactlyInAnyOrder("get", "update", "patch");
        RoleBinding binding = client.rbac().roleBindings().inNamespace(namespace()).withName(name + "-node-agent").get();
        assertOwnedBy(binding, observed);
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo(name + "-node-agent");
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(name + "-node-agent");
        });

        // DaemonSet: host network, privileged, the host paths, members only.
        DaemonSet ds = daemonSet(name);
        assertThat(ds).isNotNull();
        assertOwnedBy(ds, observed);
        var pod = ds.getSpec().getTemplate().getSpec();
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getServiceAccountName()).isEqualTo(name + "-node-agent");
        var container = pod.getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("ganesha-ha/node-agent:0.1.0");
        assertThat(container.getSecurityContext().getPrivileged()).isTrue();
        assertThat(container.getVolumeMounts()).extracting(VolumeMount::getMountPath).containsExactlyInAnyOrder(
                "/run/dbus", "/dev/shm", "/run/ganesha-ha", "/usr/lib/ocf/resource.d/ganesha-ha", "/var/lib",
                "/run/gluster/shared_storage", "/etc/ganesha-ha");
        Map<String, String> hostPaths = pod.getVolumes().stream().filter(v -> v.getHostPath() != null)
                .collect(Collectors.toMap(v -> v.getName(), v -> v.getHostPath().getPath()));
        assertThat(hostPaths).containsValues("/run/dbus", "/dev/shm", "/run/ganesha-ha",
                "/usr/lib/ocf/resource.d/ganesha-ha", "/var/lib", "/run/gluster/shared_storage");
        var terms = pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms();
        assertThat(terms).singleElement().satisfies(t -> {
            assertThat(t.getMatchFields()).singleElement().satisfies(f -> {
                assertThat(f.getKey()).isEqualTo("metadata.name");
                assertThat(f.getOperator()).isEqualTo("In");
                // Kubernetes names, not Pacemaker names.
                assertThat(f.getValues()).containsExactly("k8s-a", "k8s-b", "k8s-c");
            });
        });
        assertThat(ds.getSpec().getSelector().getMatchLabels())
                .isEqualTo(ds.getSpec().getTemplate().getMetadata().getLabels().entrySet().stream()
                        .filter(e -> !e.getKey().equals("app.kubernetes.io/managed-by"))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        assertThat(configHash(ds)).isEqualTo(HaConfiguration.render(observed).hash()).hasSize(64);
    }

    @Test
    void addingAVipChangesTheConfigAndRollsTheAgents() {
        String name = "add-vip";
        create(threeNodes(name));
        awaitObserved(name);
        String resourcesBefore = configMap(name).getData().get("resources.xml");
        String hashBefore = configHash(daemonSet(name));

        edit(name, spec -> spec.getNodes().get(1).getVirtualIps().add(vip("10.0.0.22", 24, null)));

        await().atMost(TIMEOUT).untilAsserted(
                () -> assertThat(configMap(name).getData().get("resources.xml")).contains("10.0.0.22"));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(configHash(daemonSet(name))).isNotEqualTo(hashBefore));
        assertThat(resourcesBefore).doesNotContain("10.0.0.22");
        assertThat(configMap(name).getData().get("resources.xml")).contains("k8s-b-cluster_ip-2");
        GaneshaCluster observed = awaitObserved(name);
        assertThat(observed.getMetadata().getGeneration()).isEqualTo(2L);
        assertThat(condition(observed, "Ready").getStatus()).isEqualTo("True");
    }

    @Test
    void specChangeThatRendersTheSameConfigDoesNotRollTheAgents() {
        String name = "same-config";
        create(threeNodes(name));
        awaitObserved(name);
        DaemonSet before = daemonSet(name);
        String cmVersionBefore = configMap(name).getMetadata().getResourceVersion();

        // k8s-b's Pacemaker name spelled out as its default: a new generation, the same rendering.
        GaneshaCluster edited = edit(name, spec -> spec.getNodes().get(1).setPacemakerName("k8s-b"));
        assertThat(edited.getMetadata().getGeneration()).isEqualTo(2L);
        awaitObserved(name);

        DaemonSet after = daemonSet(name);
        assertThat(configHash(after)).isEqualTo(configHash(before));
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
        assertThat(configMap(name).getMetadata().getResourceVersion()).isEqualTo(cmVersionBefore);
    }

    @Test
    void singleNodeIsDegradedAndCreatesNothing() {
        String name = "one-node";
        create(cluster(name, node("k8s-a", null, vip("10.0.1.11", 24, null))));

        GaneshaCluster observed = awaitObserved(name);
        Condition degraded = condition(observed, "Degraded");
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).isEqualTo("TooFewNodes");
        assertThat(degraded.getMessage()).startsWith("spec.nodes:");
        assertThat(condition(observed, "Ready").getStatus()).isEqualTo("False");
        assertThat(daemonSet(name)).isNull();
        assertThat(configMap(name)).isNull();
    }

    @Test
    void duplicateVipIsDegradedNamingTheFieldAndCreatesNothing() {
        String name = "dup-vip";
        create(cluster(name,
                node("k8s-a", null, vip("10.0.2.11", 24, null)),
                node("k8s-b", null, vip("10.0.2.11", 24, null))));

        GaneshaCluster observed = awaitObserved(name);
        Condition degraded = condition(observed, "Degraded");
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).isEqualTo("DuplicateVirtualIp");
        assertThat(degraded.getMessage())
                .startsWith("spec.nodes[1].virtualIps[0].address")
                .contains("spec.nodes[0].virtualIps[0]");
        assertThat(daemonSet(name)).isNull();
        assertThat(client.rbac().roles().inNamespace(namespace()).withName(name + "-node-agent").get()).isNull();
    }

    @Test
    void badEditOfARunningClusterLeavesTheAgentsAsTheyWere() {
        String name = "bad-edit";
        create(threeNodes(name));
        awaitObserved(name);
        DaemonSet before = daemonSet(name);
        String resourcesBefore = configMap(name).getData().get("resources.xml");

        edit(name, spec -> spec.getNodes().get(0).getVirtualIps().get(0).setAddress("10.0.0.300"));

        GaneshaCluster observed = awaitObserved(name);
        Condition degraded = condition(observed, "Degraded");
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).isEqualTo("InvalidVirtualIpAddress");
        assertThat(degraded.getMessage()).startsWith("spec.nodes[0].virtualIps[0].address: 10.0.0.300");
        assertThat(daemonSet(name).getMetadata().getResourceVersion())
                .isEqualTo(before.getMetadata().getResourceVersion());
        assertThat(configMap(name).getData().get("resources.xml")).isEqualTo(resourcesBefore);

        // Fixing the spec applies it again.
        edit(name, spec -> spec.getNodes().get(0).getVirtualIps().get(0).setAddress("10.0.0.30"));
        await().atMost(TIMEOUT).untilAsserted(() -> {
            GaneshaCluster fixed = get(name);
            assertThat(condition(fixed, "Ready").getStatus()).isEqualTo("True");
            assertThat(condition(fixed, "Degraded").getStatus()).isEqualTo("False");
        });
        assertThat(configMap(name).getData().get("resources.xml")).contains("10.0.0.30");
    }

    @Test
    void deleteRunsTheFinalizerAndRemovesWhatTheOperatorCreated() {
        String name = "delete";
        create(threeNodes(name));
        awaitObserved(name);
        assertThat(daemonSet(name)).isNotNull();

        client.resources(GaneshaCluster.class).inNamespace(namespace()).withName(name).delete();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(get(name)).isNull());
        assertThat(daemonSet(name)).isNull();
        assertThat(configMap(name)).isNull();
        assertThat(client.serviceAccounts().inNamespace(namespace()).withName(name + "-node-agent").get()).isNull();
        assertThat(client.rbac().roles().inNamespace(namespace()).withName(name + "-node-agent").get()).isNull();
        assertThat(client.rbac().roleBindings().inNamespace(namespace()).withName(name + "-node-agent").get()).isNull();
    }
}
