package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.sundr.builder.annotations.Buildable;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One member node in the cluster's status: its names and what its agent last reported. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class NodeStatus extends NodeObservation {

    @JsonPropertyDescription("The Kubernetes node name.")
    private String name;

    @JsonPropertyDescription("The node's name in Pacemaker.")
    private String pacemakerName;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getPacemakerName() {
        return pacemakerName;
    }

    public void setPacemakerName(String pacemakerName) {
        this.pacemakerName = pacemakerName;
    }
}
