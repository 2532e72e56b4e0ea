package io.ganeshaha.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostAddressesTest {

    static final String FIB_TRIE = """
            Main:
              +-- 0.0.0.0/0 3 0 5
                 |-- 198.18.0.0
                    /24 link UNICAST
                 |-- 198.18.0.11
                    /32 host LOCAL
                 |-- 198.18.0.102
                    /32 host LOCAL
                 |-- 198.18.0.255
                    /32 link BROADCAST
            Local:
              +-- 0.0.0.0/0 3 0 5
                 |-- 198.18.0.101
                    /24 link UNICAST
            """;

    static final String IF_INET6 = """
            20010db8000000000000000000000011 02 40 00 80  eth0
            fe80000000000000a8bbccfffedd0001 02 40 20 80  eth0
            """;

    @Test
    void onlyAddressesWithALocalHostRouteAreHeld(@TempDir Path dir) throws Exception {
        Path fib = Files.writeString(dir.resolve("fib_trie"), FIB_TRIE);
        Path inet6 = Files.writeString(dir.resolve("if_inet6"), IF_INET6);
        HostAddresses addresses = new HostAddresses(fib, inet6);
        // .101 appears only as a network route, .255 is a broadcast: neither is held.
        assertThat(addresses.held(List.of("198.18.0.101", "198.18.0.102", "198.18.0.255", "2001:db8::11", "2001:db8::12")))
                .containsExactly("198.18.0.102", "2001:db8::11");
    }

    @Test
    void unreadableFilesMeanNothingIsHeldAndNamesAreNeverResolved(@TempDir Path dir) {
        HostAddresses addresses = new HostAddresses(dir.resolve("missing"), dir.resolve("missing6"));
        assertThat(addresses.held(List.of("198.18.0.102", "localhost"))).isEmpty();
        assertThat(HostAddresses.parse("localhost")).isEmpty();
    }
}
