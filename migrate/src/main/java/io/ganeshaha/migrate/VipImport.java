package io.ganeshaha.migrate;

import io.ganeshaha.api.v1alpha1.VirtualIpSpec;
import io.ganeshaha.api.v1alpha1.VirtualIpSpecBuilder;
import java.util.List;

/** One IPaddr resource as a virtual IP of the spec: ip, cidr_netmask (prefix or dotted mask), nic. */
final class VipImport {

    private VipImport() {}

    static VirtualIpSpec of(CibLayout.Vip vip, List<String> notCarriedOver) {
        int full = vip.address().contains(":") ? 128 : 32;
        int prefix = full;
        if (vip.cidrNetmask().isEmpty()) {
            notCarriedOver.add(vip.id() + " has no cidr_netmask: imported /" + full);
        } else {
            String mask = vip.cidrNetmask().get().strip();
            try {
                prefix = mask.contains(".") ? dottedToPrefix(mask) : Integer.parseInt(mask);
            } catch (IllegalArgumentException e) {
                notCarriedOver.add("cidr_netmask=" + mask + " of " + vip.id() + ": not a prefix length; imported /" + full);
            }
        }
        return new VirtualIpSpecBuilder().withAddress(vip.address()).withPrefixLength(prefix)
                .withNetworkInterface(vip.nic().filter(n -> !n.isBlank()).orElse(null)).build();
    }

    /** 255.255.255.0 as 24; a mask whose ones are not contiguous is refused. */
    static int dottedToPrefix(String mask) {
        String[] octets = mask.split("\\.");
        if (octets.length != 4) {
            throw new IllegalArgumentException(mask);
        }
        long bits = 0;
        for (String octet : octets) {
            int value = Integer.parseInt(octet);
            if (value < 0 || value > 255) {
                throw new IllegalArgumentException(mask);
            }
            bits = (bits << 8) | value;
        }
        int prefix = Long.numberOfLeadingZeros(~bits & 0xffffffffL) - 32;
        if (((0xffffffffL << (32 - prefix)) & 0xffffffffL) != bits) {
            throw new IllegalArgumentException(mask);
        }
        return prefix;
    }
}
