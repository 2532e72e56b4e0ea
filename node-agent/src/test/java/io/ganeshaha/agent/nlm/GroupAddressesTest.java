package io.ganeshaha.agent.nlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ganeshaha.cib.CibRenderer;
import io.ganeshaha.cib.HaCluster;
import io.ganeshaha.cib.Member;
import io.ganeshaha.cib.TakeoverOrder;
import io.ganeshaha.cib.VirtualIp;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GroupAddressesTest {

    /** The resources section the operator renders, two addresses for n2. */
    private static String resources() throws Exception {
        HaCluster ha = new HaCluster("ganesha-ha", "/run/gluster/shared_storage", Duration.ofSeconds(5), List.of(
                new Member("n1", List.of(new VirtualIp("192.0.2.1", 24, Optional.empty()))),
                new Member("n2", List.of(new VirtualIp("192.0.2.2", 24, Optional.empty()),
                        new VirtualIp("192.0.2.22", 24, Optional.of("eth0"))))), TakeoverOrder.PRECEDING, Optional.empty());
        return CibRenderer.resources(ha);
    }

    @Test
    void theAddressesOfTheGroupTheTakeoverInstanceHeads() throws Exception {
        assertThat(GroupAddresses.of(resources(), CibRenderer.takeoverId("n2"))).containsExactly("192.0.2.2", "192.0.2.22");
        assertThat(GroupAddresses.of(resources(), CibRenderer.takeoverId("n1"))).containsExactly("192.0.2.1");
    }

    @Test
    void anInstanceTheCibDoesNotHoldIsAnError() {
        assertThatThrownBy(() -> GroupAddresses.of(resources(), "n9-takeover")).isInstanceOf(IOException.class)
                .hasMessageContaining("no resource n9-takeover");
        assertThatThrownBy(() -> GroupAddresses.of("<resources><primitive id=\"x\" type=\"ganesha_takeover\"/></resources>",
                "x")).isInstanceOf(IOException.class).hasMessageContaining("not in a group");
        assertThatThrownBy(() -> GroupAddresses.of("<resources", "x")).isInstanceOf(IOException.class);
    }
}
