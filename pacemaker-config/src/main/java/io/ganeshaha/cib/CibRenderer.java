package io.ganeshaha.cib;

import java.io.StringWriter;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Renders the CIB {@code resources} and {@code constraints} sections that GlusterFS's ganesha-ha.sh
 * built with pcs, under the same names, so an operator who knows the GlusterFS layout finds it:
 *
 * <ul>
 *   <li>{@code nfs_setup-clone}: ganesha_nfsd, the state directory link, for the cluster's life;
 *   <li>{@code nfs-mon-clone}: ganesha_mon, the owner of ganesha-active and grace-active;
 *   <li>{@code nfs-grace-clone}: ganesha_grace with {@code notify=true}, banned where
 *       {@code grace-active ne 1}, so its stop on a failing node notifies every survivor;
 *   <li>{@code <node>-group}: {@code <node>-takeover} (ganesha_takeover: on any node but the
 *       home node, its start puts the local nfsd into grace for the home node, also when a whole
 *       node is lost and no notify comes) then {@code <node>-cluster_ip-<n>}, IPaddr2 per virtual
 *       IP; banned where {@code ganesha-active ne 1}, preferring its home node and then the other
 *       members in the cluster's {@link TakeoverOrder} (by default GlusterFS's: the member listed
 *       before the home node first). With a {@link PortBlock}, the
 *       IPaddr2 resources sit between GlusterFS's {@code <node>-nfs_block} and
 *       {@code <node>-nfs_unblock} (ocf:heartbeat:portblock), one pair per virtual IP.
 * </ul>
 *
 * <p>Unlike ganesha-ha.sh, no {@code nfs-grace-clone then <node>-group} order. Its job there was the
 * fail-back (ganesha_mon set both attributes at once, and the order made the VIP wait for the
 * returning node's grace start and its pre-start notifies); here the returning node's agent sets
 * {@code grace-active}, waits for every survivor to acknowledge grace, and only then sets
 * {@code ganesha-active}, and the failover side is the takeover gate's. An order against a clone
 * holds every group start in a transition behind every instance start in it: a node coming back
 * (its supervisor restarting nfsd seconds after a hang was ended) held another node's VIP on no
 * node while the returning instance's notifies ran.
 *
 * Of the cluster options ({@code crm_config}) it renders only those ganesha-ha.sh derived from the
 * member count ({@link #clusterProperties}); fencing stays the administrator's. The one place this layout is written: the test lab and the
 * operator both use it.
 */
public final class CibRenderer {

    /** Score of a virtual IP's home node; each next node in member order gets less. */
    static final int HOME_SCORE = 1000;
    static final int SCORE_STEP = 100;

    public static final String NFSD_CLONE = "nfs_setup-clone";
    public static final String MON_CLONE = "nfs-mon-clone";
    public static final String GRACE_CLONE = "nfs-grace-clone";
    public static final String GANESHA_ACTIVE = "ganesha-active";
    public static final String GRACE_ACTIVE = "grace-active";

    /** What Pacemaker does in a partition without quorum: a cluster property the GaneshaCluster owns. */
    public static final String NO_QUORUM_POLICY = "no-quorum-policy";
    /**
     * The cluster properties the GaneshaCluster owns, and the only ones ganesha-ha ever writes. Not
     * {@code stonith-enabled}: fencing is the administrator's (ganesha-ha.sh turned it off).
     */
    public static final Set<String> OWNED_PROPERTIES = Set.of(NO_QUORUM_POLICY);

    private CibRenderer() {}

    private record Param(String name, String value) {}

    /** grace_delay, and the pid file ganesha_mon's fallback reads when it is not the default. */
    private static List<Param> monParams(HaCluster cluster) {
        List<Param> params = new java.util.ArrayList<>();
        params.add(new Param("grace_delay", Long.toString(cluster.graceDelay().toSeconds())));
        cluster.pidFile().ifPresent(file -> params.add(new Param("pid_file", file)));
        return params;
    }

    /**
     * The group carrying a node's virtual IPs, as later ganesha-ha.sh named it: the takeover gate
     * first (it puts the node taking the IPs over into grace), then the IPaddr2 resources.
     */
    public static String groupId(String node) {
        return xmlId(node + "-group");
    }

    public static String takeoverId(String node) {
        return xmlId(node + "-takeover");
    }

    /** The virtual IP resource id, as ganesha-ha.sh named it: {@code <node>-cluster_ip-<n>}. */
    public static String vipId(String node, int index) {
        return xmlId(node + "-cluster_ip-" + index);
    }

    /**
     * The portblock resource that blocks NFS on a node's {@code index}th virtual IP: ganesha-ha.sh's
     * {@code <node>-nfs_block} for the first (its only one), {@code <node>-nfs_block-<n>} for more.
     */
    public static String blockId(String node, int index) {
        return xmlId(node + "-nfs_block" + (index == 1 ? "" : "-" + index));
    }

    /** The portblock resource that unblocks it again: {@code <node>-nfs_unblock}, {@code -<n>} as above. */
    public static String unblockId(String node, int index) {
        return xmlId(node + "-nfs_unblock" + (index == 1 ? "" : "-" + index));
    }

    /**
     * The cluster properties ({@code crm_config}) rendered from the cluster, by name. ganesha-ha.sh
     * set {@code no-quorum-policy} from the member count: {@code ignore} below three nodes, where
     * a lost peer always takes quorum with it and stopping every resource would end the service
     * the HA pair exists for; {@code stop} (Pacemaker's default) from three, where the majority
     * partition carries on and a minority stops serving.
     */
    public static SortedMap<String, String> clusterProperties(HaCluster cluster) {
        SortedMap<String, String> properties = new TreeMap<>();
        properties.put(NO_QUORUM_POLICY, cluster.members().size() < 3 ? "ignore" : "stop");
        return Collections.unmodifiableSortedMap(properties);
    }

    public static String resources(HaCluster cluster) {
        Document doc = newDocument();
        Element resources = doc.createElement("resources");
        doc.appendChild(resources);

        resources.appendChild(clone(doc, NFSD_CLONE, false, primitive(doc, "nfs_setup", "ocf", cluster.provider(),
                "ganesha_nfsd", List.of(new Param("ha_vol_mnt", cluster.haVolMnt())),
                List.of(op(doc, "nfs_setup", "monitor", "60s", "20s"), op(doc, "nfs_setup", "start", "0", "30s"),
                        op(doc, "nfs_setup", "stop", "0", "30s")))));
        resources.appendChild(clone(doc, MON_CLONE, false, primitive(doc, "nfs-mon", "ocf", cluster.provider(),
                "ganesha_mon", monParams(cluster),
                List.of(op(doc, "nfs-mon", "monitor", "10s", "20s")))));
        resources.appendChild(clone(doc, GRACE_CLONE, true, primitive(doc, "nfs-grace", "ocf", cluster.provider(),
                "ganesha_grace", List.of(),
                List.of(op(doc, "nfs-grace", "monitor", "5s", "20s"), op(doc, "nfs-grace", "notify", "0", "30s")))));
        for (Member member : cluster.members()) {
            if (member.virtualIps().isEmpty()) {
                continue;
            }
            Element group = doc.createElement("group");
            group.setAttribute("id", groupId(member.node()));
            // The gate stays the group's first member, also ahead of the port blocks: a group starts
            // its members in order, so no address comes up on a survivor before its nfsd is in grace
            // for the home node; and a gate that fails leaves the host's packet filter untouched.
            String gate = takeoverId(member.node());
            group.appendChild(primitive(doc, gate, "ocf", cluster.provider(), "ganesha_takeover",
                    List.of(new Param("home_node", member.node())), List.of(op(doc, gate, "monitor", "30s", "20s"))));
            List<VirtualIp> vips = member.virtualIps();
            // Every address blocked before the first comes up, and unblocked only once all are up
            // (stopping runs the other way: blocked and reset, removed, then unblocked).
            cluster.portBlock().ifPresent(portBlock -> {
                for (int i = 1; i <= vips.size(); i++) {
                    group.appendChild(block(doc, blockId(member.node(), i), vips.get(i - 1)));
                }
            });
            for (int i = 1; i <= vips.size(); i++) {
                group.appendChild(ipaddr(doc, vipId(member.node(), i), vips.get(i - 1)));
            }
            cluster.portBlock().ifPresent(portBlock -> {
                for (int i = 1; i <= vips.size(); i++) {
                    group.appendChild(unblock(doc, unblockId(member.node(), i), vips.get(i - 1), portBlock));
                }
            });
            resources.appendChild(group);
        }
        return serialize(doc);
    }

    private static Element ipaddr(Document doc, String id, VirtualIp vip) {
        List<Param> params = new java.util.ArrayList<>();
        params.add(new Param("ip", vip.address()));
        params.add(new Param("cidr_netmask", Integer.toString(vip.prefixLength())));
        vip.nic().ifPresent(nic -> params.add(new Param("nic", nic)));
        return primitive(doc, id, "ocf", "heartbeat", "IPaddr2", params, List.of(op(doc, id, "monitor", "10s", "20s")));
    }

    /** ganesha-ha.sh's {@code <node>-nfs_block}; its monitor as the portblock agent advertises it. */
    private static Element block(Document doc, String id, VirtualIp vip) {
        return primitive(doc, id, "ocf", "heartbeat", "portblock", List.of(new Param("protocol", "tcp"),
                new Param("portno", PortBlock.NFS_PORT), new Param("action", "block"), new Param("ip", vip.address())),
                List.of(op(doc, id, "monitor", "10s", "10s")));
    }

    /** ganesha-ha.sh's {@code <node>-nfs_unblock}, with its longer timeouts (the tickle directory is shared). */
    private static Element unblock(Document doc, String id, VirtualIp vip, PortBlock portBlock) {
        return primitive(doc, id, "ocf", "heartbeat", "portblock", List.of(new Param("protocol", "tcp"),
                new Param("portno", PortBlock.NFS_PORT), new Param("action", "unblock"), new Param("ip", vip.address()),
                new Param("reset_local_on_unblock_stop", "true"), new Param("tickle_dir", portBlock.tickleDir())),
                List.of(op(doc, id, "stop", "0", PortBlock.UNBLOCK_TIMEOUT), op(doc, id, "start", "0", PortBlock.UNBLOCK_TIMEOUT),
                        op(doc, id, "monitor", "10s", PortBlock.UNBLOCK_TIMEOUT)));
    }

    public static String constraints(HaCluster cluster) {
        Document doc = newDocument();
        Element constraints = doc.createElement("constraints");
        doc.appendChild(constraints);
        constraints.appendChild(banUnless(doc, GRACE_CLONE, GRACE_ACTIVE));
        List<Member> members = cluster.members();
        for (int m = 0; m < members.size(); m++) {
            Member member = members.get(m);
            if (!member.virtualIps().isEmpty()) {
                String id = groupId(member.node());
                constraints.appendChild(banUnless(doc, id, GANESHA_ACTIVE));
                // Home first, then one survivor after the other in the takeover order: the order
                // is deterministic, and by default the one ganesha-ha.sh's weights gave.
                for (int k = 0; k < members.size(); k++) {
                    Member host = members.get(k == 0 ? m : cluster.takeoverOrder().pick(m, k, members.size()));
                    Element prefers = doc.createElement("rsc_location");
                    prefers.setAttribute("id", xmlId("location-" + id + "-" + host.node()));
                    prefers.setAttribute("rsc", id);
                    prefers.setAttribute("node", host.node());
                    prefers.setAttribute("score", Integer.toString(HOME_SCORE - k * SCORE_STEP));
                    constraints.appendChild(prefers);
                }
            }
        }
        return serialize(doc);
    }

    /** {@code -INFINITY where ATTRIBUTE ne 1}: also bans where the attribute is not set at all. */
    private static Element banUnless(Document doc, String rsc, String attribute) {
        String id = xmlId("location-" + rsc + "-" + attribute);
        Element location = doc.createElement("rsc_location");
        location.setAttribute("id", id);
        location.setAttribute("rsc", rsc);
        Element rule = doc.createElement("rule");
        rule.setAttribute("id", id + "-rule");
        rule.setAttribute("score", "-INFINITY");
        Element expression = doc.createElement("expression");
        expression.setAttribute("id", id + "-rule-expr");
        expression.setAttribute("attribute", attribute);
        expression.setAttribute("operation", "ne");
        expression.setAttribute("value", "1");
        rule.appendChild(expression);
        location.appendChild(rule);
        return location;
    }

    private static Element clone(Document doc, String id, boolean notify, Element primitive) {
        Element clone = doc.createElement("clone");
        clone.setAttribute("id", id);
        if (notify) {
            Element meta = doc.createElement("meta_attributes");
            meta.setAttribute("id", id + "-meta_attributes");
            meta.appendChild(nvpair(doc, id + "-meta_attributes", "notify", "true"));
            clone.appendChild(meta);
        }
        clone.appendChild(primitive);
        return clone;
    }

    private static Element primitive(Document doc, String id, String cls, String provider, String type,
            List<Param> params, List<Element> ops) {
        Element primitive = doc.createElement("primitive");
        primitive.setAttribute("id", id);
        primitive.setAttribute("class", cls);
        primitive.setAttribute("provider", provider);
        primitive.setAttribute("type", type);
        if (!params.isEmpty()) {
            Element attrs = doc.createElement("instance_attributes");
            attrs.setAttribute("id", id + "-instance_attributes");
            for (Param p : params) {
                attrs.appendChild(nvpair(doc, id + "-instance_attributes", p.name(), p.value()));
            }
            primitive.appendChild(attrs);
        }
        Element operations = doc.createElement("operations");
        ops.forEach(operations::appendChild);
        primitive.appendChild(operations);
        return primitive;
    }

    private static Element op(Document doc, String rsc, String name, String interval, String timeout) {
        Element op = doc.createElement("op");
        op.setAttribute("id", xmlId(rsc + "-" + name + "-interval-" + interval));
        op.setAttribute("name", name);
        op.setAttribute("interval", interval);
        op.setAttribute("timeout", timeout);
        return op;
    }

    private static Element nvpair(Document doc, String prefix, String name, String value) {
        Element nv = doc.createElement("nvpair");
        nv.setAttribute("id", xmlId(prefix + "-" + name));
        nv.setAttribute("name", name);
        nv.setAttribute("value", value);
        return nv;
    }

    /** A valid XML ID from a name that may hold any character a node name can. */
    static String xmlId(String name) {
        StringBuilder id = new StringBuilder();
        for (char c : name.toCharArray()) {
            id.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : '_');
        }
        if (!Character.isLetter(id.charAt(0)) && id.charAt(0) != '_') {
            id.insert(0, "id-");
        }
        return id.toString();
    }

    private static Document newDocument() {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser is not configured", e);
        }
    }

    private static String serialize(Document doc) {
        try {
            var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.setOutputProperty(OutputKeys.INDENT, "yes");
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(doc), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot serialize the CIB section", e);
        }
    }
}
