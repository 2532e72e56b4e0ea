package io.ganeshaha.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.operator.Labels;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/** {@code <name>-ha-config}: the Pacemaker resources/constraints and the agent settings. */
public class HaConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, GaneshaCluster> {

    public HaConfigMapDependent() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(GaneshaCluster primary, Context<GaneshaCluster> context) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(Labels.configMapName(primary))
                .withNamespace(primary.getMetadata().getNamespace())
                .withLabels(Labels.of(primary))
                .endMetadata()
                .withData(HaConfiguration.render(primary).data())
                .build();
    }
}
