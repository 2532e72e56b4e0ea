package io.ganeshaha.operator.dependent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.ganeshaha.api.v1alpha1.AgentSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * What the operator puts in every GaneshaCluster's agent DaemonSet unless the GaneshaCluster says
 * otherwise: the agent image, which the Helm chart sets to the image of its own release, and the
 * pod settings an installation decides once (pull secrets, tolerations for tainted NFS hosts, a node
 * selector, the priority class, resources). From the operator's configuration:
 *
 * <ul>
 *   <li>{@value #IMAGE} ({@code GANESHA_HA_OPERATOR_AGENT_IMAGE}), {@value #PULL_POLICY};
 *   <li>{@value #POD} ({@code GANESHA_HA_OPERATOR_AGENT_POD}): JSON with {@code imagePullSecrets},
 *       {@code tolerations}, {@code nodeSelector}, {@code priorityClassName}, {@code resources}, as
 *       in a pod spec; the chart renders it from its {@code agent} values.
 * </ul>
 */
public record AgentDefaults(String image, String imagePullPolicy, Pod pod) {

    public static final String IMAGE = "ganesha-ha.operator.agent.image";
    public static final String PULL_POLICY = "ganesha-ha.operator.agent.image-pull-policy";
    public static final String POD = "ganesha-ha.operator.agent.pod";

    /** The operator's own defaults, when nothing configures it: this release's agent image. */
    public static final String BUILT_IN_IMAGE = "ganesha-ha/node-agent:0.1.0";
    public static final String BUILT_IN_PULL_POLICY = "IfNotPresent";
    /** The agent is what keeps a node's NFS service failing over: scheduled before ordinary pods. */
    public static final String BUILT_IN_PRIORITY_CLASS = "system-node-critical";

    /** The pod-level settings, as JSON names them; absent ones are empty. */
    public record Pod(List<LocalObjectReference> imagePullSecrets, List<Toleration> tolerations,
            Map<String, String> nodeSelector, String priorityClassName, ResourceRequirements resources) {

        public Pod {
            imagePullSecrets = imagePullSecrets == null ? List.of() : List.copyOf(imagePullSecrets);
            tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
            nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
            priorityClassName = priorityClassName == null || priorityClassName.isEmpty() ? BUILT_IN_PRIORITY_CLASS
                    : priorityClassName;
        }

        static final Pod NONE = new Pod(null, null, null, null, null);
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /** From the operator's configuration (system properties, environment, application.properties). */
    public static AgentDefaults fromConfig() {
        var config = ConfigProvider.getConfig();
        return of(config.getOptionalValue(IMAGE, String.class), config.getOptionalValue(PULL_POLICY, String.class),
                config.getOptionalValue(POD, String.class));
    }

    /**
     * @throws IllegalArgumentException naming {@value #POD} and what is wrong in it, when it is not
     *     the JSON described above
     */
    public static AgentDefaults of(Optional<String> image, Optional<String> pullPolicy, Optional<String> podJson) {
        Pod pod = Pod.NONE;
        if (podJson.isPresent() && !podJson.get().isBlank()) {
            try {
                pod = JSON.readValue(podJson.get(), Pod.class);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(POD + " is not the agent pod's settings as JSON (imagePullSecrets,"
                        + " tolerations, nodeSelector, priorityClassName, resources): " + e.getOriginalMessage(), e);
            }
        }
        return new AgentDefaults(image.filter(i -> !i.isBlank()).orElse(BUILT_IN_IMAGE),
                pullPolicy.filter(p -> !p.isBlank()).orElse(BUILT_IN_PULL_POLICY), pod);
    }

    public String imageFor(AgentSpec agent) {
        return agent.getImage() != null ? agent.getImage() : image;
    }

    public String pullPolicyFor(AgentSpec agent) {
        return agent.getImagePullPolicy() != null ? agent.getImagePullPolicy() : imagePullPolicy;
    }

    public ResourceRequirements resourcesFor(AgentSpec agent) {
        return agent.getResources() != null ? agent.getResources() : pod.resources();
    }
}
