package io.ganeshaha.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.ocf.OcfExitCode;
import io.ganeshaha.agent.ocf.OcfResponse;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real socket server on a real unix socket, with a recording handler. */
class OcfSocketServerTest {

    @TempDir
    Path dir;

    private final List<List<String>> requests = new CopyOnWriteArrayList<>();

    private OcfSocketServer server(Path socket) throws IOException {
        OcfSocketServer server = new OcfSocketServer(socket, lines -> {
            requests.add(lines);
            return new OcfResponse(OcfExitCode.NOT_RUNNING, Optional.of("reason\nwith a newline"), List.of("one", "two"));
        }, 2, Duration.ofMillis(500));
        server.start();
        return server;
    }

    private static String exchange(Path socket, String request) throws IOException {
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(socket));
            client.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            StringBuilder reply = new StringBuilder();
            while (client.read(buffer) > 0) {
                buffer.flip();
                reply.append(StandardCharsets.UTF_8.decode(buffer));
                buffer.clear();
            }
            return reply.toString();
        }
    }

    @Test
    void answersOneRequestPerConnectionOnARootOnlySocket() throws Exception {
        Path socket = dir.resolve("run/agent.sock");
        try (OcfSocketServer ignored = server(socket)) {
            String reply = exchange(socket, "ganesha-ha-ocf 1\nagent=ganesha_mon\naction=monitor\n\n");
            assertThat(reply).isEqualTo("exit=7\nreason=reason with a newline\nlog=one\nlog=two\nend\n");
            assertThat(requests).containsExactly(List.of("ganesha-ha-ocf 1", "agent=ganesha_mon", "action=monitor"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
        }
        assertThat(socket).as("removed on close").doesNotExist();
    }

    @Test
    void aClientThatNeverFinishesItsRequestIsCutOffAndDoesNotBlockOthers() throws Exception {
        Path socket = dir.resolve("agent.sock");
        try (OcfSocketServer ignored = server(socket);
                SocketChannel stuck1 = SocketChannel.open(StandardProtocolFamily.UNIX);
                SocketChannel stuck2 = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // Both workers taken by clients that send half a request and wait.
            stuck1.connect(UnixDomainSocketAddress.of(socket));
            stuck2.connect(UnixDomainSocketAddress.of(socket));
            stuck1.write(ByteBuffer.wrap("ganesha-ha-ocf 1\n".getBytes(StandardCharsets.UTF_8)));
            stuck2.write(ByteBuffer.wrap("ganesha-ha-ocf 1\n".getBytes(StandardCharsets.UTF_8)));
            long start = System.nanoTime();
            String reply = exchange(socket, "ganesha-ha-ocf 1\nagent=ganesha_grace\naction=monitor\n\n");
            assertThat(reply).startsWith("exit=7\n");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("served once the stuck ones were cut off")
                    .isLessThan(Duration.ofSeconds(3));
            assertThat(stuck1.read(ByteBuffer.allocate(16))).as("cut off without an answer").isEqualTo(-1);
        }
    }

    @Test
    void aStaleSocketFileFromAnEarlierAgentIsReplaced() throws Exception {
        Path socket = dir.resolve("agent.sock");
        Files.createFile(socket);
        try (OcfSocketServer server = server(socket)) {
            assertThat(server.listening()).isTrue();
            assertThat(exchange(socket, "ganesha-ha-ocf 1\nagent=ganesha_nfsd\naction=monitor\n\n")).startsWith("exit=7");
        }
    }
}
