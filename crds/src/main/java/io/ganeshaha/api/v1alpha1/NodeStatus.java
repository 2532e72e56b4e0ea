package io.ganeshaha.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

/** One node as its agent reports it: nfsd's health, the two attributes, grace, the VIPs it holds. */
public class NodeStatus {

    private String name;
    /** SERVING, DOWN or HUNG, as the node agent judges it. */
    private String nfsd;
    private Boolean ganeshaActive;
    private Boolean graceActive;
    private Boolean inGrace;
    private List<String> virtualIps = new ArrayList<>();
    private Boolean agentReady;
    private String lastSeen;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getNfsd() {
        return nfsd;
    }

    public void setNfsd(String nfsd) {
        this.nfsd = nfsd;
    }

    public Boolean getGaneshaActive() {
        return ganeshaActive;
    }

    public void setGaneshaActive(Boolean ganeshaActive) {
        this.ganeshaActive = ganeshaActive;
    }

    public Boolean getGraceActive() {
        return graceActive;
    }

    public void setGraceActive(Boolean graceActive) {
        this.graceActive = graceActive;
    }

    public Boolean getInGrace() {
        return inGrace;
    }

    public void setInGrace(Boolean inGrace) {
        this.inGrace = inGrace;
    }

    public List<String> getVirtualIps() {
        return virtualIps;
    }

    public void setVirtualIps(List<String> virtualIps) {
        this.virtualIps = virtualIps;
    }

    public Boolean getAgentReady() {
        return agentReady;
    }

    public void setAgentReady(Boolean agentReady) {
        this.agentReady = agentReady;
    }

    public String getLastSeen() {
        return lastSeen;
    }

    public void setLastSeen(String lastSeen) {
        this.lastSeen = lastSeen;
    }
}
