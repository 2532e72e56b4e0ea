package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.sundr.builder.annotations.Buildable;

/**
 * GlusterFS's portblock pair around a node's virtual IPs: NFS's TCP port on the address is blocked
 * before the address comes up and unblocked once it is up, with the clients' connections recorded
 * in a tickle directory on the shared storage; the node that takes the address over sends those
 * clients TCP tickle ACKs, so they reconnect at once instead of waiting out their TCP timeouts.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class PortBlockSpec {

    /** Where ganesha-ha.sh kept the tickle directory, under the shared storage mount. */
    public static final String TICKLE_DIR_UNDER_HA_VOL_MNT = "/nfs-ganesha/tickle_dir/";

    @Default("false")
    @JsonPropertyDescription("Wrap every virtual IP in a portblock pair (ocf:heartbeat:portblock, TCP port 2049) as "
            + "GlusterFS's ganesha-ha.sh did: <node>-nfs_block before the address, <node>-nfs_unblock after it. "
            + "Needs iptables and the portblock agent on the hosts.")
    private Boolean enabled = false;

    @Pattern(GaneshaClusterSpec.ABSOLUTE_PATH)
    @Size(max = 4096)
    @JsonPropertyDescription("The unblock side's tickle_dir: where the clients' connections to each virtual IP are "
            + "recorded, on storage every node sees. Default: <haVolMnt>/nfs-ganesha/tickle_dir/, as ganesha-ha.sh had it.")
    private String tickleDir;

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public String getTickleDir() {
        return tickleDir;
    }

    public void setTickleDir(String tickleDir) {
        this.tickleDir = tickleDir;
    }

    /** Whether the pairs are wanted: {@code enabled}, false when unset. */
    public boolean enabledOrDefault() {
        return Boolean.TRUE.equals(enabled);
    }

    /** {@code tickleDir}, or ganesha-ha.sh's {@code <haVolMnt>/nfs-ganesha/tickle_dir/} when unset. */
    public String tickleDirOrDefault(String haVolMnt) {
        return tickleDir == null || tickleDir.isBlank() ? defaultTickleDir(haVolMnt) : tickleDir;
    }

    public static String defaultTickleDir(String haVolMnt) {
        return haVolMnt.replaceAll("/+$", "") + TICKLE_DIR_UNDER_HA_VOL_MNT;
    }
}
