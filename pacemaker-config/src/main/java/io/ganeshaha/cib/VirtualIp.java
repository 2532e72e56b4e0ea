package io.ganeshaha.cib;

import java.util.Optional;

/** One virtual IP a node serves NFS clients on; it follows the node's nfsd. */
public record VirtualIp(String address, int prefixLength, Optional<String> nic) {
    public VirtualIp {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("a virtual IP needs an address");
        }
        if (prefixLength < 1 || prefixLength > 128) {
            throw new IllegalArgumentException("prefix length of " + address + " must be 1 to 128, got " + prefixLength);
        }
    }

    public static VirtualIp of(String address, int prefixLength) {
        return new VirtualIp(address, prefixLength, Optional.empty());
    }
}
