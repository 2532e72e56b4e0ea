package io.ganeshaha.migrate;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Element;

/**
 * Reads the CIB's {@code resources} as ganesha-ha.sh laid them out: the clones {@code nfs_setup},
 * {@code nfs-mon} and {@code nfs-grace}, and per node {@code <node>-group} holding
 * {@code <node>-nfs_block}, {@code <node>-cluster_ip-1} (IPaddr) and {@code <node>-nfs_unblock}
 * (earlier scripts: the IPaddr resource alone, outside a group). Whatever else is there is named,
 * since the agents replace the whole section with the GaneshaCluster's rendering.
 */
final class ResourcesReader {

    static final Pattern VIP_ID = Pattern.compile("(.+)-cluster_ip-(\\d+)");
    static final Pattern GROUP_ID = Pattern.compile("(.+)-group");
    private static final String REPLACED = "the agents replace the CIB's resources with the GaneshaCluster's";

    private final CibLayout layout;

    ResourcesReader(CibLayout layout) {
        this.layout = layout;
    }

    void read(Element resources) {
        for (Element resource : Dom.children(resources)) {
            switch (resource.getTagName()) {
                case "clone" -> clone(resource);
                case "group" -> group(resource);
                case "primitive" -> primitive(Primitive.of(resource), Optional.empty());
                default -> layout.notCarriedOver("resource " + resource.getAttribute("id") + " (a "
                        + resource.getTagName() + "): " + REPLACED);
            }
        }
    }

    private void clone(Element clone) {
        String id = clone.getAttribute("id");
        Optional<Element> inner = Dom.child(clone, "primitive");
        Primitive primitive = inner.map(Primitive::of).orElse(null);
        String role = primitive == null ? "" : primitive.type();
        Map<String, String> meta = Dom.nvpairs(clone, "meta_attributes");
        switch (role) {
            case "ganesha_nfsd" -> {
                Optional.ofNullable(primitive.params().get("ha_vol_mnt")).ifPresent(layout::haVolMnt);
                extraParams(primitive, Map.of("ha_vol_mnt", primitive.params().getOrDefault("ha_vol_mnt", "")));
            }
            case "ganesha_mon" -> {
                Optional.ofNullable(primitive.params().get("grace_delay")).ifPresent(layout::graceDelay);
                extraParams(primitive, Map.of("grace_delay", primitive.params().getOrDefault("grace_delay", ""),
                        "ganesha_active", "ganesha-active", "grace_active", "grace-active"));
            }
            case "ganesha_grace" -> {
                extraParams(primitive, Map.of("grace_active", "grace-active"));
                meta.remove("notify");
            }
            default -> {
                layout.notCarriedOver("resource " + id + " (a clone" + (primitive == null ? "" : " of " + primitive.agent())
                        + "): " + REPLACED);
                return;
            }
        }
        if (!meta.isEmpty()) {
            layout.notCarriedOver("meta attributes of " + id + ": " + Dom.describe(meta) + " (the GaneshaCluster sets"
                    + " notify=true on nfs-grace-clone only)");
        }
        primitiveMeta(primitive);
    }

    private void group(Element group) {
        String id = group.getAttribute("id");
        Matcher name = GROUP_ID.matcher(id);
        Optional<String> node = name.matches() && layout.isMember(name.group(1)) ? Optional.of(name.group(1))
                : Optional.empty();
        if (node.isEmpty()) {
            layout.notCarriedOver("resource group " + id + ": not the group of a node in HA_CLUSTER_NODES; " + REPLACED);
        }
        Map<String, String> meta = Dom.nvpairs(group, "meta_attributes");
        if (!meta.isEmpty()) {
            layout.notCarriedOver("meta attributes of " + id + ": " + Dom.describe(meta));
        }
        for (Element member : Dom.children(group, "primitive")) {
            primitive(Primitive.of(member), node);
        }
    }

    /** A primitive alone, or in the group of {@code groupNode}. */
    private void primitive(Primitive p, Optional<String> groupNode) {
        if ("stonith".equals(p.agentClass())) {
            layout.notCarriedOver("fencing resource " + p.id() + " (" + p.agent() + "): a GaneshaCluster has no fencing,"
                    + " and " + REPLACED + ": configure fencing again after the switch");
            return;
        }
        switch (p.type()) {
            case "IPaddr", "IPaddr2" -> vip(p, groupNode);
            case "portblock" -> portBlock(p, groupNode);
            case "ganesha_takeover" -> primitiveMeta(p); // what the GaneshaCluster renders first in each group
            default -> layout.notCarriedOver("resource " + p.id() + " (" + p.agent() + "): " + REPLACED);
        }
    }

    private void vip(Primitive p, Optional<String> groupNode) {
        Matcher id = VIP_ID.matcher(p.id());
        Optional<String> node = id.matches() && layout.isMember(id.group(1)) ? Optional.of(id.group(1)) : Optional.empty();
        if (node.isEmpty() || groupNode.filter(g -> !g.equals(node.get())).isPresent()) {
            layout.notCarriedOver("virtual IP " + p.id() + " (ip=" + p.params().get("ip") + "): it belongs to no node of"
                    + " HA_CLUSTER_NODES (ids are <node>-cluster_ip-<n>, in the group <node>-group)");
            return;
        }
        if (!p.params().containsKey("ip")) {
            layout.notCarriedOver("virtual IP " + p.id() + ": it has no ip parameter");
            return;
        }
        layout.group(node.get()).vips.put(Integer.parseInt(id.group(2)), new CibLayout.Vip(p.id(),
                Integer.parseInt(id.group(2)), p.params().get("ip"), Optional.ofNullable(p.params().get("cidr_netmask")),
                Optional.ofNullable(p.params().get("nic"))));
        extraParams(p, Map.of("ip", p.params().get("ip"), "cidr_netmask", p.params().getOrDefault("cidr_netmask", ""),
                "nic", p.params().getOrDefault("nic", "")));
        primitiveMeta(p);
    }

    private void portBlock(Primitive p, Optional<String> groupNode) {
        String action = p.params().getOrDefault("action", "");
        if (groupNode.isEmpty() || !(action.equals("block") || action.equals("unblock"))) {
            layout.notCarriedOver("resource " + p.id() + " (" + p.agent() + " " + Dom.describe(p.params()) + "): not one"
                    + " side of GlusterFS's portblock pair in a node's group; " + REPLACED);
            return;
        }
        Optional<String> tickleDir = Optional.ofNullable(p.params().get("tickle_dir"));
        layout.group(groupNode.get()).portBlocks.add(
                new CibLayout.PortBlockSide(p.id(), action, p.params().getOrDefault("ip", ""), tickleDir));
        Map<String, String> expected = new java.util.HashMap<>(Map.of("protocol", "tcp", "portno", "2049",
                "action", action, "ip", p.params().getOrDefault("ip", "")));
        if (action.equals("unblock")) {
            expected.put("reset_local_on_unblock_stop", "true");
            tickleDir.ifPresent(dir -> expected.put("tickle_dir", dir));
        }
        extraParams(p, expected);
        primitiveMeta(p);
    }

    /** Parameters of {@code p} that the GaneshaCluster's rendering does not write as they are. */
    private void extraParams(Primitive p, Map<String, String> rendered) {
        Map<String, String> other = p.paramsOtherThan(rendered);
        if (!other.isEmpty()) {
            layout.notCarriedOver("parameters of " + p.id() + " (" + p.agent() + "): " + Dom.describe(other));
        }
    }

    private void primitiveMeta(Primitive p) {
        if (!p.meta().isEmpty()) {
            layout.notCarriedOver("meta attributes of " + p.id() + ": " + Dom.describe(p.meta()));
        }
    }
}
