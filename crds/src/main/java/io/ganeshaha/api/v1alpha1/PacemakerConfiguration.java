package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.sundr.builder.annotations.Buildable;

/**
 * Which rendering of the Pacemaker sections and cluster properties the agents are asked to write
 * into the CIB. The generation moves only when the rendering changes, so a spec edit that renders the same
 * XML rewrites nothing; the digest is how the operator tells.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class PacemakerConfiguration {

    @JsonPropertyDescription("<cluster uid>/<generation> of the rendering, as the ConfigMap's cib-generation and the CIB's marker hold it.")
    @Size(max = 128)
    private String generation;

    @JsonPropertyDescription("SHA-256 of the rendered resources and constraints sections and cluster properties.")
    @Size(max = 64)
    private String digest;

    public PacemakerConfiguration() {}

    public PacemakerConfiguration(String generation, String digest) {
        this.generation = generation;
        this.digest = digest;
    }

    public String getGeneration() {
        return generation;
    }

    public void setGeneration(String generation) {
        this.generation = generation;
    }

    public String getDigest() {
        return digest;
    }

    public void setDigest(String digest) {
        this.digest = digest;
    }
}
