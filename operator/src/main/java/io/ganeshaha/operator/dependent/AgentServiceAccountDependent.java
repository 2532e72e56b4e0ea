package io.ganeshaha.operator.dependent;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.operator.Labels;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The node agents' own identity, bound to {@link AgentRoleDependent} and nothing else. */
// Cache only the objects this operator made, not every one of the kind in the watched namespaces.
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class AgentServiceAccountDependent extends CRUDKubernetesDependentResource<ServiceAccount, GaneshaCluster> {

    public AgentServiceAccountDependent() {
        super(ServiceAccount.class);
    }

    @Override
    protected ServiceAccount desired(GaneshaCluster primary, Context<GaneshaCluster> context) {
        return new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(Labels.agentName(primary))
                .withNamespace(primary.getMetadata().getNamespace())
                .withLabels(Labels.of(primary))
                .endMetadata()
                .build();
    }
}
