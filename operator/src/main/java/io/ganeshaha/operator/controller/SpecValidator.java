package io.ganeshaha.operator.controller;

import io.ganeshaha.api.agent.Nfsv4Block;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpec;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.api.v1alpha1.VirtualIpSpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the operator judges before it touches anything: the CRD's schema and CEL rules again, for
 * an API server that does not enforce them (one without CEL, the mock in tests), since such a spec
 * would render a Pacemaker configuration that fails over wrongly. A problem is reported as a {@code Degraded} reason naming the field; it is never an
 * exception, so a bad spec causes no retry storm.
 */
public final class SpecValidator {

    /** A problem with the spec: {@code reason} is a condition reason, {@code message} names the field path. */
    public record Problem(String reason, String message) {}

    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private SpecValidator() {}

    public static Optional<Problem> validate(GaneshaClusterSpec spec) {
        if (spec == null) {
            return Optional.of(new Problem("MissingSpec", "spec: a GaneshaCluster needs a spec"));
        }
        List<MemberNode> nodes = spec.getNodes() == null ? List.of() : spec.getNodes();
        if (nodes.size() < 2) {
            // One node cannot fail over anywhere: Pacemaker would run but protect nothing.
            return Optional.of(new Problem("TooFewNodes",
                    "spec.nodes: an HA cluster needs at least 2 nodes, got " + nodes.size()));
        }
        Map<String, String> kubeNames = new HashMap<>();
        Map<String, String> pacemakerNames = new HashMap<>();
        Map<String, String> vips = new HashMap<>();
        for (int n = 0; n < nodes.size(); n++) {
            MemberNode node = nodes.get(n);
            String at = "spec.nodes[" + n + "]";
            if (node.getName() == null || node.getName().isBlank()) {
                return Optional.of(new Problem("MissingNodeName", at + ".name: a member node needs a name"));
            }
            String previous = kubeNames.putIfAbsent(node.getName(), at);
            if (previous != null) {
                return Optional.of(new Problem("DuplicateNodeName",
                        at + ".name: node " + node.getName() + " is already listed as " + previous));
            }
            String pacemakerName = node.pacemakerNameOrDefault();
            previous = pacemakerNames.putIfAbsent(pacemakerName, at);
            if (previous != null) {
                return Optional.of(new Problem("DuplicatePacemakerName",
                        at + ".pacemakerName: Pacemaker node " + pacemakerName + " is already used by " + previous));
            }
            List<VirtualIpSpec> nodeVips = node.getVirtualIps() == null ? List.of() : node.getVirtualIps();
            for (int v = 0; v < nodeVips.size(); v++) {
                VirtualIpSpec vip = nodeVips.get(v);
                String vipAt = at + ".virtualIps[" + v + "]";
                Optional<InetAddress> address = parseLiteral(vip.getAddress());
                if (address.isEmpty()) {
                    return Optional.of(new Problem("InvalidVirtualIpAddress",
                            vipAt + ".address: " + vip.getAddress() + " is not an IPv4 or IPv6 address"));
                }
                int maxPrefix = address.get().getAddress().length * 8;
                if (vip.getPrefixLength() == null || vip.getPrefixLength() < 1 || vip.getPrefixLength() > maxPrefix) {
                    return Optional.of(new Problem("InvalidVirtualIpPrefixLength",
                            vipAt + ".prefixLength: must be 1 to " + maxPrefix + " for " + vip.getAddress()
                                    + ", got " + vip.getPrefixLength()));
                }
                // Canonical form, so 2001:db8::1 and 2001:DB8:0::1 are the same address.
                previous = vips.putIfAbsent(address.get().getHostAddress(), vipAt);
                if (previous != null) {
                    // Two IPaddr2 resources for one address would fight over it on failover.
                    return Optional.of(new Problem("DuplicateVirtualIp",
                            vipAt + ".address: " + vip.getAddress() + " is already used by " + previous));
                }
            }
        }
        // The tickle directory is handed to portblock on every host: a relative path would be
        // resolved against whatever directory Pacemaker runs the agent in.
        if (spec.getPortBlock() != null && spec.getPortBlock().getTickleDir() != null
                && !spec.getPortBlock().getTickleDir().startsWith("/")) {
            return Optional.of(new Problem("InvalidTickleDir", "spec.portBlock.tickleDir: must be an absolute path, got "
                    + spec.getPortBlock().getTickleDir()));
        }
        // Every node's ganesha.nfsd would start with it: a block ganesha refuses stops nfsd at start.
        if (spec.getGanesha() != null && spec.getGanesha().getNfsv4() != null) {
            try {
                Nfsv4Block.render(spec.getGanesha().getNfsv4(), "cluster", "validation");
            } catch (IllegalArgumentException e) {
                return Optional.of(new Problem("InvalidNfsv4", "spec.ganesha.nfsv4: " + e.getMessage()));
            }
        }
        return Optional.empty();
    }

    /** Parses an IP literal only: never a DNS lookup (InetAddress.getByName would resolve names). */
    static Optional<InetAddress> parseLiteral(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        boolean literal = text.contains(":") ? text.matches("[0-9A-Fa-f:.]+") : IPV4.matcher(text).matches();
        if (!literal) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
