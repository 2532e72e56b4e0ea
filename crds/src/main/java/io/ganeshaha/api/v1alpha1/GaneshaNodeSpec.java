package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.sundr.builder.annotations.Buildable;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Which cluster and host a {@link GaneshaNode} speaks for; set by the agent when it creates it. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class GaneshaNodeSpec {

    @Required
    @JsonPropertyDescription("The GaneshaCluster this node belongs to (same namespace).")
    private String cluster;

    @Required
    @JsonPropertyDescription("The Kubernetes node name.")
    private String nodeName;

    @JsonPropertyDescription("The node's name in Pacemaker.")
    private String pacemakerName;

    public String getCluster() {
        return cluster;
    }

    public void setCluster(String cluster) {
        this.cluster = cluster;
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public String getPacemakerName() {
        return pacemakerName;
    }

    public void setPacemakerName(String pacemakerName) {
        this.pacemakerName = pacemakerName;
    }
}
