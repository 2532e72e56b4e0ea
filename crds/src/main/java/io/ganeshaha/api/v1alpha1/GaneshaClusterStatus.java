package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.sundr.builder.annotations.Buildable;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator observed, and it alone writes: conditions ({@code Ready}, {@code Degraded},
 * {@code Progressing}, {@code FailoverInProgress}, {@code Fencing}, {@code ExportsApplied}), one entry per member node from its agent's
 * {@link GaneshaNode}, and the last failover's timeline.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class GaneshaClusterStatus {

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Ready, Degraded, Progressing, FailoverInProgress, Fencing and ExportsApplied, with reasons and messages.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("One entry per member node, as its node agent last reported it.")
    private List<NodeStatus> nodes = new ArrayList<>();

    @PrinterColumn(name = "Nodes")
    @JsonPropertyDescription("Member nodes serving NFS with a live agent, of all members, e.g. 2/3.")
    private String readyNodes;

    @PrinterColumn(name = "VIPs")
    @JsonPropertyDescription("Where each virtual IP is held, e.g. 192.0.2.11=nfs-1,192.0.2.12=nfs-1 ('none' while it moves).")
    private String virtualIpPlacement;

    @PrinterColumn(name = "Exports")
    @JsonPropertyDescription("Member nodes whose ganesha.nfsd serves every export of this generation as specified, of "
            + "all members, e.g. 3/3 (the ExportsApplied condition says what the others lack).")
    private String exportsApplied;

    @JsonPropertyDescription("The most recent failover or failback any member reported.")
    private FailoverRecord lastFailover;

    @JsonPropertyDescription("The rendering of the Pacemaker configuration the agents write into the CIB.")
    private PacemakerConfiguration pacemakerConfiguration;

    @JsonPropertyDescription("The version of the exports the agents are asked to serve.")
    private ExportsConfiguration exportsConfiguration;

    public ExportsConfiguration getExportsConfiguration() {
        return exportsConfiguration;
    }

    public void setExportsConfiguration(ExportsConfiguration exportsConfiguration) {
        this.exportsConfiguration = exportsConfiguration;
    }

    public PacemakerConfiguration getPacemakerConfiguration() {
        return pacemakerConfiguration;
    }

    public void setPacemakerConfiguration(PacemakerConfiguration pacemakerConfiguration) {
        this.pacemakerConfiguration = pacemakerConfiguration;
    }

    public String getExportsApplied() {
        return exportsApplied;
    }

    public void setExportsApplied(String exportsApplied) {
        this.exportsApplied = exportsApplied;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public List<NodeStatus> getNodes() {
        return nodes;
    }

    public void setNodes(List<NodeStatus> nodes) {
        this.nodes = nodes;
    }

    public String getReadyNodes() {
        return readyNodes;
    }

    public void setReadyNodes(String readyNodes) {
        this.readyNodes = readyNodes;
    }

    public String getVirtualIpPlacement() {
        return virtualIpPlacement;
    }

    public void setVirtualIpPlacement(String virtualIpPlacement) {
        this.virtualIpPlacement = virtualIpPlacement;
    }

    public FailoverRecord getLastFailover() {
        return lastFailover;
    }

    public void setLastFailover(FailoverRecord lastFailover) {
        this.lastFailover = lastFailover;
    }
}
