package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.sundr.builder.annotations.Buildable;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * What a node agent observes about its own host. The agent writes it into its {@link GaneshaNode};
 * the operator copies it, with the node's name, into the cluster's status.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class NodeObservation {

    /** {@link #getFencing()}: Pacemaker fences lost nodes ({@code stonith-enabled} true or unset). */
    public static final String FENCING_ENABLED = "Enabled";
    /** {@link #getFencing()}: {@code stonith-enabled=false}, as GlusterFS's ganesha-ha.sh set it. */
    public static final String FENCING_DISABLED = "Disabled";
    /** {@link #getServerScope()}: ganesha's configuration sets none (ganesha makes one from the host name). */
    public static final String SERVER_SCOPE_NONE = "(none)";
    /** The longest {@link #getServerScope()} kept. */
    public static final int MAX_SERVER_SCOPE = 256;

    /** {@link #getFencing()}: the agent could not read the property. */
    public static final String FENCING_UNKNOWN = "Unknown";

    @JsonPropertyDescription("ganesha.nfsd as the agent sees it: SERVING, HUNG (alive, no heartbeat on D-Bus) or DOWN.")
    private String nfsd;

    @JsonPropertyDescription("Whether the ganesha-active node attribute is set: while it is, the node's virtual IPs stay home.")
    private Boolean ganeshaActive;

    @JsonPropertyDescription("Whether the grace-active node attribute is set: its deletion is what starts a failover.")
    private Boolean graceActive;

    @JsonPropertyDescription("Whether ganesha.nfsd on this node is in NFS grace (D-Bus get_grace).")
    private Boolean inGrace;

    @JsonPropertyDescription("The cluster's virtual IPs this node holds now.")
    private List<String> virtualIps = new ArrayList<>();

    @JsonPropertyDescription("Whether the node agent reported itself ready (D-Bus and Pacemaker reachable).")
    private Boolean agentReady;

    @JsonPropertyDescription("Whether the agent can tell a hung ganesha.nfsd, and from which heartbeat period: off while "
            + "ganesha sends no heartbeat (heartbeat_freq 0).")
    @Size(max = 256)
    private String hangDetection;

    @JsonPropertyDescription("When the node agent last wrote this (RFC 3339). The agent heartbeats while nothing changes.")
    private String lastSeen;

    @JsonPropertyDescription("What the node agent did the last time this node's nfsd left or came back.")
    private FailoverRecord lastFailover;

    @JsonPropertyDescription("The cluster's exports on this node: the generation served, and what ganesha.nfsd refused.")
    private NodeExports exports;

    @Size(max = MAX_SERVER_SCOPE)
    @JsonPropertyDescription("The NFSv4 server scope ganesha.nfsd's configuration sets (NFSV4 Server_Scope), '(none)' "
            + "if it sets none (ganesha then makes one from the host name); unset if the agent could not read it. "
            + "Every node of a cluster must present the same one, or NFSv4.1 clients cannot reclaim their state on "
            + "the node that took their address over.")
    private String serverScope;

    @JsonPropertyDescription("The NFSV4 Grace_Period, in seconds, ganesha.nfsd's configuration sets (ganesha's default 90 "
            + "if it sets none); unset if the agent could not read it.")
    private Integer gracePeriodSeconds;

    @JsonPropertyDescription("The NFSV4 Lease_Lifetime, in seconds, ganesha.nfsd's configuration sets (ganesha's default "
            + "60 if it sets none); unset if the agent could not read it.")
    private Integer leaseLifetimeSeconds;

    @JsonPropertyDescription("True while the running ganesha.nfsd started with other NFSV4 settings than its "
            + "configuration sets now (or with settings not known): ganesha reads them only at start, so they take "
            + "effect at nfsd's next start.")
    private Boolean nfsv4RestartPending;

    public Integer getGracePeriodSeconds() {
        return gracePeriodSeconds;
    }

    public void setGracePeriodSeconds(Integer gracePeriodSeconds) {
        this.gracePeriodSeconds = gracePeriodSeconds;
    }

    public Integer getLeaseLifetimeSeconds() {
        return leaseLifetimeSeconds;
    }

    public void setLeaseLifetimeSeconds(Integer leaseLifetimeSeconds) {
        this.leaseLifetimeSeconds = leaseLifetimeSeconds;
    }

    public Boolean getNfsv4RestartPending() {
        return nfsv4RestartPending;
    }

    public void setNfsv4RestartPending(Boolean nfsv4RestartPending) {
        this.nfsv4RestartPending = nfsv4RestartPending;
    }

    @JsonPropertyDescription("The GaneshaCluster generation Pacemaker's resources and constraints were configured from, as this agent last read it from the CIB.")
    private Long pacemakerConfigGeneration;

    @JsonPropertyDescription("Whether Pacemaker fences a lost node, from the stonith-enabled cluster property as this agent "
            + "last read it: Enabled (true, or unset: Pacemaker's default), Disabled or Unknown (not readable). Without "
            + "fencing, the clients of a lost node are protected only by the takeover gate and NFS grace, and a node that "
            + "is only cut off keeps serving.")
    @Size(max = 16)
    private String fencing;

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

    public String getHangDetection() {
        return hangDetection;
    }

    public void setHangDetection(String hangDetection) {
        this.hangDetection = hangDetection;
    }

    public String getLastSeen() {
        return lastSeen;
    }

    public void setLastSeen(String lastSeen) {
        this.lastSeen = lastSeen;
    }

    public FailoverRecord getLastFailover() {
        return lastFailover;
    }

    public void setLastFailover(FailoverRecord lastFailover) {
        this.lastFailover = lastFailover;
    }

    public Long getPacemakerConfigGeneration() {
        return pacemakerConfigGeneration;
    }

    public void setPacemakerConfigGeneration(Long pacemakerConfigGeneration) {
        this.pacemakerConfigGeneration = pacemakerConfigGeneration;
    }

    public String getFencing() {
        return fencing;
    }

    public void setFencing(String fencing) {
        this.fencing = fencing;
    }

    public String getServerScope() {
        return serverScope;
    }

    public void setServerScope(String serverScope) {
        this.serverScope = serverScope;
    }

    public NodeExports getExports() {
        return exports;
    }

    public void setExports(NodeExports exports) {
        this.exports = exports;
    }
}
