package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.sundr.builder.annotations.Buildable;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** One NFS server host: its Kubernetes and Pacemaker names, and the virtual IPs whose home it is. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class MemberNode {

    public static final int MAX_VIRTUAL_IPS = 8;
    /** What Kubernetes accepts as a node name. */
    static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    @Required
    @Size(min = 1, max = 253)
    @Pattern(DNS_SUBDOMAIN)
    @JsonPropertyDescription("The Kubernetes node name.")
    private String name;

    @Size(min = 1, max = 253)
    @Pattern("^[^\\s]+$")
    @JsonPropertyDescription("The node's name in Pacemaker (crm_node -n), when it differs from the Kubernetes name.")
    private String pacemakerName;

    @Required
    @Size(min = 1, max = MAX_VIRTUAL_IPS)
    @JsonPropertyDescription("Virtual IPs served from this node while its nfsd is healthy; they move to a survivor on failure.")
    private List<VirtualIpSpec> virtualIps = new ArrayList<>();

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getPacemakerName() {
        return pacemakerName;
    }

    public void setPacemakerName(String pacemakerName) {
        this.pacemakerName = pacemakerName;
    }

    /** The node's name in Pacemaker: {@code pacemakerName}, or the Kubernetes name when that is unset. */
    public String pacemakerNameOrDefault() {
        return pacemakerName == null || pacemakerName.isBlank() ? name : pacemakerName;
    }

    public List<VirtualIpSpec> getVirtualIps() {
        return virtualIps;
    }

    public void setVirtualIps(List<VirtualIpSpec> virtualIps) {
        this.virtualIps = virtualIps;
    }
}
