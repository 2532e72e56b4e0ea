package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.sundr.builder.annotations.Buildable;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * What the user asks for. Names and defaults follow GlusterFS's ganesha-ha.sh and its resource
 * agents. The schema bounds every list and string so the API server can cost the CEL rules.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class GaneshaClusterSpec {

    public static final int MAX_NODES = 16;
    /** Bounds the CEL uniqueness rules' cost (quadratic in the list's length). */
    public static final int MAX_EXPORTS = 128;
    public static final String DEFAULT_HA_VOL_MNT = "/var/run/gluster/shared_storage";
    public static final String DEFAULT_OCF_PROVIDER_DIR = "/usr/lib/ocf/resource.d/ganesha-ha";
    public static final int DEFAULT_GRACE_DELAY_SECONDS = 5;

    /** An absolute path on the host. */
    static final String ABSOLUTE_PATH = "^/.*$";

    @Required
    @Size(min = 2, max = MAX_NODES)
    @ValidationRule(value = "self.all(n, self.exists_one(m, m.name == n.name))",
            message = "node names must be unique")
    @ValidationRule(value = "self.all(n, self.exists_one(m, (has(m.pacemakerName) ? m.pacemakerName : m.name)"
            + " == (has(n.pacemakerName) ? n.pacemakerName : n.name)))",
            message = "Pacemaker node names (pacemakerName, or name when unset) must be unique")
    @ValidationRule(value = "self.all(n, n.virtualIps.all(v, self.exists_one(m, m.virtualIps.exists(w, w.address == v.address))"
            + " && n.virtualIps.exists_one(w, w.address == v.address)))",
            message = "a virtual IP address may appear only once in the cluster")
    @JsonPropertyDescription("The NFS server hosts, at least two; each runs Pacemaker, ganesha.nfsd and the node agent.")
    private List<MemberNode> nodes = new ArrayList<>();

    @Min(0)
    @Max(300)
    @Default("5")
    @JsonPropertyDescription("Upper bound, in seconds, of the wait for the survivors' grace acknowledgements before a "
            + "failed node's virtual IP moves (ganesha_mon's grace_delay). The IP moves as soon as every survivor has "
            + "acknowledged; while waiting it is served by nobody, hence the bound of 300.")
    private Integer graceDelaySeconds = DEFAULT_GRACE_DELAY_SECONDS;

    @Default(DEFAULT_HA_VOL_MNT)
    @Pattern(ABSOLUTE_PATH)
    @Size(max = 4096)
    @JsonPropertyDescription("Where the shared storage holding every node's NFS state is mounted on the hosts "
            + "(ganesha_nfsd's ha_vol_mnt).")
    private String haVolMnt = DEFAULT_HA_VOL_MNT;

    @Default(DEFAULT_OCF_PROVIDER_DIR)
    @Pattern(ABSOLUTE_PATH)
    @Size(max = 4096)
    @JsonPropertyDescription("The OCF provider directory on the hosts where the agent installs the entry points "
            + "Pacemaker calls (ganesha_mon, ganesha_grace, ganesha_nfsd, ganesha_takeover).")
    private String ocfProviderDir = DEFAULT_OCF_PROVIDER_DIR;

    @Default("Preceding")
    @JsonPropertyDescription("Which survivor a failed node's virtual IPs move to, after their home node: Preceding, the "
            + "node listed just before it in nodes (wrapping around), then the one before that, as GlusterFS's "
            + "ganesha-ha.sh ordered them; or Following, the node listed just after it.")
    private TakeoverOrder takeoverOrder = TakeoverOrder.Preceding;

    @JsonPropertyDescription("GlusterFS's portblock pair around each virtual IP (off by default): clients of a moved "
            + "address reconnect at once instead of after their TCP timeouts.")
    private PortBlockSpec portBlock;

    @Size(max = MAX_EXPORTS)
    @ValidationRule(value = "self.all(e, self.exists_one(f, f.exportId == e.exportId))",
            message = "export ids must be unique")
    @ValidationRule(value = "self.all(e, self.exists_one(f, f.pseudo == e.pseudo))",
            message = "pseudo paths must be unique")
    @JsonPropertyDescription("The NFS exports every node serves, the same on all of them. The node agents apply a change "
            + "live over D-Bus (AddExport, UpdateExport, RemoveExport), one export at a time, never restarting "
            + "ganesha.nfsd; each node's result is in its GaneshaNode and summed up in the ExportsApplied condition.")
    private List<ExportSpec> exports = new ArrayList<>();

    @JsonPropertyDescription("How the node agents reach ganesha.nfsd on each host.")
    private GaneshaSpec ganesha = new GaneshaSpec();

    @JsonPropertyDescription("The node agent DaemonSet's container.")
    private AgentSpec agent = new AgentSpec();

    public List<MemberNode> getNodes() {
        return nodes;
    }

    public void setNodes(List<MemberNode> nodes) {
        this.nodes = nodes;
    }

    public Integer getGraceDelaySeconds() {
        return graceDelaySeconds;
    }

    public void setGraceDelaySeconds(Integer graceDelaySeconds) {
        this.graceDelaySeconds = graceDelaySeconds;
    }

    public String getHaVolMnt() {
        return haVolMnt;
    }

    public void setHaVolMnt(String haVolMnt) {
        this.haVolMnt = haVolMnt;
    }

    public String getOcfProviderDir() {
        return ocfProviderDir;
    }

    public void setOcfProviderDir(String ocfProviderDir) {
        this.ocfProviderDir = ocfProviderDir;
    }

    public TakeoverOrder getTakeoverOrder() {
        return takeoverOrder;
    }

    public void setTakeoverOrder(TakeoverOrder takeoverOrder) {
        this.takeoverOrder = takeoverOrder;
    }

    public PortBlockSpec getPortBlock() {
        return portBlock;
    }

    public void setPortBlock(PortBlockSpec portBlock) {
        this.portBlock = portBlock;
    }

    public List<ExportSpec> getExports() {
        return exports;
    }

    public void setExports(List<ExportSpec> exports) {
        this.exports = exports;
    }

    public GaneshaSpec getGanesha() {
        return ganesha;
    }

    public void setGanesha(GaneshaSpec ganesha) {
        this.ganesha = ganesha;
    }

    public AgentSpec getAgent() {
        return agent;
    }

    public void setAgent(AgentSpec agent) {
        this.agent = agent;
    }
}
