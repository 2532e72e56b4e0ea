package io.ganeshaha.operator.dependent;

import io.ganeshaha.api.agent.HaConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.operator.Labels;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code <name>-ha-config}: the Pacemaker resources/constraints, the cluster properties the
 * GaneshaCluster owns ({@code no-quorum-policy}), the agent settings, and
 * {@code cib-generation}, {@code <uid>/<generation>} of the last rendering that changed the
 * Pacemaker configuration, as the reconciler recorded it in the status before the dependents are
 * built; and the exports as JSON with {@code exports-generation}, the generation they are of, which
 * each agent applies to its ganesha.nfsd and reports back. The agents write the rendering into the CIB and never replace a newer generation with an
 * older one; a spec change that renders the same sections keeps the number, so nothing is rewritten.
 */
// Cache only the objects this operator made, not every one of the kind in the watched namespaces.
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class HaConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, GaneshaCluster> {

    public HaConfigMapDependent() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(GaneshaCluster primary, Context<GaneshaCluster> context) {
        HaConfiguration rendered = HaConfiguration.render(primary);
        Map<String, String> data = new TreeMap<>(rendered.data());
        data.put(HaConfigMap.CIB_GENERATION, rendered.pacemakerConfiguration(primary).getGeneration());
        // Not in HaConfiguration's data: an export change restarts no agent (the DaemonSet's config hash).
        data.put(HaConfigMap.EXPORTS, HaConfiguration.exportsJson(primary));
        data.put(HaConfigMap.EXPORTS_GENERATION, HaConfiguration.exportsConfiguration(primary).getGeneration());
        // Nor is this: ganesha reads it at its next start, the agents only write it.
        HaConfiguration.nfsv4Block(primary).ifPresent(block -> data.put(HaConfigMap.NFSV4, block));
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(Labels.configMapName(primary))
                .withNamespace(primary.getMetadata().getNamespace())
                .withLabels(Labels.of(primary))
                .endMetadata()
                .withData(data)
                .build();
    }
}
