package io.ganeshaha.operator.dependent;

import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.operator.Labels;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/**
 * Least privilege for the node agents: their own GaneshaCluster only (resourceNames), in its
 * namespace only (a Role, not a ClusterRole). Nothing else: the agents read Pacemaker and ganesha on
 * the host, not the Kubernetes API.
 */
public class AgentRoleDependent extends CRUDKubernetesDependentResource<Role, GaneshaCluster> {

    public static final String RESOURCE = "ganeshaclusters";

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
                // get: read the spec it serves (node list, VIPs) at start-up;
                // list + watch: follow spec changes with an informer; with resourceNames the
                // agent must list/watch with fieldSelector metadata.name=<name>.
                .addToRules(new PolicyRuleBuilder()
                        .withApiGroups(GaneshaCluster.GROUP)
                        .withResources(RESOURCE)
                        .withResourceNames(name)
                        .withVerbs("get", "list", "watch")
                        .build())
                // get: read the current status before writing its node's entry;
                // patch: merge its own node entry without rewriting the others';
                // update: replace with a resourceVersion when a write must not race another node's.
                .addToRules(new PolicyRuleBuilder()
                        .withApiGroups(GaneshaCluster.GROUP)
                        .withResources(RESOURCE + "/status")
                        .withResourceNames(name)
                        .withVerbs("get", "update", "patch")
                        .build())
                .build();
    }
}
