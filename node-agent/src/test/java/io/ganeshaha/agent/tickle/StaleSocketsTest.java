package io.ganeshaha.agent.tickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The kernel's own sockets, on loopback addresses of their own (127.x.y.z is local on every
 * Linux host): a TIME-WAIT left by a server that closed first, and an established connection
 * whose client then sees the reset. Another address's sockets stay.
 */
class StaleSocketsTest {

    private static final Path SS = Path.of("/usr/bin/ss");

    private static InetAddress someLoopback() throws IOException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return InetAddress.getByAddress(new byte[] {127, (byte) r.nextInt(1, 250), (byte) r.nextInt(1, 250),
                (byte) r.nextInt(2, 250)});
    }

    private static List<String> sockets(String state, InetAddress local) throws Exception {
        Process p = new ProcessBuilder(SS.toString(), "-t", "-a", "-n", "-H", "state", state, "src",
                local.getHostAddress()).start();
        try (InputStream in = p.getInputStream()) {
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    @Test
    void theSocketsLeftOnTheAddressAreClosedAndNoOthers() throws Exception {
        InetAddress vip = someLoopback();
        InetAddress other = someLoopback();
        try (ServerSocket server = new ServerSocket(0, 10, vip); ServerSocket otherServer = new ServerSocket(0, 10, other)) {
            // A TIME-WAIT on the address: the server side closes first, then the client.
            Socket closedClient = new Socket(vip, server.getLocalPort());
            Socket closedServerSide = server.accept();
            closedServerSide.close();
            await().atMost(Duration.ofSeconds(2)).until(() -> closedClient.getInputStream().read() == -1);
            closedClient.close();
            await().atMost(Duration.ofSeconds(2)).until(() -> !sockets("time-wait", vip).isEmpty());
            // An established connection on it, and one on another address.
            Socket live = new Socket(vip, server.getLocalPort());
            Socket liveServerSide = server.accept();
            Socket elsewhere = new Socket(other, otherServer.getLocalPort());
            Socket elsewhereServerSide = otherServer.accept();

            List<String> closed = StaleSockets.ss(SS).close(vip);

            assertThat(closed).as("both, each on a line").hasSize(2)
                    .anyMatch(l -> l.startsWith("TIME-WAIT") && l.contains(vip.getHostAddress())
                            && l.contains(":" + server.getLocalPort() + " "))
                    .anyMatch(l -> l.startsWith("ESTAB"));
            assertThat(sockets("connected", vip)).as("nothing left on the address").isEmpty();
            assertThat(sockets("listening", vip)).as("its listener stays").hasSize(1);
            // The client of the closed connection meets a reset.
            live.setSoTimeout(2000);
            assertThatThrownBy(() -> {
                live.getOutputStream().write(1);
                live.getInputStream().read();
            }).isInstanceOf(SocketException.class);
            assertThat(sockets("established", other)).as("another address keeps its connection").hasSize(1);
            for (Socket s : List.of(live, liveServerSide, elsewhere, elsewhereServerSide)) {
                s.close();
            }
        }
    }

    @Test
    void nothingLeftOnTheAddressIsNothingClosed() throws Exception {
        assertThat(StaleSockets.ss(SS).close(someLoopback())).isEmpty();
    }

    @Test
    void aMissingSsIsAnErrorNamingIt() {
        assertThatThrownBy(() -> StaleSockets.ss(Path.of("/nonexistent/ss")).close(InetAddress.getLoopbackAddress()))
                .isInstanceOf(IOException.class).hasMessageContaining("/nonexistent/ss is not installed (iproute2)");
    }

}
