package io.ganeshaha.operator.controller;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.operator.Labels;
import io.ganeshaha.operator.dependent.AgentDaemonSetDependent;
import io.ganeshaha.operator.dependent.AgentRoleBindingDependent;
import io.ganeshaha.operator.dependent.AgentRoleDependent;
import io.ganeshaha.operator.dependent.AgentServiceAccountDependent;
import io.ganeshaha.operator.dependent.HaConfigMapDependent;
import io.ganeshaha.operator.status.StatusAggregator;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.ganeshaha.api.v1alpha1.CibGeneration;
import io.ganeshaha.api.v1alpha1.GaneshaClusterStatus;
import io.ganeshaha.api.v1alpha1.GaneshaNode;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.operator.events.ClusterEvents;
import io.ganeshaha.operator.status.AgentRollout;
import io.ganeshaha.operator.status.ClusterHealth;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reconciles a GaneshaCluster: validates the spec, then runs the managed workflow (ConfigMap,
 * ServiceAccount, Role, RoleBinding, DaemonSet) and reports in status.
 *
 * <p>The workflow is invoked explicitly, only for a valid spec: a bad edit of a running cluster
 * must leave the agents and their configuration as they were (a dependent precondition would
 * delete them instead), and it is reported as {@code Degraded}, not thrown, so it does not retry.
 *
 * <p>The agents report through one GaneshaNode per member (each the only writer of its own); an
 * informer on them maps each back to its cluster by label, so a node's change reconciles its
 * cluster, and this reconciler is the only writer of the GaneshaCluster status. The status is
 * written only when it changed, and the cluster is looked at again after {@code staleAfter} so an
 * agent that went silent is noticed without any event.
 */
@Workflow(explicitInvocation = true, dependents = {
        @Dependent(name = "ha-config", type = HaConfigMapDependent.class),
        @Dependent(name = "agent-service-account", type = AgentServiceAccountDependent.class),
        @Dependent(name = "agent-role", type = AgentRoleDependent.class),
        @Dependent(name = "agent-role-binding", type = AgentRoleBindingDependent.class,
                dependsOn = {"agent-service-account", "agent-role"}),
        @Dependent(name = "agent-daemonset", type = AgentDaemonSetDependent.class,
                dependsOn = {"ha-config", "agent-role-binding"}),
})
public class GaneshaClusterReconciler implements Reconciler<GaneshaCluster>, Cleaner<GaneshaCluster> {

    private static final Logger LOG = Logger.getLogger(GaneshaClusterReconciler.class);

    private final StatusAggregator status = new StatusAggregator();
    private final KubernetesClient client;
    private final ClusterEvents events;
    private final Duration staleAfter;
    /** By uid: a cluster deleted and created again under the same name starts afresh. */
    private final Map<String, GaneshaClusterStatus> written = new ConcurrentHashMap<>();
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    public GaneshaClusterReconciler(KubernetesClient client,
            @ConfigProperty(name = "ganesha-ha.operator.agent-stale-after", defaultValue = "90s") Duration staleAfter) {
        this.client = client;
        this.events = new ClusterEvents(client);
        this.staleAfter = staleAfter;
    }

    @Override
    public List<EventSource<?, GaneshaCluster>> prepareEventSources(EventSourceContext<GaneshaCluster> context) {
        InformerEventSourceConfiguration<GaneshaNode> reports = InformerEventSourceConfiguration
                .from(GaneshaNode.class, GaneshaCluster.class)
                .withName("node-reports")
                .withLabelSelector(GaneshaNode.CLUSTER_LABEL)
                .withSecondaryToPrimaryMapper(node -> Optional.ofNullable(node.getMetadata().getLabels())
                        .map(labels -> labels.get(GaneshaNode.CLUSTER_LABEL))
                        .map(cluster -> Set.of(new ResourceID(cluster, node.getMetadata().getNamespace())))
                        .orElse(Set.of()))
                .withPrimaryToSecondaryMapper((GaneshaCluster cluster) -> cluster.getSpec() == null ? Set.of()
                        : cluster.getSpec().getNodes().stream()
                                .map(n -> new ResourceID(GaneshaNode.nameFor(cluster.getMetadata().getName(), n.getName()),
                                        cluster.getMetadata().getNamespace()))
                                .collect(Collectors.toSet()))
                .build();
        return List.of(new InformerEventSource<>(reports, context));
    }

    @Override
    public UpdateControl<GaneshaCluster> reconcile(GaneshaCluster cluster, Context<GaneshaCluster> context) {
        String name = cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
        // This reconciler is the status's only writer: what it wrote last is the status, even
        // while the informer's copy of the cluster has not caught up with that write yet.
        GaneshaClusterStatus before = written.getOrDefault(cluster.getMetadata().getUid(), cluster.getStatus());
        cluster.setStatus(before);
        Optional<SpecValidator.Problem> problem = SpecValidator.validate(cluster.getSpec());
        GaneshaClusterStatus after;
        if (problem.isPresent()) {
            LOG.warnf("GaneshaCluster %s generation %d not applied: %s", name,
                    cluster.getMetadata().getGeneration(), problem.get().message());
            after = status.invalidSpec(cluster, problem.get().reason(), problem.get().message());
        } else {
            context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
            Map<String, GaneshaNode> reports = new HashMap<>();
            context.getSecondaryResources(GaneshaNode.class).forEach(n -> {
                if (n.getSpec() != null && n.getSpec().getNodeName() != null) {
                    reports.put(n.getSpec().getNodeName(), n);
                }
            });
            ClusterHealth health = ClusterHealth.of(cluster, reports, status.now(), staleAfter);
            long pacemakerGeneration = context.getSecondaryResource(ConfigMap.class)
                    .flatMap(cm -> CibGeneration.parse(cm.getData().get(HaConfigMapDependent.CIB_GENERATION)))
                    .map(CibGeneration::generation)
                    .orElse(cluster.getMetadata().getGeneration());
            after = status.applied(cluster, health, AgentRollout.of(context.getSecondaryResource(DaemonSet.class)),
                    missingNodes(cluster), pacemakerGeneration);
        }
        writeStatus(cluster, before, after);
        // After the write: a write that fails is retried, and must not record its events twice.
        List<ClusterEvents.Change> changes = ClusterEvents.changes(before, after);
        changes.forEach(c -> LOG.infof("GaneshaCluster %s: %s %s: %s", name, c.type(), c.reason(), c.message()));
        events.record(cluster, changes, status.now());
        if (problem.isEmpty()) {
            // Look again when a silent agent's report goes stale, even if nothing else happens.
            return UpdateControl.<GaneshaCluster>noUpdate().rescheduleAfter(staleAfter);
        }
        return UpdateControl.noUpdate();
    }

    /**
     * Writes the status only when it changed: the agents' heartbeats alone do not cause a write.
     * One JSON Patch operation sets the whole status ("add" replaces a member that exists). A
     * patch diffed against the informer's copy would move list items by index and fail once that
     * copy is behind; a merge patch would do here, but the mock API server merges lists instead
     * of replacing them. A failed write throws, and JOSDK retries the reconciliation with back-off.
     */
    private void writeStatus(GaneshaCluster cluster, GaneshaClusterStatus before, GaneshaClusterStatus after) {
        if (before != null && JSON.asJson(before).equals(JSON.asJson(after))) {
            return;
        }
        client.resources(GaneshaCluster.class).inNamespace(cluster.getMetadata().getNamespace())
                .withName(cluster.getMetadata().getName()).subresource("status")
                .patch(PatchContext.of(PatchType.JSON),
                        JSON.asJson(List.of(Map.of("op", "add", "path", "/status", "value", after))));
        written.put(cluster.getMetadata().getUid(), after);
        cluster.setStatus(after);
    }

    /**
     * Member nodes Kubernetes does not know: their agent cannot be scheduled. Reported, not fatal:
     * a node may join later, and the rest of the cluster is configured meanwhile.
     */
    private List<String> missingNodes(GaneshaCluster cluster) {
        List<String> missing = new ArrayList<>();
        List<MemberNode> nodes = cluster.getSpec().getNodes();
        for (int i = 0; i < nodes.size(); i++) {
            String node = nodes.get(i).getName();
            try {
                if (client.nodes().withName(node).get() == null) {
                    missing.add("spec.nodes[" + i + "].name: node " + node + " does not exist in this Kubernetes cluster");
                }
            } catch (KubernetesClientException e) {
                // Unknown is not missing: a failed lookup must not turn a serving cluster Degraded.
                LOG.warnf("GaneshaCluster %s/%s: cannot look up node %s: %s", cluster.getMetadata().getNamespace(),
                        cluster.getMetadata().getName(), node, e.getMessage());
            }
        }
        return missing;
    }

    @Override
    public ErrorStatusUpdateControl<GaneshaCluster> updateErrorStatus(GaneshaCluster cluster,
            Context<GaneshaCluster> context, Exception e) {
        LOG.errorf(e, "GaneshaCluster %s/%s: reconciliation failed, retrying",
                cluster.getMetadata().getNamespace(), cluster.getMetadata().getName());
        GaneshaClusterStatus before = written.getOrDefault(cluster.getMetadata().getUid(), cluster.getStatus());
        cluster.setStatus(before);
        try {
            writeStatus(cluster, before, status.failed(cluster, e));
        } catch (RuntimeException writeFailure) {
            LOG.warnf("GaneshaCluster %s/%s: cannot write the failure into status either: %s",
                    cluster.getMetadata().getNamespace(), cluster.getMetadata().getName(), writeFailure.getMessage());
        }
        return ErrorStatusUpdateControl.defaultErrorProcessing();
    }

    /**
     * The finalizer's work. The dependents and the GaneshaNodes carry owner references, so a real
     * cluster's garbage collector would remove them too; deleting them here does not depend on it,
     * and stops the agents before the CR is gone.
     */
    @Override
    public DeleteControl cleanup(GaneshaCluster cluster, Context<GaneshaCluster> context) {
        context.managedWorkflowAndDependentResourceContext().cleanupManageWorkflow();
        written.remove(cluster.getMetadata().getUid());
        String namespace = cluster.getMetadata().getNamespace();
        var labels = Labels.of(cluster);
        client.apps().daemonSets().inNamespace(namespace).withLabels(labels).delete();
        client.rbac().roleBindings().inNamespace(namespace).withLabels(labels).delete();
        client.rbac().roles().inNamespace(namespace).withLabels(labels).delete();
        client.serviceAccounts().inNamespace(namespace).withLabels(labels).delete();
        client.configMaps().inNamespace(namespace).withLabels(labels).delete();
        client.resources(GaneshaNode.class).inNamespace(namespace)
                .withLabel(GaneshaNode.CLUSTER_LABEL, cluster.getMetadata().getName()).delete();
        LOG.infof("GaneshaCluster %s/%s deleted: node agents, their reports, RBAC and configuration removed",
                namespace, cluster.getMetadata().getName());
        return DeleteControl.defaultDelete();
    }
}
