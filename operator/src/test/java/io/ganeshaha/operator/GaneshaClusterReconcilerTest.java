package io.ganeshaha.operator;

import io.ganeshaha.operator.status.ClusterMetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
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
import io.ganeshaha.api.v1alpha1.FailoverRecord;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpec;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpecBuilder;
import io.ganeshaha.api.v1alpha1.MemberNodeBuilder;
import io.ganeshaha.api.v1alpha1.VirtualIpSpecBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaNode;
import io.ganeshaha.api.v1alpha1.GaneshaNodeSpec;
import io.ganeshaha.api.v1alpha1.NodeObservation;
import io.ganeshaha.api.v1alpha1.NodeStatus;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.api.v1alpha1.VirtualIpSpec;
import io.ganeshaha.operator.dependent.HaConfiguration;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
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

    @KubernetesTestServer
    KubernetesServer mockServer;

    @io.quarkus.test.common.http.TestHTTPResource("/q/metrics")
    java.net.URL metricsUrl;

    /** What Prometheus would scrape from the operator now. */
    String metrics() throws Exception {
        try (var in = metricsUrl.openStream()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** The value of {@code metric} for GaneshaCluster {@code name}, empty when it has none. */
    java.util.Optional<Double> clusterMetric(String metric, String name) throws Exception {
        var m = java.util.regex.Pattern.compile("(?m)^" + metric + "\\{[^}]*ganeshacluster=\"" + name
                + "\"[^}]*\\} (\\S+)$").matcher(metrics());
        return m.find() ? java.util.Optional.of(Double.parseDouble(m.group(1))) : java.util.Optional.empty();
    }

    String namespace() {
        return client.getNamespace();
    }

    // ---- fixtures -------------------------------------------------------------------------

    static VirtualIpSpec vip(String address, int prefix, String nic) {
        return new VirtualIpSpecBuilder().withAddress(address).withPrefixLength(prefix).withNetworkInterface(nic)
                .build();
    }

    static MemberNode node(String name, String pacemakerName, VirtualIpSpec... vips) {
        return new MemberNodeBuilder().withName(name).withPacemakerName(pacemakerName).withVirtualIps(vips).build();
    }

    static GaneshaCluster cluster(String name, MemberNode... nodes) {
        return new GaneshaCluster(new ObjectMetaBuilder().withName(name).build(), new GaneshaClusterSpecBuilder()
                .withNodes(nodes).withGraceDelaySeconds(7).withHaVolMnt("/run/gluster/shared_storage").build());
    }

    static GaneshaCluster threeNodes(String name) {
        return cluster(name,
                node("k8s-a", "pcmk-a", vip("10.0.0.11", 24, "eth0")),
                node("k8s-b", null, vip("10.0.0.12", 24, null)),
                node("k8s-c", null, vip("2001:db8::13", 64, null)));
    }

    /** The member nodes exist in Kubernetes (the mock starts empty). */
    @BeforeEach
    void memberNodesExist() {
        for (String node : List.of("k8s-a", "k8s-b", "k8s-c")) {
            if (client.nodes().withName(node).get() == null) {
                client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build()).create();
            }
        }
    }

    /** What the DaemonSet controller would write once every agent pod is updated and ready. */
    void agentsRolledOut(String name) {
        await().atMost(TIMEOUT).until(() -> daemonSet(name) != null);
        int members = get(name).getSpec().getNodes().size();
        Edits.rolledOut(client.apps().daemonSets().inNamespace(namespace()).withName(name + "-node-agent"), members);
    }

    /** What a node agent writes: its GaneshaNode (created once), then its status. */
    void report(String cluster, String node, String nfsd, boolean ganeshaActive, boolean graceActive,
            List<String> vips, FailoverRecord lastFailover) {
        report(cluster, node, nfsd, ganeshaActive, graceActive, vips, lastFailover, Instant.now());
    }

    void report(String cluster, String node, String nfsd, boolean ganeshaActive, boolean graceActive,
            List<String> vips, FailoverRecord lastFailover, Instant seen) {
        report(cluster, node, nfsd, ganeshaActive, graceActive, vips, lastFailover, seen, NodeObservation.FENCING_ENABLED);
    }

    void report(String cluster, String node, String nfsd, boolean ganeshaActive, boolean graceActive,
            List<String> vips, FailoverRecord lastFailover, Instant seen, String fencing) {
        var nodes = client.resources(GaneshaNode.class).inNamespace(namespace());
        GaneshaNode current = nodes.withName(GaneshaNode.nameFor(cluster, node)).get();
        if (current == null) {
            GaneshaNode n = new GaneshaNode();
            n.setMetadata(new ObjectMetaBuilder().withName(GaneshaNode.nameFor(cluster, node))
                    .withLabels(Map.of(GaneshaNode.CLUSTER_LABEL, cluster)).build());
            GaneshaNodeSpec spec = new GaneshaNodeSpec();
            spec.setCluster(cluster);
            spec.setNodeName(node);
            n.setSpec(spec);
            current = nodes.resource(n).create();
        }
        NodeObservation o = new NodeObservation();
        o.setNfsd(nfsd);
        o.setGaneshaActive(ganeshaActive);
        o.setGraceActive(graceActive);
        o.setInGrace(false);
        o.setVirtualIps(new ArrayList<>(vips));
        o.setAgentReady(true);
        o.setLastSeen(seen.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        o.setLastFailover(lastFailover);
        o.setFencing(fencing);
        // The agents wrote the current rendering into the CIB.
        o.setPacemakerConfigGeneration(io.ganeshaha.api.v1alpha1.CibGeneration
                .parse(configMap(cluster).getData().get("cib-generation")).orElseThrow().generation());
        current.setStatus(o);
        nodes.resource(current).updateStatus();
    }

    /** The three-node cluster rolled out, every agent serving its own VIP. */
    void allServing(String name) {
        agentsRolledOut(name);
        report(name, "k8s-a", "SERVING", true, true, List.of("10.0.0.11"), null);
        report(name, "k8s-b", "SERVING", true, true, List.of("10.0.0.12"), null);
        report(name, "k8s-c", "SERVING", true, true, List.of("2001:db8::13"), null);
    }

    List<Event> events(String name) {
        return client.v1().events().inNamespace(namespace()).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
    }

    GaneshaCluster create(GaneshaCluster c) {
        return client.resources(GaneshaCluster.class).inNamespace(namespace()).resource(c).create();
    }

    GaneshaCluster get(String name) {
        return client.resources(GaneshaCluster.class).inNamespace(namespace()).withName(name).get();
    }

    GaneshaCluster edit(String name, Consumer<GaneshaClusterSpec> change) {
        return Edits.edit(client.resources(GaneshaCluster.class).inNamespace(namespace()).withName(name), c -> {
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
        // Applied, but no agent has reported yet: not Ready, Progressing.
        assertThat(condition(observed, "Ready").getStatus()).isEqualTo("False");
        assertThat(condition(observed, "Ready").getReason()).isEqualTo("AwaitingAgents");
        assertThat(condition(observed, "Progressing").getStatus()).isEqualTo("True");
        assertThat(condition(observed, "Degraded").getStatus()).isEqualTo("False");

        // ConfigMap: CibRenderer's layout, Pacemaker names used where given.
        ConfigMap cm = configMap(name);
        assertThat(cm).isNotNull();
        assertOwnedBy(cm, observed);
        assertThat(cm.getData()).containsOnlyKeys("resources.xml", "constraints.xml", "cluster-properties",
                "agent.properties", "cib-generation", "exports.json", "exports-generation");
        assertThat(cm.getData().get("exports.json")).as("no exports specified").isEqualTo("[]");
        assertThat(cm.getData().get("cluster-properties")).as("three members, as ganesha-ha.sh had it")
                .contains("\nno-quorum-policy=stop\n").doesNotContain("stonith");
        assertThat(cm.getData().get("cib-generation")).isEqualTo(observed.getMetadata().getUid() + "/1");
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
        assertThat(constraints.getElementsByTagName("rsc_location").getLength())
                .as("the grace clone's ban, and per group its ban and three preferences").isEqualTo(13);
        assertThat(cm.getData().get("agent.properties")).contains("ganesha-ha.agent.socket=/run/ganesha-ha/agent.sock")
                .contains("ganesha-ha.agent.kubernetes.cluster=" + name)
                .contains("ganesha-ha.agent.kubernetes.virtual-ips=10.0.0.11,10.0.0.12,2001:db8::13")
                .contains("ganesha-ha.agent.dbus-address=unix:path=/run/dbus/system_bus_socket")
                .contains("ganesha-ha.agent.pid-file=/host/ganesha-pid/ganesha.pid");

        // RBAC: one ServiceAccount, a Role limited to this cluster, bound to that account.
        ServiceAccount sa = client.serviceAccounts().inNamespace(namespace()).withName(name + "-node-agent").get();
        assertThat(sa).isNotNull();
        assertOwnedBy(sa, observed);
        Role role = client.rbac().roles().inNamespace(namespace()).withName(name + "-node-agent").get();
        assertOwnedBy(role, observed);
        assertThat(role.getRules()).hasSize(3);
        PolicyRule read = role.getRules().get(0);
        assertThat(read.getApiGroups()).containsExactly("ganeshaha.io");
        assertThat(read.getResources()).containsExactly("ganeshaclusters");
        assertThat(read.getResourceNames()).containsExactly(name);
        assertThat(read.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
        // The agents write their own GaneshaNodes, never the GaneshaCluster's status.
        assertThat(role.getRules()).noneMatch(r -> r.getResources().contains("ganeshaclusters/status"));
        assertThat(role.getRules().get(1).getResources()).containsExactly("ganeshanodes");
        assertThat(role.getRules().get(1).getVerbs()).containsExactlyInAnyOrder("get", "create");
        assertThat(role.getRules().get(2).getResources()).containsExactly("ganeshanodes/status");
        assertThat(role.getRules().get(2).getVerbs()).containsExactlyInAnyOrder("get", "update", "patch");
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
        assertThat(container.getImage()).as("the operator's agent image: none configured here").isEqualTo(
                "ganesha-ha/node-agent:0.1.0");
        assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
        // The pod settings of the operator's configuration (application.properties, %test).
        assertThat(pod.getTolerations()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("storage-only");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(pod.getImagePullSecrets()).singleElement().satisfies(r -> assertThat(r.getName()).isEqualTo("regcred"));
        assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
        assertThat(container.getResources().getRequests()).containsEntry("memory", new Quantity("128Mi"));
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("GANESHA_HA_AGENT_KUBERNETES_NODE_NAME");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
        });
        assertThat(container.getSecurityContext().getPrivileged()).isTrue();
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9746);
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
                .as("one node's agent at a time").isEqualTo(1);
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isZero();
        assertThat(container.getVolumeMounts()).extracting(VolumeMount::getMountPath).containsExactlyInAnyOrder(
                "/run/dbus", "/dev/shm", "/run/ganesha-ha", "/usr/lib/ocf/resource.d/ganesha-ha", "/var/lib",
                "/run/gluster/shared_storage", "/etc/ganesha-ha", "/host/ganesha-pid", "/etc/ganesha", "/etc/passwd",
                "/etc/group");
        assertThat(container.getVolumeMounts()).filteredOn(m -> m.getMountPath().equals("/etc/ganesha"))
                .as("the agent writes the exports file ganesha.conf includes").extracting(m -> Boolean.TRUE.equals(m.getReadOnly()))
                .containsOnly(false);
        assertThat(container.getVolumeMounts())
                .filteredOn(m -> m.getMountPath().startsWith("/etc/") && !m.getMountPath().equals("/etc/ganesha"))
                .as("the host's user database and the rendered configuration are only read")
                .extracting(VolumeMount::getReadOnly).containsOnly(true);
        assertThat(pod.getHostPID()).as("the pid file names a host process").isTrue();
        Map<String, String> hostPaths = pod.getVolumes().stream().filter(v -> v.getHostPath() != null)
                .collect(Collectors.toMap(v -> v.getName(), v -> v.getHostPath().getPath()));
        assertThat(hostPaths).containsValues("/run/dbus", "/dev/shm", "/run/ganesha-ha",
                "/usr/lib/ocf/resource.d/ganesha-ha", "/var/lib", "/run/gluster/shared_storage", "/run/ganesha",
                "/etc/passwd", "/etc/group");
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
        assertThat(configHash(ds)).isEqualTo(HaConfiguration.render(observed).agentSettingsHash()).hasSize(64);

        // The agents roll out and report: Ready, with the VIP placement and ready nodes shown.
        allServing(name);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            GaneshaCluster c = get(name);
            assertThat(condition(c, "Ready").getStatus()).isEqualTo("True");
            assertThat(condition(c, "Ready").getReason()).isEqualTo("AllVirtualIpsServed");
            assertThat(condition(c, "Progressing").getStatus()).isEqualTo("False");
            assertThat(condition(c, "FailoverInProgress").getStatus()).isEqualTo("False");
            assertThat(c.getStatus().getReadyNodes()).isEqualTo("3/3");
            assertThat(c.getStatus().getVirtualIpPlacement())
                    .isEqualTo("10.0.0.11=k8s-a,10.0.0.12=k8s-b,2001:db8::13=k8s-c");
            assertThat(c.getStatus().getNodes()).extracting(NodeStatus::getName, NodeStatus::getPacemakerName,
                    NodeStatus::getNfsd, NodeStatus::getAgentReady).containsExactly(
                    tuple("k8s-a", "pcmk-a", "SERVING", true), tuple("k8s-b", "k8s-b", "SERVING", true),
                    tuple("k8s-c", "k8s-c", "SERVING", true));
        });
    }

    @Test
    void aFailoverReportedByTheAgentsShowsInConditionsStatusAndEvents() throws Exception {
        String name = "failover";
        create(threeNodes(name));
        awaitObserved(name);
        allServing(name);
        await().atMost(TIMEOUT).until(() -> "True".equals(condition(get(name), "Ready").getStatus()));

        // nfsd dies on k8s-a: its agent deletes grace-active and waits for the survivors' grace.
        report(name, "k8s-a", "DOWN", true, false, List.of("10.0.0.11"), null);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            GaneshaCluster c = get(name);
            assertThat(condition(c, "FailoverInProgress").getStatus()).isEqualTo("True");
            assertThat(condition(c, "FailoverInProgress").getReason()).isEqualTo("AwaitingGrace");
            assertThat(condition(c, "FailoverInProgress").getMessage()).contains("k8s-a");
            assertThat(condition(c, "Degraded").getReason()).isEqualTo("NodeFailed");
            assertThat(condition(c, "Ready").getReason()).isEqualTo("VirtualIpsUnserved");
        });
        // The same state for Prometheus: alerts need no API access.
        assertThat(clusterMetric(ClusterMetrics.FAILOVER_IN_PROGRESS, name)).contains(1.0);
        assertThat(clusterMetric(ClusterMetrics.READY, name)).contains(0.0);
        assertThat(metrics()).contains("# HELP " + ClusterMetrics.FAILOVER_IN_PROGRESS + " 1 while a failover");
        assertThat(events(name)).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("FailoverStarted");
            assertThat(e.getType()).isEqualTo("Warning");
        });

        // The survivors acknowledged; ganesha-active deleted; k8s-b took the VIP.
        FailoverRecord record = new FailoverRecord();
        record.setNode("pcmk-a");
        record.setDirection("failover");
        record.setEpoch("1764064800123");
        record.setDetected("2026-11-25T10:00:00.100Z");
        record.setGraceActiveChanged("2026-11-25T10:00:00.180Z");
        record.setSurvivors(List.of("k8s-b", "k8s-c"));
        record.setAcknowledged(List.of("k8s-b", "k8s-c"));
        record.setAcknowledgementsComplete("2026-11-25T10:00:00.400Z");
        record.setGaneshaActiveChanged("2026-11-25T10:00:00.420Z");
        report(name, "k8s-a", "DOWN", false, false, List.of(), record);
        report(name, "k8s-b", "SERVING", true, true, List.of("10.0.0.11", "10.0.0.12"), null);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            GaneshaCluster c = get(name);
            assertThat(condition(c, "FailoverInProgress").getStatus()).isEqualTo("False");
            assertThat(condition(c, "FailoverInProgress").getReason()).isEqualTo("FailedOver");
            assertThat(condition(c, "Ready").getStatus()).as("every VIP is served again").isEqualTo("True");
            assertThat(condition(c, "Degraded").getStatus()).as("running without k8s-a").isEqualTo("True");
            assertThat(c.getStatus().getReadyNodes()).isEqualTo("2/3");
            assertThat(c.getStatus().getVirtualIpPlacement()).startsWith("10.0.0.11=k8s-b,10.0.0.12=k8s-b,");
            assertThat(c.getStatus().getLastFailover().getEpoch()).isEqualTo("1764064800123");
        });
        assertThat(clusterMetric(ClusterMetrics.FAILOVER_IN_PROGRESS, name)).contains(0.0);
        assertThat(clusterMetric(ClusterMetrics.READY, name)).contains(1.0);
        assertThat(clusterMetric(ClusterMetrics.DEGRADED, name)).contains(1.0);
        assertThat(clusterMetric(ClusterMetrics.NODES_READY, name)).contains(2.0);
        assertThat(clusterMetric(ClusterMetrics.NODES, name)).contains(3.0);
        // JOSDK's own, through its Micrometer support: what an alert on reconcile errors reads.
        assertThat(metrics()).containsPattern("(?m)^operator_sdk_reconciliations_started_total\\{.*\\} [1-9]");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events(name)).extracting(Event::getReason)
                .contains("FailoverStarted", "NodeFailed", "FailoverFinished", "Failover"));
        assertThat(events(name)).filteredOn(e -> e.getReason().equals("Failover")).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("in grace: [k8s-b, k8s-c] of [k8s-b, k8s-c] (all by"));

        // Fail-back, in the order it happens: nfsd serves again on k8s-a (grace-active, then
        // ganesha-active), then Pacemaker moves the VIP from k8s-b home. The moment the VIP is on
        // neither node is not a failover: no member has failed.
        report(name, "k8s-a", "SERVING", true, true, List.of(), record);
        report(name, "k8s-b", "SERVING", true, true, List.of("10.0.0.12"), null);
        report(name, "k8s-a", "SERVING", true, true, List.of("10.0.0.11"), record);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            GaneshaCluster c = get(name);
            assertThat(condition(c, "Degraded").getStatus()).isEqualTo("False");
            assertThat(c.getStatus().getReadyNodes()).isEqualTo("3/3");
        });
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events(name)).extracting(Event::getReason)
                .contains("Recovered"));
        // One event per change, not per reconciliation.
        assertThat(events(name)).filteredOn(e -> e.getReason().equals("FailoverStarted")).hasSize(1);
    }

    @Test
    void anAgentThatStopsReportingIsNotTrusted() {
        String name = "stale";
        create(threeNodes(name));
        awaitObserved(name);
        allServing(name);
        // k8s-c's agent last wrote ten minutes ago (stale after 90 s).
        report(name, "k8s-c", "SERVING", true, true, List.of("2001:db8::13"), null, Instant.now().minusSeconds(600));
        await().atMost(TIMEOUT).untilAsserted(() -> {
            GaneshaCluster c = get(name);
            assertThat(condition(c, "Degraded").getReason()).isEqualTo("AgentNotReporting");
            assertThat(condition(c, "Degraded").getMessage()).contains("k8s-c");
            assertThat(condition(c, "Ready").getStatus()).as("its VIP's placement is unknown").isEqualTo("False");
            assertThat(c.getStatus().getNodes().get(2).getAgentReady()).isFalse();
        });
    }

    @Test
    void aMemberNodeKubernetesDoesNotKnowIsDegradedButTheRestIsConfigured() {
        String name = "missing-node";
        create(cluster(name,
                node("k8s-a", null, vip("10.0.3.11", 24, null)),
                node("k8s-gone", null, vip("10.0.3.12", 24, null))));
        GaneshaCluster observed = awaitObserved(name);
        Condition degraded = condition(observed, "Degraded");
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).isEqualTo("NodeNotFound");
        assertThat(degraded.getMessage()).isEqualTo("spec.nodes[1].name: node k8s-gone does not exist in this Kubernetes cluster");
        assertThat(daemonSet(name)).isNotNull();
        assertThat(configMap(name)).isNotNull();
    }

    @Test
    void imageResourcesGaneshaAndOcfDirComeFromTheSpec() {
        String name = "custom";
        GaneshaCluster c = threeNodes(name);
        c.getSpec().getAgent().setImage("registry.example/ganesha-ha/node-agent:0.2.0");
        c.getSpec().getAgent().setImagePullPolicy("Always");
        c.getSpec().getAgent().setResources(new ResourceRequirementsBuilder()
                .addToRequests("memory", new Quantity("192Mi")).addToRequests("cpu", new Quantity("100m")).build());
        c.getSpec().getGanesha().setDbusAddress("unix:path=/run/ganesha-bus/socket");
        c.getSpec().getGanesha().setPidFile("/var/run/ganesha.pid");
        c.getSpec().setOcfProviderDir("/usr/lib/ocf/resource.d/site");
        create(c);
        awaitObserved(name);
        var container = daemonSet(name).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("registry.example/ganesha-ha/node-agent:0.2.0");
        assertThat(container.getImagePullPolicy()).isEqualTo("Always");
        assertThat(container.getResources().getRequests()).containsEntry("memory", new Quantity("192Mi"));
        assertThat(container.getVolumeMounts()).extracting(VolumeMount::getMountPath)
                .contains("/usr/lib/ocf/resource.d/site").doesNotContain("/usr/lib/ocf/resource.d/ganesha-ha");
        assertThat(configMap(name).getData().get("agent.properties"))
                .contains("ganesha-ha.agent.dbus-address=unix:path=/run/ganesha-bus/socket")
                .contains("ganesha-ha.agent.pid-file=/host/ganesha-pid/ganesha.pid")
                .contains("ganesha-ha.agent.ocf-provider-dir=/usr/lib/ocf/resource.d/site");
        // One pid file everywhere: the pod sees the host's directory of it, ganesha_mon's fallback is told it.
        assertThat(daemonSet(name).getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("ganesha-pid");
            assertThat(v.getHostPath().getPath()).isEqualTo("/var/run");
        });
        assertThat(configMap(name).getData().get("resources.xml"))
                .contains("name=\"pid_file\" value=\"/var/run/ganesha.pid\"");
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
        assertThat(configMap(name).getData().get("cib-generation")).as("a new rendering, a new generation").endsWith("/2");
        GaneshaCluster observed = awaitObserved(name);
        assertThat(observed.getMetadata().getGeneration()).isEqualTo(2L);
        assertThat(condition(observed, "Degraded").getStatus()).isEqualTo("False");
    }

    @Test
    void growingToThreeMembersIsANewConfigurationWhoseQuorumPolicyIsStop() {
        String name = "grow";
        create(cluster(name, node("k8s-a", null, vip("10.0.5.11", 24, null)), node("k8s-b", null, vip("10.0.5.12", 24, null))));
        awaitObserved(name);
        assertThat(configMap(name).getData().get("cluster-properties")).contains("no-quorum-policy=ignore");
        assertThat(configMap(name).getData().get("cib-generation")).endsWith("/1");

        edit(name, spec -> spec.getNodes().add(node("k8s-c", null, vip("10.0.5.13", 24, null))));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(configMap(name).getData().get("cluster-properties"))
                .contains("no-quorum-policy=stop"));
        assertThat(configMap(name).getData().get("cib-generation")).endsWith("/2");
        assertThat(awaitObserved(name).getStatus().getPacemakerConfiguration().getGeneration()).endsWith("/2");
    }

    @Test
    void fencingOffOnOneMemberIsTheFencingConditionAndAWarningButNotReadiness() {
        String name = "fencing";
        create(cluster(name, node("k8s-a", null, vip("10.0.4.11", 24, null)), node("k8s-b", null, vip("10.0.4.12", 24, null))));
        awaitObserved(name);
        assertThat(condition(get(name), "Fencing").getStatus()).as("no agent read it yet").isEqualTo("Unknown");
        assertThat(condition(get(name), "Fencing").getReason()).isEqualTo("FencingNotReported");

        agentsRolledOut(name);
        report(name, "k8s-a", "SERVING", true, true, List.of("10.0.4.11"), null);
        report(name, "k8s-b", "SERVING", true, true, List.of("10.0.4.12"), null);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            GaneshaCluster c = get(name);
            assertThat(condition(c, "Fencing").getStatus()).isEqualTo("True");
            assertThat(condition(c, "Fencing").getReason()).isEqualTo("StonithEnabled");
            assertThat(condition(c, "Ready").getStatus()).isEqualTo("True");
        });

        // The administrator turned fencing off (stonith-enabled=false); k8s-b's agent read it first.
        report(name, "k8s-b", "SERVING", true, true, List.of("10.0.4.12"), null, Instant.now(),
                NodeObservation.FENCING_DISABLED);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            GaneshaCluster c = get(name);
            assertThat(condition(c, "Fencing").getStatus()).isEqualTo("False");
            assertThat(condition(c, "Fencing").getReason()).isEqualTo("StonithDisabled");
            assertThat(condition(c, "Fencing").getMessage()).contains("as read on k8s-b")
                    .contains("protected only by the takeover gate and NFS grace");
            assertThat(c.getStatus().getNodes()).extracting(NodeStatus::getFencing).containsExactly("Enabled", "Disabled");
        });
        assertThat(condition(get(name), "Ready").getStatus()).as("Ready means what it meant").isEqualTo("True");
        assertThat(condition(get(name), "Degraded").getStatus()).isEqualTo("False");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events(name))
                .filteredOn(e -> e.getReason().equals("StonithDisabled")).singleElement()
                .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning")));
    }

    @Test
    void aFailingApiCallIsReportedAsReconcileFailedAndRetried() throws Exception {
        String name = "api-fails";
        // The first two attempts to create the agents' DaemonSet are refused, as an API server
        // refuses an operator whose ClusterRole lacks a verb (Fabric8's client itself retries only
        // 5xx answers); JOSDK retries with back-off, seconds apart, and the failure stays in status.
        String refusal = "daemonsets.apps is forbidden: User \"system:serviceaccount:ganesha-ha:ganesha-ha\""
                + " cannot create resource \"daemonsets\"";
        mockServer.expect().post().withPath("/apis/apps/v1/namespaces/" + namespace() + "/daemonsets")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").withMessage(refusal).build())
                .times(2);
        create(threeNodes(name));

        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            Condition degraded = condition(get(name), "Degraded");
            assertThat(degraded).as("Degraded condition").isNotNull();
            assertThat(degraded.getReason()).isEqualTo("ReconcileFailed");
            assertThat(degraded.getMessage()).contains("cannot create resource \"daemonsets\"");
        });
        assertThat(java.util.Optional.ofNullable(condition(get(name), "Ready")).map(Condition::getStatus))
                .as("nothing served yet, nothing claimed").isNotEqualTo(java.util.Optional.of("True"));

        // What the chart's GaneshaHaReconcileErrors alert reads (JOSDK's Micrometer support).
        assertThat(metrics()).containsPattern("(?m)^operator_sdk_reconciliations_failed_total\\{.*\\} [1-9]");

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(daemonSet(name)).isNotNull());
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(condition(get(name), "Degraded"))
                .extracting(Condition::getReason).isEqualTo("AsSpecified"));
    }

    @Test
    void aGraceDelayEditReachesPacemakerWithoutRestartingTheAgents() {
        String name = "grace-delay";
        create(threeNodes(name));
        awaitObserved(name);
        String hashBefore = configHash(daemonSet(name));

        edit(name, spec -> spec.setGraceDelaySeconds(17));

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(configMap(name).getData().get("resources.xml"))
                .contains("name=\"grace_delay\" value=\"17\""));
        assertThat(configMap(name).getData().get("cib-generation")).as("a new rendering for the agents to write")
                .endsWith("/2");
        awaitObserved(name);
        assertThat(configHash(daemonSet(name))).as("the agents read the CIB sections live: no roll")
                .isEqualTo(hashBefore);
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
        assertThat(configMap(name).getData().get("cib-generation")).as("the CIB is not rewritten").endsWith("/1");
        assertThat(configMap(name).getData().get("exports-generation")).as("nothing asked of ganesha").endsWith("/1");
    }

    @Test
    void anExportEditReachesTheConfigMapWithANewExportsGenerationAndRollsNoAgent() {
        String name = "export-edit";
        create(threeNodes(name));
        awaitObserved(name);
        DaemonSet before = daemonSet(name);

        GaneshaCluster edited = edit(name, spec -> spec.getExports().add(new io.ganeshaha.api.v1alpha1.ExportSpecBuilder()
                .withExportId(7).withPath("/srv/nfs/a").withPseudo("/a").build()));
        assertThat(edited.getMetadata().getGeneration()).isEqualTo(2L);
        GaneshaCluster observed = awaitObserved(name);

        assertThat(configMap(name).getData().get("exports-generation")).endsWith("/2");
        assertThat(configMap(name).getData().get("exports.json")).contains("\"exportId\":7").contains("\"pseudo\":\"/a\"");
        assertThat(configMap(name).getData().get("cib-generation")).as("Pacemaker is not touched").endsWith("/1");
        assertThat(observed.getStatus().getExportsConfiguration().getGeneration()).endsWith("/2");
        assertThat(configHash(daemonSet(name))).as("no agent restarts").isEqualTo(configHash(before));
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
            assertThat(condition(fixed, "Degraded").getStatus()).isEqualTo("False");
            assertThat(fixed.getStatus().getObservedGeneration()).isEqualTo(fixed.getMetadata().getGeneration());
        });
        assertThat(configMap(name).getData().get("resources.xml")).contains("10.0.0.30");
    }

    @Test
    void deleteRunsTheFinalizerAndRemovesWhatTheOperatorCreated() throws Exception {
        String name = "delete";
        create(threeNodes(name));
        awaitObserved(name);
        assertThat(daemonSet(name)).isNotNull();
        assertThat(clusterMetric(ClusterMetrics.NODES, name)).contains(3.0);

        client.resources(GaneshaCluster.class).inNamespace(namespace()).withName(name).delete();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(get(name)).isNull());
        assertThat(clusterMetric(ClusterMetrics.NODES, name)).as("the deleted cluster's gauges").isEmpty();
        assertThat(daemonSet(name)).isNull();
        assertThat(configMap(name)).isNull();
        assertThat(client.serviceAccounts().inNamespace(namespace()).withName(name + "-node-agent").get()).isNull();
        assertThat(client.rbac().roles().inNamespace(namespace()).withName(name + "-node-agent").get()).isNull();
        assertThat(client.rbac().roleBindings().inNamespace(namespace()).withName(name + "-node-agent").get()).isNull();
    }
}
