package io.ganeshaha.agent.server;

import io.ganeshaha.agent.ocf.OcfResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;
import org.apache.commons.lang3.concurrent.BasicThreadFactory;

/**
 * The root-only unix socket the OCF entry points forward their actions to (protocol:
 * docs/agent-protocol.md). One short connection per action; a client that does not finish its
 * request in time is cut off, so a stuck entry point cannot hold a worker.
 */
public final class OcfSocketServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OcfSocketServer.class);
    private static final int MAX_REQUEST_LINES = 256;
    private static final int MAX_LINE_CHARS = 8192;

    private final Path socketPath;
    private final Function<List<String>, OcfResponse> handler;
    private final Duration requestReadTimeout;
    private final ExecutorService workers;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(daemon("ocf-socket-watchdog"));
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean running;

    public OcfSocketServer(Path socketPath, Function<List<String>, OcfResponse> handler, int workers,
            Duration requestReadTimeout) {
        this.socketPath = socketPath;
        this.handler = handler;
        this.requestReadTimeout = requestReadTimeout;
        this.workers = Executors.newFixedThreadPool(workers, daemon("ocf-action-%d"));
    }

    public void start() throws IOException {
        Path dir = socketPath.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        // A socket file left by a previous agent instance would make bind fail.
        Files.deleteIfExists(socketPath);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-------"));
        running = true;
        acceptor = daemon("ocf-socket-accept").newThread(this::acceptLoop);
        acceptor.start();
        LOG.infof("listening for OCF entry points on %s", socketPath);
    }

    public boolean listening() {
        return running && server != null && server.isOpen();
    }

    private void acceptLoop() {
        while (running) {
            try {
                SocketChannel client = server.accept();
                workers.execute(() -> serve(client));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (running) {
                    LOG.errorf("accepting on %s failed: %s", socketPath, e.getMessage());
                }
            }
        }
    }

    private void serve(SocketChannel client) {
        ScheduledFuture<?> cutOff = watchdog.schedule(() -> closeQuietly(client), requestReadTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
        try (client) {
            List<String> lines = readRequest(client);
            cutOff.cancel(false);
            if (lines == null) {
                return;
            }
            OcfResponse response = handler.apply(lines);
            OutputStream out = Channels.newOutputStream(client);
            out.write(encode(response).getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            LOG.warnf("an OCF entry point went away before its answer was sent: %s", e.getMessage());
        } finally {
            cutOff.cancel(false);
        }
    }

    /** The request lines up to the empty line; null when the client sent an incomplete request. */
    private static List<String> readRequest(SocketChannel client) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                return lines;
            }
            if (lines.size() >= MAX_REQUEST_LINES || line.length() > MAX_LINE_CHARS) {
                throw new IOException("request too large");
            }
            lines.add(line);
        }
        return null;
    }

    static String encode(OcfResponse response) {
        StringBuilder out = new StringBuilder();
        out.append("exit=").append(response.exitCode().code()).append('\n');
        response.reason().ifPresent(r -> out.append("reason=").append(r).append('\n'));
        response.log().forEach(l -> out.append("log=").append(l).append('\n'));
        // The last line: an entry point takes an answer that lacks it for one cut short.
        out.append("end\n");
        return out.toString();
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a half-open client socket: nothing left to do
        }
    }

    private static ThreadFactory daemon(String namingPattern) {
        return BasicThreadFactory.builder().namingPattern(namingPattern).daemon().build();
    }

    @Override
    public void close() {
        running = false;
        try {
            if (server != null) {
                server.close();
            }
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            LOG.warnf("cannot remove %s: %s", socketPath, e.getMessage());
        }
        workers.shutdownNow();
        watchdog.shutdownNow();
    }
}
