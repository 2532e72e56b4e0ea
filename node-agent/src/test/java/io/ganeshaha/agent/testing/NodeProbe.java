package io.ganeshaha.agent.testing;

import io.ganeshaha.agent.dbus.GaneshaBusListener;
import io.ganeshaha.agent.dbus.GaneshaDbus;
import io.ganeshaha.agent.dbus.GaneshaDbusException;
import java.time.Duration;
import java.util.List;

/**
 * Looks at one lab node from outside, the way the failover timeline is judged: is its nfsd in
 * grace (D-Bus get_grace through the node's own bus socket), which virtual IPs does it hold
 * ({@code ip -o addr} inside the node).
 */
public final class NodeProbe implements AutoCloseable {

    private final Lab lab;
    private final String node;
    private GaneshaDbus bus;

    public NodeProbe(Lab lab, String node) {
        this.lab = lab;
        this.node = node;
    }

    public String node() {
        return node;
    }

    /** get_grace's answer; false when nfsd or the bus does not answer. */
    public synchronized boolean inGrace() {
        try {
            if (bus == null) {
                bus = GaneshaDbus.connect("unix:path=" + lab.inNode(node, "/run/dbus/system_bus_socket"),
                        GaneshaBusListener.IGNORE);
            }
            return bus.inGrace(Duration.ofMillis(500));
        } catch (GaneshaDbusException e) {
            if (bus != null && !bus.isConnected()) {
                bus.close();
                bus = null;
            }
            return false;
        }
    }

    /**
     * Whether the node has the IPv4 address on one of its interfaces. Read from the kernel's local
     * routing table of the node's network namespace (/proc/HOLDER/net/fib_trie): a file read, no
     * process, so a timeline can sample every few milliseconds.
     */
    public boolean holds(String vip) {
        return localAddresses().contains(vip);
    }

    public java.util.Set<String> localAddresses() {
        java.util.Set<String> local = new java.util.HashSet<>();
        try {
            List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + lab.holder(node) + "/net/fib_trie"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (line.startsWith("|-- ") && lines.get(i + 1).contains("/32 host LOCAL")) {
                    local.add(line.substring(4).trim());
                }
            }
        } catch (java.io.IOException e) {
            // the node is gone: it holds nothing
        }
        return local;
    }

    @Override
    public synchronized void close() {
        if (bus != null) {
            bus.close();
            bus = null;
        }
    }
}
