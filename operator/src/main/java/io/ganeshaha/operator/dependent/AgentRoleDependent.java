package io.ganeshaha.operator.dependent;

import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.operator.Labels;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * Least privilege for the node agents, in the cluster's namespace only (a Role, not a ClusterRole):
 * read their own GaneshaCluster (resourceNames), and write the GaneshaNode objects through which
 * each agent reports its host. Nothing else: the agents read Pacemaker and ganesha on the host.
 */
// Cache only the objects this operator made, not every one of the kind in the watched namespaces.
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class AgentRoleDependent extends CRUDKubernetesDependentResource<Role, GaneshaCluster> {

    public static final String RESOURCE = "ganeshaclusters";
    public static final String NODES = "ganeshanodes";

    public AgentRoleDependent() {
        super(Role.class);
    }

    @Override
    protected Role desired(GaneshaCluster primary, Context<GaneshaCluster> context) {
        String name = primary.getMetadata().getName();
        return new RoleBuilder()
                .withNewMetadata()
                .withName(Labels.agentName(primary))
                .withNamespace(primary.getMetadata().getNamespace())
                .withLabels(Labels.of(primary))
                .endMetadata()
                // get: the owner reference of its GaneshaNode needs the cluster's uid; list and
                // watch (with fieldSelector metadata.name=<name>, as resourceNames require) are
                // there for an agent that follows the spec.
                .addToRules(new PolicyRuleBuilder()
                        .withApiGroups(GaneshaCluster.GROUP)
                        .withResources(RESOURCE)
                        .withResourceNames(name)
                        .withVerbs("get", "list", "watch")
                        .build())
                // Each agent creates its node's GaneshaNode (named <cluster>-<node>: not known
                // before the pod lands, so no resourceNames) and keeps its status current. The
                // agents never write the GaneshaCluster: the operator is its status's only writer.
                .addToRules(new PolicyRuleBuilder()
                        .withApiGroups(GaneshaCluster.GROUP)
                        .withResources(NODES)
                        .withVerbs("get", "create")
                        .build())
                .addToRules(new PolicyRuleBuilder()
                        .withApiGroups(GaneshaCluster.GROUP)
                        .withResources(NODES + "/status")
                        .withVerbs("get", "update", "patch")
                        .build())
                .build();
    }
}
