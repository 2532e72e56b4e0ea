package io.ganeshaha.operator.dependent;

import io.ganeshaha.api.agent.HaConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.ganeshaha.api.v1alpha1.CibGeneration;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.operator.Labels;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code <name>-ha-config}: the Pacemaker resources/constraints, the agent settings, and
 * {@code cib-generation}, {@code <uid>/<generation>} of the last rendering that changed the
 * Pacemaker configuration. The agents write the rendering into the CIB and never replace a newer
 * generation with an older one; a spec change that renders the same sections keeps the number,
 * so nothing is rewritten.
 */
// Cache only the objects this operator made, not every one of the kind in the watched namespaces.
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class HaConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, GaneshaCluster> {

    public static final String CIB_GENERATION = HaConfigMap.CIB_GENERATION;

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
        String uid = primary.getMetadata().getUid();
        String generation = existing.map(ConfigMap::getData)
                .filter(old -> Objects.equals(old.get(HaConfigMap.RESOURCES), data.get(HaConfigMap.RESOURCES))
                        && Objects.equals(old.get(HaConfigMap.CONSTRAINTS), data.get(HaConfigMap.CONSTRAINTS)))
                .flatMap(old -> CibGeneration.parse(old.get(CIB_GENERATION)))
                .filter(old -> old.clusterUid().equals(uid))
                .orElse(new CibGeneration(uid, primary.getMetadata().getGeneration()))
                .toString();
        data.put(CIB_GENERATION, generation);
        return data;
    }
}
