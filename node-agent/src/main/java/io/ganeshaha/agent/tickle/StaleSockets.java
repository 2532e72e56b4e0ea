package io.ganeshaha.agent.tickle;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Closes the TCP sockets this host still has on an address that has just come up here, left from
 * an earlier time the address was here. A client's connection then meets a reset here instead of
 * a socket that answers it with the wrong sequence numbers.
 *
 * <p>Seen with an NFSv3 client: ganesha killed on its home node closes the idle NLM connection
 * with a FIN, and the home node keeps it in TIME-WAIT for 60 s. The client reconnects to the taker
 * from the same port (the kernel's RPC client keeps its reserved port). At fail-back, 30 s later,
 * the client sends its lock reclaim on that connection to the address, home again: home's
 * TIME-WAIT socket for the same four-tuple answers each segment with an ACK of its own old
 * connection, no reset, and restarts its 60 s with every one, so the client neither gets through
 * nor reconnects and its lock is lost. The taker keeps its own sockets on the address too
 * (established, the address gone from under them), which the next takeover here would meet.
 */
@FunctionalInterface
public interface StaleSockets {

    /**
     * Closes every TCP socket of this host, listeners apart, whose local address is {@code address};
     * returns a line for each one closed.
     */
    List<String> close(InetAddress address) throws IOException;

    /**
     * iproute2's {@code ss -K} (the kernel's socket destroy, {@code CONFIG_INET_DIAG_DESTROY}):
     * established sockets are reset, TIME-WAIT ones dropped. IPv4 addresses match the IPv4-mapped
     * sockets of a dual-stack listener such as ganesha's. Bounded to 5 s.
     */
    static StaleSockets ss(Path ss) {
        return address -> {
            if (!Files.isExecutable(ss)) {
                throw new IOException(ss + " is not installed (iproute2)");
            }
            String host = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
            Process p = new ProcessBuilder(ss.toString(), "-K", "-t", "-a", "-n", "-H", "state", "connected", "src", host)
                    .redirectErrorStream(true).start();
            // Read while it runs: a line per socket closed can outgrow the pipe.
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = p.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "(output unreadable: " + e.getMessage() + ")";
                }
            });
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(ss + " -K did not finish within 5 s and was killed");
                }
                String out = output.get(1, TimeUnit.SECONDS);
                if (p.exitValue() != 0) {
                    throw new IOException(ss + " -K exited with " + p.exitValue() + ": " + out.strip());
                }
                return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("cannot read what " + ss + " -K printed: " + e, e);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while " + ss + " -K ran", e);
            }
        };
    }
}
