package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** A virtual IP as IPaddr2 takes it. */
public class VirtualIpSpec {

    @Required
    @JsonPropertyDescription("The IPv4 or IPv6 address clients mount from.")
    private String address;

    @Required
    @Min(1)
    @Max(128)
    @JsonPropertyDescription("Prefix length (IPaddr2's cidr_netmask).")
    private Integer prefixLength;

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
