package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.sundr.builder.annotations.Buildable;

/**
 * Which version of the exports the agents are asked to serve. The generation moves only when the
 * exports change, so a spec edit that leaves them alone asks nothing of the agents; the digest is
 * how the operator tells.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class ExportsConfiguration {

    @JsonPropertyDescription("<cluster uid>/<generation> of the exports, as the ConfigMap's exports-generation holds it.")
    @Size(max = 128)
    private String generation;

    @JsonPropertyDescription("SHA-256 of the exports as the ConfigMap carries them (exports.json).")
    @Size(max = 64)
    private String digest;

    public ExportsConfiguration() {}

    public ExportsConfiguration(String generation, String digest) {
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
