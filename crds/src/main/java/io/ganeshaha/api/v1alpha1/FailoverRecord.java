package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.sundr.builder.annotations.Buildable;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * The timeline of one failover or failback, as the failing node's agent recorded it: from nfsd
 * leaving, through the survivors' grace acknowledgements, to the attribute change that moves the
 * virtual IPs.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class FailoverRecord {

    @JsonPropertyDescription("The Pacemaker name of the node whose nfsd left (failover) or came back (failback).")
    private String node;

    @JsonPropertyDescription("failover or failback.")
    private String direction;

    @JsonPropertyDescription("The grace request's epoch, which the survivors echo in their acknowledgements.")
    private String epoch;

    @JsonPropertyDescription("When the agent noticed nfsd leave or return (RFC 3339).")
    private String detected;

    @JsonPropertyDescription("When grace-active was deleted (failover) or set again (failback).")
    private String graceActiveChanged;

    @JsonPropertyDescription("The nodes asked to enter grace.")
    private List<String> survivors = new ArrayList<>();

    @JsonPropertyDescription("The survivors that confirmed they are in grace before the virtual IP moved.")
    private List<String> acknowledged = new ArrayList<>();

    @JsonPropertyDescription("When the last survivor acknowledged; empty when grace_delay ran out first.")
    private String acknowledgementsComplete;

    @JsonPropertyDescription("When ganesha-active was deleted (the virtual IP moves) or set again.")
    private String ganeshaActiveChanged;

    public String getNode() {
        return node;
    }

    public void setNode(String node) {
        this.node = node;
    }

    public String getDirection() {
        return direction;
    }

    public void setDirection(String direction) {
        this.direction = direction;
    }

    public String getEpoch() {
        return epoch;
    }

    public void setEpoch(String epoch) {
        this.epoch = epoch;
    }

    public String getDetected() {
        return detected;
    }

    public void setDetected(String detected) {
        this.detected = detected;
    }

    public String getGraceActiveChanged() {
        return graceActiveChanged;
    }

    public void setGraceActiveChanged(String graceActiveChanged) {
        this.graceActiveChanged = graceActiveChanged;
    }

    public List<String> getSurvivors() {
        return survivors;
    }

    public void setSurvivors(List<String> survivors) {
        this.survivors = survivors;
    }

    public List<String> getAcknowledged() {
        return acknowledged;
    }

    public void setAcknowledged(List<String> acknowledged) {
        this.acknowledged = acknowledged;
    }

    public String getAcknowledgementsComplete() {
        return acknowledgementsComplete;
    }

    public void setAcknowledgementsComplete(String acknowledgementsComplete) {
        this.acknowledgementsComplete = acknowledgementsComplete;
    }

    public String getGaneshaActiveChanged() {
        return ganeshaActiveChanged;
    }

    public void setGaneshaActiveChanged(String ganeshaActiveChanged) {
        this.ganeshaActiveChanged = ganeshaActiveChanged;
    }
}
