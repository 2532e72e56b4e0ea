package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.sundr.builder.annotations.Buildable;
import java.util.ArrayList;
import java.util.List;

/** What one node's ganesha.nfsd serves of the cluster's exports, as its agent applied them. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class NodeExports {

    /** The longest {@link #getPending()} kept. */
    public static final int MAX_PENDING = 1024;

    @JsonPropertyDescription("The GaneshaCluster generation whose exports this node serves, every one of them as "
            + "specified; unset until one was applied whole.")
    private Long appliedGeneration;

    @JsonPropertyDescription("The generation the agent is applying or last tried (its ConfigMap copy's).")
    private Long desiredGeneration;

    @JsonPropertyDescription("How many of the cluster's exports ganesha.nfsd serves here.")
    private Integer served;

    @Size(max = GaneshaClusterSpec.MAX_EXPORTS)
    @JsonPropertyDescription("The exports ganesha.nfsd refused, with its own words; each is served as it was before "
            + "(or not at all, if it is new).")
    private List<ExportRefusal> refused = new ArrayList<>();

    @Size(max = MAX_PENDING)
    @JsonPropertyDescription("Why the exports are not being applied now, if they are not (ganesha.nfsd not serving, "
            + "no exports in the ConfigMap yet, a file that cannot be written).")
    private String pending;

    public Long getAppliedGeneration() {
        return appliedGeneration;
    }

    public void setAppliedGeneration(Long appliedGeneration) {
        this.appliedGeneration = appliedGeneration;
    }

    public Long getDesiredGeneration() {
        return desiredGeneration;
    }

    public void setDesiredGeneration(Long desiredGeneration) {
        this.desiredGeneration = desiredGeneration;
    }

    public Integer getServed() {
        return served;
    }

    public void setServed(Integer served) {
        this.served = served;
    }

    public List<ExportRefusal> getRefused() {
        return refused;
    }

    public void setRefused(List<ExportRefusal> refused) {
        this.refused = refused;
    }

    public String getPending() {
        return pending;
    }

    public void setPending(String pending) {
        this.pending = pending;
    }
}
