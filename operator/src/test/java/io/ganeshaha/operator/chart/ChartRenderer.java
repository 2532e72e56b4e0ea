package io.ganeshaha.operator.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.ganeshaha.operator.ModulePaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Renders helm/ganesha-ha with the embedded Helm, as `helm template` would, into Kubernetes objects. */
public final class ChartRenderer {

    public static final Path CHART = ModulePaths.repositoryRoot().resolve("helm/ganesha-ha");

    /**
     * The Kubernetes version rendered for (`helm template --kube-version`; `helm install` takes the
     * cluster's): the minor K3sOperatorIT runs on. Without it Helm assumes v1.20, below the chart's
     * kubeVersion.
     */
    public static final String KUBE_VERSION = "v1.31.4";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private ChartRenderer() {}

    /**
     * {@code helm template <release> helm/ganesha-ha -n <namespace> --kube-version <KUBE_VERSION>},
     * plus whatever {@code options} set.
     */
    public static List<HasMetadata> render(String release, String namespace, UnaryOperator<TemplateCommand> options) {
        String yaml = options.apply(new Helm(CHART).template().withName(release).withNamespace(namespace)
                .withKubeVersion(KUBE_VERSION)).call();
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            Object parsed = SERIALIZATION.unmarshal(document);
            if (!(parsed instanceof HasMetadata object)) {
                throw new IllegalStateException("rendered document is no Kubernetes object:\n" + document);
            }
            objects.add(object);
        }
        return objects;
    }
}
