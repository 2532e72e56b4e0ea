package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.sundr.builder.annotations.Buildable;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A virtual IP as IPaddr2 takes it. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.address.contains(':') || self.prefixLength <= 32",
        message = "prefixLength of an IPv4 address must be at most 32", fieldPath = ".prefixLength")
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class VirtualIpSpec {

    /** A dotted-quad IPv4 address, or something made of IPv6 characters with a colon (the operator parses it). */
    static final String IP_ADDRESS = "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$"
            + "|^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$";

    @Required
    @Size(min = 2, max = 45)
    @Pattern(IP_ADDRESS)
    @JsonPropertyDescription("The IPv4 or IPv6 address clients mount from.")
    private String address;

    @Required
    @Min(1)
    @Max(128)
    @JsonPropertyDescription("Prefix length (IPaddr2's cidr_netmask).")
    private Integer prefixLength;

    @Size(min = 1, max = 15)
    @Pattern("^[^/:\\s]+$")
    @JsonPropertyDescription("Network interface to add it to; IPaddr2 picks one by route when empty.")
    private String networkInterface;

    public String getAddress() {
        return address;
    }

    public void setAddress(String address) {
        this.address = address;
    }

    public Integer getPrefixLength() {
        return prefixLength;
    }

    public void setPrefixLength(Integer prefixLength) {
        this.prefixLength = prefixLength;
    }

    public String getNetworkInterface() {
        return networkInterface;
    }

    public void setNetworkInterface(String networkInterface) {
        this.networkInterface = networkInterface;
    }
}
