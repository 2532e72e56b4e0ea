package io.ganeshaha.operator.controller;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reconciles a GaneshaCluster: validates the spec, then runs the managed workflow (ConfigMap,
 * ServiceAccount, Role, RoleBinding, DaemonSet) and reports in status.
 *
 * <p>The workflow is invoked explicitly, only for a valid spec: a bad edit of a running cluster
 * must leave the agents and their configuration as they were (a dependent precondition would
 * delete them instead), and it is reported as {@code Degraded}, not thrown, so it does not retry.
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

    public GaneshaClusterReconciler(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public UpdateControl<GaneshaCluster> reconcile(GaneshaCluster cluster, Context<GaneshaCluster> context) {
        String name = cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
        Optional<SpecValidator.Problem> problem = SpecValidator.validate(cluster.getSpec());
        if (problem.isPresent()) {
            LOG.warnf("GaneshaCluster %s generation %d not applied: %s", name,
                    cluster.getMetadata().getGeneration(), problem.get().message());
            cluster.setStatus(status.invalidSpec(cluster, problem.get().reason(), problem.get().message()));
            return UpdateControl.patchStatus(cluster);
        }
        context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
        String message = context.getSecondaryResource(DaemonSet.class)
                .map(ds -> "Node agents: " + count(ds.getStatus() == null ? null : ds.getStatus().getNumberReady())
                        + " of " + count(ds.getStatus() == null ? null : ds.getStatus().getDesiredNumberScheduled())
                        + " ready on " + cluster.getSpec().getNodes().size() + " member nodes.")
                .orElse("Configuration applied.");
        cluster.setStatus(status.applied(cluster, message));
        return UpdateControl.patchStatus(cluster);
    }

    private static int count(Integer n) {
        return n == null ? 0 : n;
    }

    @Override
    public ErrorStatusUpdateControl<GaneshaCluster> updateErrorStatus(GaneshaCluster cluster,
            Context<GaneshaCluster> context, Exception e) {
        LOG.errorf(e, "GaneshaCluster %s/%s: reconciliation failed, retrying",
                cluster.getMetadata().getNamespace(), cluster.getMetadata().getName());
        cluster.setStatus(status.failed(cluster, e));
        return ErrorStatusUpdateControl.patchStatus(cluster);
    }

    /**
     * The finalizer's work. The dependents carry owner references, so a real cluster's garbage
     * collector would remove them too; deleting them here does not depend on it, and stops the
     * agents before the CR is gone.
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
        LOG.infof("GaneshaCluster %s/%s deleted: node agents, RBAC and configuration removed", namespace,
                cluster.getMetadata().getName());
        return DeleteControl.defaultDelete();
    }
}
