package io.ganeshaha.agent.tickle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NfsConnectionsTest {

    /** /proc/net/tcp as a node holding 198.18.0.102 shows it (addresses little-endian, ports big-endian). */
    static final List<String> PROC_NET_TCP = List.of(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            // listening on 2049
            "   0: 00000000:0801 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 583 1",
            // 198.18.0.102:2049 <- 198.18.0.201:812, established
            "   1: 660012C6:0801 C90012C6:032C 01 00000000:00000000 02:0000A1B2 00000000     0        0 777 2",
            // 198.18.0.102:2049 <- 198.18.0.202:700, closing (TIME_WAIT)
            "   2: 660012C6:0801 CA0012C6:02BC 06 00000000:00000000 03:00000F00 00000000     0        0 0 3",
            // 198.18.0.12:22 <- 198.18.0.1:40000, established, not NFS
            "   3: 0C0012C6:0016 010012C6:9C40 01 00000000:00000000 02:0000A1B2 00000000     0        0 778 2",
            "   4: not a line of the kernel's");

    /** /proc/net/tcp6 of a lab node whose ganesha listens dual-stack, as read on one. */
    static final List<String> PROC_NET_TCP6 = List.of(
            "  sl  local_address                         remote_address                        st tx_queue rx_queue",
            "   0: 00000000000000000000000000000000:0801 00000000000000000000000000000000:0000 0A 00000000:00000000",
            // ::ffff:198.18.0.11:2049 <- ::ffff:198.18.0.201:806, established
            "   1: 0000000000000000FFFF00000B0012C6:0801 0000000000000000FFFF0000C90012C6:0326 01 00000000:00000000",
            // fd00::1:2049 <- fd00::2:900, established: IPv6, not tickled
            "   2: 000000FD000000000000000001000000:0801 000000FD000000000000000002000000:0384 01 00000000:00000000");

    @Test
    void aDualStackListenersIpv4ClientsAreReadFromTcp6AndIpv6OnesLeftOut() {
        assertThat(NfsConnections.established(PROC_NET_TCP6, 2049)).extracting(NfsConnections.Connection::line)
                .containsExactly("198.18.0.11:2049\t198.18.0.201:806");
    }

    @Test
    void onlyTheEstablishedConnectionsToTheNfsPortAreTheClients() {
        assertThat(NfsConnections.established(PROC_NET_TCP, 2049)).extracting(NfsConnections.Connection::line)
                .containsExactly("198.18.0.102:2049\t198.18.0.201:812");
    }

    @Test
    void aRecordedLineReadsBackAsTheSameConnectionAndAnythingElseAsNone() {
        NfsConnections.Connection c = NfsConnections.established(PROC_NET_TCP, 2049).get(0);
        assertThat(NfsConnections.Connection.parseLine(c.line())).contains(c);
        for (String bad : List.of("", "198.18.0.102:2049", "198.18.0.102:2049\tclient:812", "nfs-1:2049\t198.18.0.201:812",
                "198.18.0.102:0\t198.18.0.201:812", "198.18.0.102:2049\t198.18.0.201:70000")) {
            assertThat(NfsConnections.Connection.parseLine(bad)).as(bad).isEmpty();
        }
    }
}
