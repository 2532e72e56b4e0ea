package io.ganeshaha.agent.tickle;

import io.ganeshaha.agent.pacemaker.CommandRunner;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
     * sockets of a dual-stack listener such as ganesha's. Bounded to 5 s ({@link CommandRunner}).
     */
    static StaleSockets ss(Path ss) {
        return address -> {
            if (!Files.isExecutable(ss)) {
                throw new IOException(ss + " is not installed (iproute2)");
            }
            String host = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
            CommandRunner.Result r;
            try {
                r = new CommandRunner().run(List.of(ss.toString(), "-K", "-t", "-a", "-n", "-H", "state", "connected",
                        "src", host), Duration.ofSeconds(5));
            } catch (PacemakerCommandException e) {
                throw new IOException(e.getMessage(), e);
            }
            if (r.exitCode() != 0) {
                throw new IOException(ss + " -K exited with " + r.exitCode() + ": " + (r.stderr() + r.stdout()).strip());
            }
            return r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        };
    }
}
