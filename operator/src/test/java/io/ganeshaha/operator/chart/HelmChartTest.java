package io.ganeshaha.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.AgentSpec;
import io.ganeshaha.operator.dependent.AgentDefaults;
import io.ganeshaha.operator.dependent.AgentRoleDependent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart (helm/ganesha-ha), linted and rendered by an embedded Helm, offline: what a
 * {@code helm install} would send to the API server, parsed back into Kubernetes objects.
 */
class HelmChartTest {

    static final Path CHART = ChartRenderer.CHART;
    static final String RELEASE = "ganesha-ha";
    static final String NAMESPACE = "ganesha-ha";

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /**
     * Exactly what the operator may do: (apiGroup, resource) to verbs. Anything missing breaks the
     * operator; anything more is privilege it does not need.
     */
    static final Map<String, Set<String>> EXPECTED_RULES = Map.ofEntries(
            Map.entry("ganeshaha.io/ganeshaclusters", Set.of("get", "list", "watch", "patch", "update")),
            Map.entry("ganeshaha.io/ganeshaclusters/status", Set.of("get", "patch", "update")),
            Map.entry("ganeshaha.io/ganeshaclusters/finalizers", Set.of("update")),
            Map.entry("ganeshaha.io/ganeshanodes", Set.of("get", "list", "watch", "create", "update", "patch",
                    "delete", "deletecollection")),
            Map.entry("ganeshaha.io/ganeshanodes/status", Set.of("get", "update", "patch")),
            Map.entry("/configmaps", Set.of("get", "list", "watch", "create", "update", "patch", "delete",
                    "deletecollection")),
            Map.entry("/serviceaccounts", Set.of("get", "list", "watch", "create", "update", "patch", "delete",
                    "deletecollection")),
            Map.entry("/events", Set.of("create", "patch")),
            Map.entry("/nodes", Set.of("get", "list", "watch")),
            Map.entry("apps/daemonsets", Set.of("get", "list", "watch", "create", "update", "patch", "delete",
                    "deletecollection")),
            Map.entry("rbac.authorization.k8s.io/roles", Set.of("get", "list", "watch", "create", "update", "patch",
                    "delete", "deletecollection")),
            Map.entry("rbac.authorization.k8s.io/rolebindings", Set.of("get", "list", "watch", "create", "update",
                    "patch", "delete", "deletecollection")),
            Map.entry("coordination.k8s.io/leases", Set.of("get", "create", "update")),
            Map.entry("apiextensions.k8s.io/customresourcedefinitions", Set.of("get", "list")));

    // ---- lint -----------------------------------------------------------------------------

    @Test
    void chartLintsCleanInStrictMode() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    // ---- the Deployment -------------------------------------------------------------------

    @Test
    void deploymentRunsTheOperatorImageWithHealthProbes() {
        List<HasMetadata> objects = render(t -> t);
        Deployment deployment = one(objects, Deployment.class);

        assertThat(deployment.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        // One operator at a time, also during an upgrade (no leader election yet).
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(deployment.getSpec().getSelector().getMatchLabels())
                .isNotEmpty()
                .allSatisfy((k, v) -> assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                        .containsEntry(k, v));

        Container operator = operatorContainer(deployment);
        assertThat(operator.getImage()).isEqualTo("ganesha-ha/operator:0.1.0");
        assertThat(operator.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(operator.getResources().getLimits()).containsKey("memory");

        Map<String, String> env = env(operator);
        assertThat(env).containsEntry("QUARKUS_OPERATOR_SDK_CRD_APPLY", "false");
        // No namespaces configured: the variable is absent and the operator watches them all.
        assertThat(env).doesNotContainKey("QUARKUS_OPERATOR_SDK_NAMESPACES");

        assertThat(operator.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
                .contains(org.assertj.core.groups.Tuple.tuple("http", 8080));
        assertProbe(operator.getLivenessProbe(), "/q/health/live", operator);
        assertProbe(operator.getReadinessProbe(), "/q/health/ready", operator);

        // A read-only root filesystem needs the writable /tmp the JVM and Vert.x use.
        assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(operator.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    }

    @Test
    void watchNamespacesBecomeTheOperatorsNamespaceList(@TempDir Path dir) throws IOException {
        Path values = Files.writeString(dir.resolve("values.yaml"), "watchNamespaces: [storage, nfs-prod]\n");
        Deployment deployment = one(render(t -> t.withValuesFile(values)), Deployment.class);
        assertThat(env(operatorContainer(deployment)))
                .containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "storage,nfs-prod")
                .containsEntry("QUARKUS_OPERATOR_SDK_CRD_APPLY", "false");
    }

    @Test
    void imageTagSchedulingAndExtraEnvComeFromValues() {
        Deployment deployment = one(render(t -> t
                .set("operator.image.tag", "0.2.0-rc1")
                .set("operator.image.pullPolicy", "Always")
                .set("operator.nodeSelector.kubernetes\\.io/os", "linux")
                .set("operator.tolerations[0].key", "node-role.kubernetes.io/control-plane")
                .set("operator.tolerations[0].operator", "Exists")
                .set("operator.tolerations[0].effect", "NoSchedule")
                .set("operator.env[0].name", "QUARKUS_LOG_LEVEL")
                .set("operator.env[0].value", "DEBUG")), Deployment.class);
        var pod = deployment.getSpec().getTemplate().getSpec();
        Container operator = operatorContainer(deployment);
        assertThat(operator.getImage()).isEqualTo("ganesha-ha/operator:0.2.0-rc1");
        assertThat(operator.getImagePullPolicy()).isEqualTo("Always");
        assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
        assertThat(pod.getTolerations()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("node-role.kubernetes.io/control-plane");
            assertThat(t.getOperator()).isEqualTo("Exists");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(env(operator)).containsEntry("QUARKUS_LOG_LEVEL", "DEBUG")
                .containsEntry("QUARKUS_OPERATOR_SDK_CRD_APPLY", "false");
    }

    /**
     * The agent values reach the operator as what {@link AgentDefaults} reads: by default this
     * release's agent image; tolerations, pull secrets, node selector, priority class and resources
     * for the agent pods from the values, read back through the operator's own parser.
     */
    @Test
    void theAgentPodSettingsReachTheOperatorAsItReadsThem() {
        Map<String, String> env = env(operatorContainer(one(render(t -> t), Deployment.class)));
        AgentDefaults defaults = agentDefaults(env);
        assertThat(defaults.imageFor(new AgentSpec())).isEqualTo("ganesha-ha/node-agent:0.1.0");
        assertThat(defaults.pullPolicyFor(new AgentSpec())).isEqualTo("IfNotPresent");
        assertThat(defaults.pod().priorityClassName()).isEqualTo("system-node-critical");
        assertThat(defaults.pod().tolerations()).isEmpty();
        assertThat(defaults.resourcesFor(new AgentSpec()).getLimits()).containsKey("memory").doesNotContainKey("cpu");

        AgentDefaults set = agentDefaults(env(operatorContainer(one(render(t -> t
                .set("agent.image.repository", "registry.example/ganesha-ha/node-agent")
                .set("agent.image.tag", "0.2.0")
                .set("agent.imagePullSecrets[0].name", "regcred")
                .set("agent.tolerations[0].key", "storage")
                .set("agent.tolerations[0].operator", "Exists")
                .set("agent.tolerations[0].effect", "NoSchedule")
                .set("agent.nodeSelector.nfs", "true")
                .set("agent.priorityClassName", "nfs-critical")), Deployment.class))));
        assertThat(set.imageFor(new AgentSpec())).isEqualTo("registry.example/ganesha-ha/node-agent:0.2.0");
        assertThat(set.pod().imagePullSecrets()).singleElement().extracting(r -> r.getName()).isEqualTo("regcred");
        assertThat(set.pod().tolerations()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("storage");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(set.pod().nodeSelector()).containsEntry("nfs", "true");
        assertThat(set.pod().priorityClassName()).isEqualTo("nfs-critical");
    }

    private static AgentDefaults agentDefaults(Map<String, String> env) {
        return AgentDefaults.of(Optional.ofNullable(env.get("GANESHA_HA_OPERATOR_AGENT_IMAGE")),
                Optional.ofNullable(env.get("GANESHA_HA_OPERATOR_AGENT_IMAGE_PULL_POLICY")),
                Optional.ofNullable(env.get("GANESHA_HA_OPERATOR_AGENT_POD")));
    }

    @Test
    void moreThanOneReplicaIsRefusedWithoutLeaderElection() {
        assertThatThrownBy(() -> render(t -> t.set("operator.replicas", "2")))
                .hasMessageContaining("operator.replicas must be 1");
    }

    @Test
    void clustersOlderThanTheChartsMinimumAreRefused() {
        assertThatThrownBy(() -> render(t -> t.withKubeVersion("v1.28.9")))
                .hasMessageContaining("chart requires kubeVersion");
    }

    // ---- RBAC -----------------------------------------------------------------------------

    @Test
    void clusterRoleGrantsExactlyWhatTheOperatorNeeds() {
        ClusterRole role = one(render(t -> t), ClusterRole.class);
        assertThat(role.getRules()).allSatisfy(rule -> {
            assertThat(rule.getVerbs()).doesNotContain("*", "escalate", "bind", "impersonate");
            assertThat(rule.getResources()).doesNotContain("*");
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getResourceNames()).isNullOrEmpty();
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
        });
        Map<String, Set<String>> granted = grants(role.getRules());
        EXPECTED_RULES.forEach((resource, verbs) -> assertThat(granted.getOrDefault(resource, Set.of()))
                .as("verbs on %s", resource)
                .containsAll(verbs));
        assertThat(granted).as("no privilege beyond the list").isEqualTo(new TreeMap<>(EXPECTED_RULES));
    }

    /**
     * Kubernetes refuses a Role that grants what its creator does not hold: every rule of the
     * node agents' Role the operator builds must be inside the operator's ClusterRole.
     */
    @Test
    void clusterRoleHoldsEveryPermissionOfTheAgentsRole() {
        Map<String, Set<String>> granted = grants(one(render(t -> t), ClusterRole.class).getRules());
        GaneshaCluster cluster = new GaneshaCluster();
        cluster.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName("nfs").withNamespace("storage").build());
        Role agents = new AgentRoleProbe().desiredFor(cluster);

        assertThat(agents.getRules()).isNotEmpty();
        grants(agents.getRules()).forEach((resource, verbs) -> assertThat(granted.getOrDefault(resource, Set.of()))
                .as("operator holds the agents' verbs on %s", resource)
                .containsAll(verbs));
    }

    @Test
    void bindingGivesTheClusterRoleToTheOperatorsServiceAccount() {
        List<HasMetadata> objects = render(t -> t);
        ClusterRole role = one(objects, ClusterRole.class);
        ClusterRoleBinding binding = one(objects, ClusterRoleBinding.class);
        ServiceAccount account = one(objects, ServiceAccount.class);
        Deployment deployment = one(objects, Deployment.class);

        assertThat(account.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(binding.getRoleRef().getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(account.getMetadata().getName());
            assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
        });
        assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo(account.getMetadata().getName());
    }

    @Test
    void existingServiceAccountAndNoRbac() {
        List<HasMetadata> objects = render(t -> t
                .set("rbac.create", "false")
                .set("serviceAccount.create", "false")
                .set("serviceAccount.name", "storage-admin"));
        assertThat(objects).noneMatch(o -> o instanceof ClusterRole || o instanceof ClusterRoleBinding
                || o instanceof ServiceAccount);
        assertThat(one(objects, Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo("storage-admin");
    }

    @Test
    void reusingAServiceAccountRequiresItsName() {
        assertThatThrownBy(() -> render(t -> t.set("serviceAccount.create", "false")))
                .hasMessageContaining("serviceAccount.name is required");
    }

    @Test
    void bindingFollowsACustomServiceAccountName() {
        List<HasMetadata> objects = render(t -> t.set("serviceAccount.name", "nfs-operator"));
        assertThat(one(objects, ServiceAccount.class).getMetadata().getName()).isEqualTo("nfs-operator");
        assertThat(one(objects, ClusterRoleBinding.class).getSubjects()).extracting(Subject::getName)
                .containsExactly("nfs-operator");
    }

    // ---- CRDs -----------------------------------------------------------------------------

    @Test
    void chartCarriesTheCrdsAsCustomResourceDefinitions() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(CHART.resolve("crds"))) {
            files = list.filter(p -> p.getFileName().toString().endsWith("-v1.yml")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        List<CustomResourceDefinition> crds = new ArrayList<>();
        for (Path file : files) {
            Object parsed = SERIALIZATION.unmarshal(Files.readString(file));
            assertThat(parsed).as(file.toString()).isInstanceOf(CustomResourceDefinition.class);
            CustomResourceDefinition crd = (CustomResourceDefinition) parsed;
            // The generator names its file <plural>.<group>-v1.yml after the CRD.
            assertThat(file.getFileName().toString()).isEqualTo(crd.getMetadata().getName() + "-v1.yml");
            assertThat(crd.getSpec().getGroup()).isEqualTo(GaneshaCluster.GROUP);
            assertThat(crd.getSpec().getVersions()).anySatisfy(v -> {
                assertThat(v.getServed()).isTrue();
                assertThat(v.getStorage()).isTrue();
                assertThat(v.getSchema().getOpenAPIV3Schema().getProperties()).containsKey("spec");
            });
            crds.add(crd);
        }
        assertThat(crds).extracting(c -> c.getMetadata().getName()).contains("ganeshaclusters.ganeshaha.io");
        CustomResourceDefinition clusters = crds.stream()
                .filter(c -> c.getMetadata().getName().equals("ganeshaclusters.ganeshaha.io")).findFirst().orElseThrow();
        assertThat(clusters.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(clusters.getSpec().getNames().getKind()).isEqualTo("GaneshaCluster");
        assertThat(clusters.getSpec().getVersions()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo(GaneshaCluster.VERSION);
            assertThat(v.getSubresources().getStatus()).as("status subresource").isNotNull();
        });
    }

    // ---- helpers --------------------------------------------------------------------------

    /** Renders the chart as `helm template ganesha-ha helm/ganesha-ha -n ganesha-ha` would. */
    // ---- monitoring -------------------------------------------------------------------------

    @Test
    void noPrometheusOperatorObjectsUnlessMonitoringIsEnabled() {
        assertThat(render(t -> t)).noneMatch(o -> o.getApiVersion().startsWith("monitoring.coreos.com/"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(HasMetadata object) {
        return (Map<String, Object>) ((io.fabric8.kubernetes.api.model.GenericKubernetesResource) object)
                .getAdditionalProperties().get("spec");
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> map, String... path) {
        Object o = map;
        for (String key : path) {
            o = key.matches("\\d+") ? ((List<Object>) o).get(Integer.parseInt(key)) : ((Map<String, Object>) o).get(key);
        }
        return (T) o;
    }

    static HasMetadata named(List<HasMetadata> objects, String kind, String name) {
        return objects.stream().filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    /**
     * PodMonitors that select exactly the operator's pods and every agent pod the operator creates,
     * on the port their containers name; alert rules on the metrics the operator registers, each
     * with a severity and a summary; all carrying the labels Prometheus selects them by.
     */
    @Test
    void monitoringScrapesTheOperatorAndEveryAgentAndAlertsOnWhatTheyExport() {
        List<HasMetadata> objects = render(t -> t.set("monitoring.enabled", "true")
                .set("monitoring.labels.release", "kube-prometheus-stack"));
        List<HasMetadata> monitoring = objects.stream()
                .filter(o -> o.getApiVersion().equals("monitoring.coreos.com/v1")).toList();
        assertThat(monitoring).extracting(HasMetadata::getKind)
                .containsExactlyInAnyOrder("PodMonitor", "PodMonitor", "PrometheusRule");
        assertThat(monitoring).allSatisfy(o -> assertThat(o.getMetadata().getLabels())
                .containsEntry("release", "kube-prometheus-stack"));

        Deployment deployment = one(objects, Deployment.class);
        Map<String, Object> operator = spec(named(objects, "PodMonitor", RELEASE + "-operator"));
        Map<String, String> operatorSelector = at(operator, "selector", "matchLabels");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(operatorSelector);
        assertThat(operatorContainer(deployment).getPorts()).extracting(ContainerPort::getName)
                .contains((String) at(operator, "podMetricsEndpoints", "0", "port"));
        assertThat((String) at(operator, "podMetricsEndpoints", "0", "path")).isEqualTo("/q/metrics");

        Map<String, Object> agents = spec(named(objects, "PodMonitor", RELEASE + "-node-agents"));
        Map<String, String> agentSelector = at(agents, "selector", "matchLabels");
        GaneshaCluster cluster = new GaneshaCluster();
        cluster.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("nfs").build());
        assertThat(io.ganeshaha.operator.Labels.of(cluster)).as("the labels of every agent pod")
                .containsAllEntriesOf(agentSelector);
        assertThat((String) at(agents, "podMetricsEndpoints", "0", "port"))
                .isEqualTo(io.ganeshaha.operator.dependent.AgentDaemonSetDependent.HTTP_PORT_NAME);
        assertThat((Boolean) at(agents, "namespaceSelector", "any")).isTrue();

        List<Map<String, Object>> rules = at(spec(one(objects, "PrometheusRule")), "groups", "0", "rules");
        assertThat(rules).isNotEmpty().allSatisfy(rule -> {
            assertThat((String) at(rule, "labels", "severity")).isIn("critical", "warning");
            assertThat((String) at(rule, "annotations", "summary")).isNotBlank();
            assertThat((String) at(rule, "annotations", "description")).isNotBlank();
        });
        Set<String> operatorMetrics = Set.of(io.ganeshaha.operator.status.ClusterMetrics.READY,
                io.ganeshaha.operator.status.ClusterMetrics.DEGRADED,
                io.ganeshaha.operator.status.ClusterMetrics.FAILOVER_IN_PROGRESS,
                io.ganeshaha.operator.status.ClusterMetrics.NODES_READY,
                io.ganeshaha.operator.status.ClusterMetrics.NODES);
        for (Map<String, Object> rule : rules) {
            String expr = at(rule, "expr");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("ganesha_ha_cluster_[a-z_]+").matcher(expr);
            while (m.find()) {
                assertThat(operatorMetrics).as("%s: %s", rule.get("alert"), expr).contains(m.group());
            }
        }
        // "Agent not reporting" reads the scrape of the agents' PodMonitor, by the job name Prometheus gives it.
        assertThat(rules).anySatisfy(rule -> assertThat((String) at(rule, "expr"))
                .isEqualTo("up{job=\"" + NAMESPACE + "/" + RELEASE + "-node-agents\"} == 0"));
    }

    @Test
    void theAgentsPodMonitorLooksOnlyWhereTheOperatorWatches() {
        List<HasMetadata> objects = render(t -> t.set("monitoring.enabled", "true")
                .set("watchNamespaces[0]", "storage").set("monitoring.rules.enabled", "false"));
        Map<String, Object> agents = spec(named(objects, "PodMonitor", RELEASE + "-node-agents"));
        assertThat((List<String>) at(agents, "namespaceSelector", "matchNames")).containsExactly("storage");
        assertThat(objects).noneMatch(o -> o.getKind().equals("PrometheusRule"));
    }

    static HasMetadata one(List<HasMetadata> objects, String kind) {
        List<HasMetadata> found = objects.stream().filter(o -> o.getKind().equals(kind)).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    static List<HasMetadata> render(UnaryOperator<TemplateCommand> options) {
        List<HasMetadata> objects = ChartRenderer.render(RELEASE, NAMESPACE, options);
        assertThat(objects).as("rendered objects").isNotEmpty();
        return objects;
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as("rendered %s", type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    static Container operatorContainer(Deployment deployment) {
        List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).extracting(Container::getName).containsExactly("operator");
        return containers.get(0);
    }

    static Map<String, String> env(Container container) {
        return container.getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> Optional.ofNullable(e.getValue()).orElse(""),
                        (a, b) -> {
                            throw new AssertionError("duplicate environment variable");
                        }, TreeMap::new));
    }

    static void assertProbe(Probe probe, String path, Container container) {
        assertThat(probe).as("probe on %s", path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        var port = probe.getHttpGet().getPort();
        int number = port.getIntVal() != null ? port.getIntVal()
                : container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                        .map(ContainerPort::getContainerPort).findFirst()
                        .orElseThrow(() -> new AssertionError("probe port " + port.getStrVal() + " not declared"));
        assertThat(number).isEqualTo(8080);
    }

    /** Flattens rules into "group/resource" to verbs (the core group is ""). */
    static Map<String, Set<String>> grants(List<PolicyRule> rules) {
        Map<String, Set<String>> grants = new TreeMap<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    grants.computeIfAbsent(group + "/" + resource, k -> new TreeSet<>()).addAll(rule.getVerbs());
                }
            }
        }
        return grants;
    }

    /** Reaches the agents' Role as the operator builds it ({@code desired} is protected). */
    static final class AgentRoleProbe extends AgentRoleDependent {
        Role desiredFor(GaneshaCluster cluster) {
            return desired(cluster, null);
        }
    }
}
