package io.ganeshaha.cib;

import java.util.List;

/** A cluster node by its Pacemaker name, with the virtual IPs whose home it is. */
public record Member(String node, List<VirtualIp> virtualIps) {
    public Member {
        virtualIps = List.copyOf(virtualIps);
    }
}
