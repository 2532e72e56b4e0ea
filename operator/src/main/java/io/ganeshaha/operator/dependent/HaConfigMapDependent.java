package io.ganeshaha.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.operator.Labels;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code <name>-ha-config}: the Pacemaker resources/constraints, the agent settings, and
 * {@code cib-generation}, the GaneshaCluster generation of the last rendering that changed the
 * Pacemaker configuration. The agents write the rendering into the CIB and never replace a newer
 * generation with an older one; a spec change that renders the same sections keeps the number,
 * so nothing is rewritten.
 */
public class HaConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, GaneshaCluster> {

    public static final String CIB_GENERATION = "cib-generation";

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
                .withData(data(primary, context.getSecondaryResource(ConfigMap.class)))
                .build();
    }

    static Map<String, String> data(GaneshaCluster primary, Optional<ConfigMap> existing) {
        Map<String, String> data = new TreeMap<>(HaConfiguration.render(primary).data());
        String generation = existing.map(ConfigMap::getData)
                .filter(old -> Objects.equals(old.get(HaConfiguration.RESOURCES), data.get(HaConfiguration.RESOURCES))
                        && Objects.equals(old.get(HaConfiguration.CONSTRAINTS), data.get(HaConfiguration.CONSTRAINTS)))
                .map(old -> old.get(CIB_GENERATION))
                .orElse(Long.toString(primary.getMetadata().getGeneration()));
        data.put(CIB_GENERATION, generation);
        return data;
    }
}
