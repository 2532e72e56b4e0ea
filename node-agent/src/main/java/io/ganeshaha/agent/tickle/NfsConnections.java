package io.ganeshaha.agent.tickle;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The NFS clients' TCP connections to this host, as the kernel lists them in {@code /proc/net/tcp}
 * and {@code /proc/net/tcp6} (IPv4 clients only, which tickle_tcp is fed here; a dual-stack
 * listener such as ganesha's lists them in tcp6 as IPv4-mapped addresses). Reading the files
 * costs no process, unlike {@code ss}.
 */
public final class NfsConnections {

    private NfsConnections() {}

    /** One established connection: this host's address and port, and the client's. */
    public record Connection(InetAddress local, int localPort, InetAddress remote, int remotePort) {
        /** As tickle_tcp reads it, and as it is recorded: {@code local:port<TAB>remote:port}. */
        public String line() {
            return local.getHostAddress() + ":" + localPort + "\t" + remote.getHostAddress() + ":" + remotePort;
        }

        /** A recorded line read back; empty for anything else. */
        public static Optional<Connection> parseLine(String line) {
            String[] ends = line.strip().split("\t");
            if (ends.length != 2) {
                return Optional.empty();
            }
            Optional<InetAddress> local = address(ends[0]);
            Optional<InetAddress> remote = address(ends[1]);
            Optional<Integer> localPort = port(ends[0]);
            Optional<Integer> remotePort = port(ends[1]);
            if (local.isEmpty() || remote.isEmpty() || localPort.isEmpty() || remotePort.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Connection(local.get(), localPort.get(), remote.get(), remotePort.get()));
        }

        private static Optional<InetAddress> address(String end) {
            int colon = end.lastIndexOf(':');
            String literal = colon < 0 ? "" : end.substring(0, colon);
            if (!literal.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
                return Optional.empty();
            }
            try {
                return Optional.of(InetAddress.getByName(literal));
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }

        private static Optional<Integer> port(String end) {
            try {
                int port = Integer.parseInt(end.substring(end.lastIndexOf(':') + 1));
                return port > 0 && port < 65536 ? Optional.of(port) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /** State 01 of {@code /proc/net/tcp}. */
    private static final String ESTABLISHED = "01";

    /**
     * The established connections to {@code port} of this host in the lines of {@code /proc/net/tcp}
     * or {@code /proc/net/tcp6} (addresses as little-endian 32-bit hex words, ports as big-endian hex).
     */
    public static List<Connection> established(List<String> procNetTcp, int port) {
        List<Connection> out = new ArrayList<>();
        for (String line : procNetTcp) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 4 || !f[3].equals(ESTABLISHED)) {
                continue;
            }
            try {
                String[] local = f[1].split(":");
                String[] remote = f[2].split(":");
                if (local.length != 2 || remote.length != 2 || Integer.parseInt(local[1], 16) != port) {
                    continue;
                }
                out.add(new Connection(ipv4(local[0]), port, ipv4(remote[0]), Integer.parseInt(remote[1], 16)));
            } catch (IllegalArgumentException | UnknownHostException e) {
                // the header, or a line of another shape
            }
        }
        return out;
    }

    /**
     * An IPv4 address: 8 hex digits (tcp), or 32 (tcp6) holding an IPv4-mapped address, which is
     * how a dual-stack listener such as ganesha's sees its IPv4 clients. Each 32-bit word is
     * little-endian. Other IPv6 addresses are refused: tickle_tcp is fed IPv4 here.
     */
    private static InetAddress ipv4(String hex) throws UnknownHostException {
        byte[] raw = HexFormat.of().parseHex(hex);
        if (raw.length != 4 && raw.length != 16) {
            throw new IllegalArgumentException("not an address: " + hex);
        }
        byte[] b = new byte[raw.length];
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                b[word + i] = raw[word + 3 - i];
            }
        }
        InetAddress address = InetAddress.getByAddress(b); // an IPv4-mapped one comes back as IPv4
        if (!(address instanceof Inet4Address)) {
            throw new IllegalArgumentException("not an IPv4 address: " + hex);
        }
        return address;
    }
}
