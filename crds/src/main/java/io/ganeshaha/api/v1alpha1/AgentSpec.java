package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.sundr.builder.annotations.Buildable;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** The node agent container the DaemonSet runs on every member node. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class AgentSpec {

    public static final String DEFAULT_IMAGE = "ganesha-ha/node-agent:0.1.0";
    public static final String DEFAULT_PULL_POLICY = "IfNotPresent";

    @Default(DEFAULT_IMAGE)
    @Size(min = 1, max = 1024)
    @JsonPropertyDescription("The node agent image.")
    private String image = DEFAULT_IMAGE;

    @Default(DEFAULT_PULL_POLICY)
    @Pattern("^(Always|IfNotPresent|Never)$")
    @JsonPropertyDescription("Always, IfNotPresent or Never.")
    private String imagePullPolicy = DEFAULT_PULL_POLICY;

    @JsonPropertyDescription("CPU and memory for the agent container. The agent answers Pacemaker's monitors: a "
            + "CPU limit that throttles it delays failure detection, so prefer requests without a CPU limit.")
    private ResourceRequirements resources;

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getImagePullPolicy() {
        return imagePullPolicy;
    }

    public void setImagePullPolicy(String imagePullPolicy) {
        this.imagePullPolicy = imagePullPolicy;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }
}
