package io.ganeshaha.operator.dependent;

import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.operator.Labels;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Binds {@link AgentRoleDependent} to {@link AgentServiceAccountDependent}'s account. */
// Cache only the objects this operator made, not every one of the kind in the watched namespaces.
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class AgentRoleBindingDependent extends CRUDKubernetesDependentResource<RoleBinding, GaneshaCluster> {

    public AgentRoleBindingDependent() {
        super(RoleBinding.class);
    }

    @Override
    protected RoleBinding desired(GaneshaCluster primary, Context<GaneshaCluster> context) {
        String name = Labels.agentName(primary);
        return new RoleBindingBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(primary.getMetadata().getNamespace())
                .withLabels(Labels.of(primary))
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role")
                .withName(name)
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(name)
                .withNamespace(primary.getMetadata().getNamespace())
                .endSubject()
                .build();
    }
}
