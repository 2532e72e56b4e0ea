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

    public boolean holds(String vip) {
        Shell.Result r = lab.exec(node, "ip", "-o", "-4", "addr", "show");
        return r.exitCode() == 0 && r.stdout().contains(" " + vip + "/");
    }

    public List<String> vips(List<String> candidates) {
        Shell.Result r = lab.exec(node, "ip", "-o", "-4", "addr", "show");
        return candidates.stream().filter(v -> r.stdout().contains(" " + v + "/")).toList();
    }

    @Override
    public synchronized void close() {
        if (bus != null) {
            bus.close();
            bus = null;
        }
    }
}
