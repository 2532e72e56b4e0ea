package io.ganeshaha.migrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a CIB written by ganesha-ha.sh says about the cluster, as the readers of its sections found
 * it, and everything in it that a GaneshaCluster cannot express ({@link #notCarriedOver()}).
 */
final class CibLayout {

    /** One {@code <node>-cluster_ip-<index>} resource: a virtual IP whose home is that node. */
    record Vip(String id, int index, String address, Optional<String> cidrNetmask, Optional<String> nic) {}

    /** One side of a portblock pair ({@code action} block or unblock) on a virtual IP's address. */
    record PortBlockSide(String id, String action, String ip, Optional<String> tickleDir) {}

    /** A node's group: its virtual IPs by index, its portblock resources, its location preferences. */
    static final class NodeGroup {
        final TreeMap<Integer, Vip> vips = new TreeMap<>();
        final List<PortBlockSide> portBlocks = new ArrayList<>();
        /** Location preference scores of the group by node, in the CIB's order. */
        final Map<String, String> preferences = new LinkedHashMap<>();
        /** The resource id the preferences were written for (the group, or its lone VIP). */
        String preferencesOf;
    }

    private final Map<String, NodeGroup> groups = new LinkedHashMap<>();
    private final List<String> notCarriedOver = new ArrayList<>();
    private final List<String> cibNodes = new ArrayList<>();
    private Optional<String> haVolMnt = Optional.empty();
    private Optional<String> graceDelay = Optional.empty();

    CibLayout(List<String> members) {
        members.forEach(m -> groups.put(m, new NodeGroup()));
    }

    boolean isMember(String node) {
        return groups.containsKey(node);
    }

    /** Every member's group, in HA_CLUSTER_NODES order. */
    Map<String, NodeGroup> groups() {
        return java.util.Collections.unmodifiableMap(groups);
    }

    NodeGroup group(String node) {
        return groups.get(node);
    }

    void notCarriedOver(String what) {
        notCarriedOver.add(what);
    }

    List<String> notCarriedOver() {
        return List.copyOf(notCarriedOver);
    }

    void cibNode(String uname) {
        cibNodes.add(uname);
    }

    List<String> cibNodes() {
        return List.copyOf(cibNodes);
    }

    Optional<String> haVolMnt() {
        return haVolMnt;
    }

    void haVolMnt(String value) {
        haVolMnt = Optional.of(value);
    }

    Optional<String> graceDelay() {
        return graceDelay;
    }

    void graceDelay(String value) {
        graceDelay = Optional.of(value);
    }
}
