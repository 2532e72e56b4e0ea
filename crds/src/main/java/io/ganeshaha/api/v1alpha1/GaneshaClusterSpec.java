package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** What the user asks for. Names and defaults follow GlusterFS's ganesha-ha.sh. */
public class GaneshaClusterSpec {

    @Required
    @JsonPropertyDescription("The NFS server hosts; each runs Pacemaker, ganesha.nfsd and the node agent.")
    private List<MemberNode> nodes = new ArrayList<>();

    @Min(0)
    @Max(3600)
    @Default("5")
    @JsonPropertyDescription("Upper bound, in seconds, of the wait for the survivors' grace acknowledgements before a failed node's virtual IP moves (ganesha_mon's grace_delay).")
    private Integer graceDelaySeconds = 5;

    @Default("/var/run/gluster/shared_storage")
    @JsonPropertyDescription("Where the shared storage holding every node's NFS state is mounted on the hosts (ganesha_nfsd's ha_vol_mnt).")
    private String haVolMnt = "/var/run/gluster/shared_storage";

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
}
