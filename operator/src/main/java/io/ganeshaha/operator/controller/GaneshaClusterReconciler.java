package io.ganeshaha.operator.controller;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ganeshaha.api.v1alpha1.CibGeneration;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterStatus;
import io.ganeshaha.api.v1alpha1.GaneshaNode;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.api.v1alpha1.ExportsConfiguration;
import io.ganeshaha.api.v1alpha1.PacemakerConfiguration;
import io.ganeshaha.operator.Labels;
import io.ganeshaha.operator.dependent.AgentDaemonSetDependent;
import io.ganeshaha.operator.dependent.AgentRoleBindingDependent;
import io.ganeshaha.operator.dependent.AgentRoleDependent;
import io.ganeshaha.operator.dependent.AgentServiceAccountDependent;
import io.ganeshaha.operator.dependent.HaConfigMapDependent;
import io.ganeshaha.operator.dependent.HaConfiguration;
import io.ganeshaha.operator.events.ClusterEvents;
import io.ganeshaha.operator.status.AgentRollout;
import io.ganeshaha.operator.status.ClusterHealth;
import io.ganeshaha.operator.status.ClusterMetrics;
import io.ganeshaha.operator.status.StatusAggregator;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Reconciles a GaneshaCluster: validates the spec, then runs the managed workflow (ConfigMap,
 * ServiceAccount, Role, RoleBinding, DaemonSet) and reports in status.
 *
 * <p>The workflow is invoked explicitly, only for a valid spec: a bad edit of a running cluster
 * must leave the agents and their configuration as they were (a dependent precondition would
 * delete them instead), and it is reported as {@code Degraded}, not thrown, so it does not retry.
 *
 * <p>Everything it reads comes from JOSDK's informers: the agents' reports (one GaneshaNode per
 * member, each the only writer of its own, mapped back to its cluster by label), the member Node
 * objects (mapped back through an index of the clusters by member name), and the dependents. This
 * reconciler is the only writer of the GaneshaCluster status; it writes it only when it changed,
 * through JOSDK's cache-aware status update, so the next reconciliation sees what was written even
 * before the informer has caught up: the status is also where the Pacemaker configuration's
 * generation is kept. The cluster is looked at again after {@code staleAfter} so an agent that went
 * silent is noticed without any event.
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
    /** Index of the primary cache: the clusters listing a Kubernetes node as a member. */
    static final String MEMBER_INDEX = "member-node";
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final StatusAggregator status = new StatusAggregator();
    private final KubernetesClient client;
    private final ClusterEvents events;
    private final Duration staleAfter;
    private final ClusterMetrics metrics;

    public GaneshaClusterReconciler(KubernetesClient client,
            @ConfigProperty(name = "ganesha-ha.operator.agent-stale-after", defaultValue = "90s") Duration staleAfter,
            ClusterMetrics metrics) {
        this.client = client;
        this.events = new ClusterEvents(client);
        this.staleAfter = staleAfter;
        this.metrics = metrics;
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
                .withPrimaryToSecondaryMapper((GaneshaCluster cluster) -> members(cluster).stream()
                        .map(n -> new ResourceID(GaneshaNode.nameFor(cluster.getMetadata().getName(), n.getName()),
                                cluster.getMetadata().getNamespace()))
                        .collect(Collectors.toSet()))
                .build();
        context.getPrimaryCache().addIndexer(MEMBER_INDEX,
                cluster -> members(cluster).stream().map(MemberNode::getName).toList());
        InformerEventSourceConfiguration<Node> memberNodes = InformerEventSourceConfiguration
                .from(Node.class, GaneshaCluster.class)
                .withName("member-nodes")
                .withSecondaryToPrimaryMapper(node -> context.getPrimaryCache()
                        .byIndex(MEMBER_INDEX, node.getMetadata().getName()).stream()
                        .map(ResourceID::fromResource).collect(Collectors.toSet()))
                .withPrimaryToSecondaryMapper((GaneshaCluster cluster) -> members(cluster).stream()
                        .map(n -> new ResourceID(n.getName())).collect(Collectors.toSet()))
                .build();
        return List.of(new InformerEventSource<>(reports, context), new InformerEventSource<>(memberNodes, context));
    }

    private static List<MemberNode> members(GaneshaCluster cluster) {
        return cluster.getSpec() == null || cluster.getSpec().getNodes() == null ? List.of()
                : cluster.getSpec().getNodes();
    }

    @Override
    public UpdateControl<GaneshaCluster> reconcile(GaneshaCluster cluster, Context<GaneshaCluster> context) {
        String name = cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
        GaneshaClusterStatus before = cluster.getStatus();
        Optional<SpecValidator.Problem> problem = SpecValidator.validate(cluster.getSpec());
        GaneshaClusterStatus after;
        if (problem.isPresent()) {
            LOG.warnf("GaneshaCluster %s generation %d not applied: %s", name,
                    cluster.getMetadata().getGeneration(), problem.get().message());
            after = status.invalidSpec(cluster, problem.get().reason(), problem.get().message());
        } else {
            // The same answer the ConfigMap's desired() gives, from the same status.
            PacemakerConfiguration pacemaker = HaConfiguration.render(cluster).pacemakerConfiguration(cluster);
            ExportsConfiguration exports = HaConfiguration.exportsConfiguration(cluster);
            context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
            Map<String, GaneshaNode> reports = new HashMap<>();
            context.getSecondaryResources(GaneshaNode.class).forEach(n -> {
                if (n.getSpec() != null && n.getSpec().getNodeName() != null) {
                    reports.put(n.getSpec().getNodeName(), n);
                }
            });
            ClusterHealth health = ClusterHealth.of(cluster, reports, status.now(), staleAfter);
            long pacemakerGeneration = CibGeneration.parse(pacemaker.getGeneration()).orElseThrow().generation();
            long exportsGeneration = CibGeneration.parse(exports.getGeneration()).orElseThrow().generation();
            after = status.applied(cluster, health, AgentRollout.of(context.getSecondaryResource(DaemonSet.class)),
                    missingNodes(cluster, context), pacemakerGeneration, exportsGeneration);
            after.setPacemakerConfiguration(pacemaker);
            after.setExportsConfiguration(exports);
        }
        if (before == null || !JSON.asJson(before).equals(JSON.asJson(after))) {
            // Written here rather than returned as UpdateControl.patchStatus: the events below must
            // follow a write that succeeded, and a failed write is retried with them.
            PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(cluster, context, fresh -> {
                fresh.setStatus(after);
                return fresh;
            });
        }
        metrics.record(cluster, after);
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
     * Member nodes Kubernetes does not know, from the Node informer: their agent cannot be
     * scheduled. Reported, not fatal: a node may join later (its creation reconciles the cluster
     * again), and the rest of the cluster is configured meanwhile.
     */
    private static List<String> missingNodes(GaneshaCluster cluster, Context<GaneshaCluster> context) {
        Set<String> known = context.getSecondaryResources(Node.class).stream().map(n -> n.getMetadata().getName())
                .collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        List<MemberNode> nodes = members(cluster);
        for (int i = 0; i < nodes.size(); i++) {
            String node = nodes.get(i).getName();
            if (!known.contains(node)) {
                missing.add("spec.nodes[" + i + "].name: node " + node + " does not exist in this Kubernetes cluster");
            }
        }
        return missing;
    }

    /**
     * A reconciliation failed (an API call of a dependent): JOSDK retries with back-off, and the
     * status says why, keeping what still holds (Ready, the observed generation).
     */
    @Override
    public ErrorStatusUpdateControl<GaneshaCluster> updateErrorStatus(GaneshaCluster cluster,
            Context<GaneshaCluster> context, Exception e) {
        LOG.errorf(e, "GaneshaCluster %s/%s: reconciliation failed, retrying",
                cluster.getMetadata().getNamespace(), cluster.getMetadata().getName());
        cluster.setStatus(status.failed(cluster, e));
        return ErrorStatusUpdateControl.patchStatus(cluster);
    }

    /**
     * The finalizer's work. The dependents and the GaneshaNodes carry owner references, so a real
     * cluster's garbage collector would remove them too; deleting them here does not depend on it,
     * and stops the agents before the CR is gone.
     */
    @Override
    public DeleteControl cleanup(GaneshaCluster cluster, Context<GaneshaCluster> context) {
        context.managedWorkflowAndDependentResourceContext().cleanupManageWorkflow();
        String namespace = cluster.getMetadata().getNamespace();
        var labels = Labels.of(cluster);
        client.apps().daemonSets().inNamespace(namespace).withLabels(labels).delete();
        client.rbac().roleBindings().inNamespace(namespace).withLabels(labels).delete();
        client.rbac().roles().inNamespace(namespace).withLabels(labels).delete();
        client.serviceAccounts().inNamespace(namespace).withLabels(labels).delete();
        client.configMaps().inNamespace(namespace).withLabels(labels).delete();
        client.resources(GaneshaNode.class).inNamespace(namespace)
                .withLabel(GaneshaNode.CLUSTER_LABEL, cluster.getMetadata().getName()).delete();
        metrics.forget(cluster);
        LOG.infof("GaneshaCluster %s/%s deleted: node agents, their reports, RBAC and configuration removed",
                namespace, cluster.getMetadata().getName());
        return DeleteControl.defaultDelete();
    }
}
