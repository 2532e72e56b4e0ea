package io.ganeshaha.agent.mirror;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which of the cluster's virtual IPs this host holds, read from the kernel of the agent's network
 * namespace (the host's, with hostNetwork): IPv4 local routes in {@code /proc/net/fib_trie}, IPv6
 * addresses in {@code /proc/net/if_inet6}. Reading two small files costs far less than running
 * {@code ip addr} every second, and sees exactly what IPaddr2 added.
 */
public final class HostAddresses {

    private final Path fibTrie;
    private final Path ifInet6;

    public HostAddresses() {
        this(Path.of("/proc/net/fib_trie"), Path.of("/proc/net/if_inet6"));
    }

    HostAddresses(Path fibTrie, Path ifInet6) {
        this.fibTrie = fibTrie;
        this.ifInet6 = ifInet6;
    }

    /** The addresses of {@code candidates} that are this host's now, as they were written there. */
    public List<String> held(List<String> candidates) {
        Set<InetAddress> local = local();
        return candidates.stream().filter(candidate -> parse(candidate).filter(local::contains).isPresent()).toList();
    }

    public Set<InetAddress> local() {
        Set<InetAddress> out = new HashSet<>();
        readIpv4(out);
        readIpv6(out);
        return out;
    }

    /** fib_trie lists each local address as a leaf followed by a "/32 host LOCAL" line. */
    private void readIpv4(Set<InetAddress> out) {
        List<String> lines = lines(fibTrie);
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).trim().equals("/32 host LOCAL")) {
                String leaf = lines.get(i - 1).trim();
                if (leaf.startsWith("|-- ")) {
                    parse(leaf.substring(4)).ifPresent(out::add);
                }
            }
        }
    }

    /** if_inet6: 32 hex digits of address, then index, prefix, scope, flags, interface. */
    private void readIpv6(Set<InetAddress> out) {
        for (String line : lines(ifInet6)) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 1 && fields[0].length() == 32) {
                try {
                    out.add(InetAddress.getByAddress(HexFormat.of().parseHex(fields[0])));
                } catch (UnknownHostException | IllegalArgumentException e) {
                    // not an address line
                }
            }
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A literal address only: never a name lookup. */
    static java.util.Optional<InetAddress> parse(String literal) {
        Predicate<String> literalChars = s -> !s.isEmpty() && s.chars().allMatch(c -> Character.digit(c, 16) >= 0
                || c == '.' || c == ':');
        if (!literalChars.test(literal)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return java.util.Optional.empty();
        }
    }
}
