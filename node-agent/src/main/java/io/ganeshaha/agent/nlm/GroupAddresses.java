package io.ganeshaha.agent.nlm;

import io.ganeshaha.agent.pacemaker.CibXml;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The virtual IPs that follow a ganesha_takeover instance: the {@code ip} of every IPaddr2 member
 * of the group the instance heads ({@code <node>-group}), read from the CIB's resources section.
 */
public final class GroupAddresses {

    private GroupAddresses() {}

    /**
     * @param resources the CIB's {@code resources} section
     * @param instance the ganesha_takeover resource's id
     * @throws IOException if the XML cannot be read, or no group holds {@code instance}
     */
    public static List<String> of(String resources, String instance) throws IOException {
        Document doc = CibXml.read(resources);
        NodeList primitives = doc.getElementsByTagName("primitive");
        for (int i = 0; i < primitives.getLength(); i++) {
            Element primitive = (Element) primitives.item(i);
            if (!instance.equals(primitive.getAttribute("id"))) {
                continue;
            }
            Node parent = primitive.getParentNode();
            if (!(parent instanceof Element group) || !group.getTagName().equals("group")) {
                throw new IOException("the resource " + instance + " is not in a group");
            }
            List<String> addresses = new ArrayList<>();
            for (Node n = group.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element member && member.getTagName().equals("primitive")
                        && member.getAttribute("type").equals("IPaddr2")) {
                    ip(member).ifPresent(addresses::add);
                }
            }
            return List.copyOf(addresses);
        }
        throw new IOException("no resource " + instance + " in the CIB");
    }

    private static java.util.Optional<String> ip(Element primitive) {
        NodeList nvpairs = primitive.getElementsByTagName("nvpair");
        for (int i = 0; i < nvpairs.getLength(); i++) {
            Element nvpair = (Element) nvpairs.item(i);
            // the instance attributes' ip, not e.g. a meta attribute of that name
            if (nvpair.getAttribute("name").equals("ip") && nvpair.getParentNode() instanceof Element set
                    && set.getTagName().equals("instance_attributes") && !nvpair.getAttribute("value").isBlank()) {
                return java.util.Optional.of(nvpair.getAttribute("value").strip());
            }
        }
        return java.util.Optional.empty();
    }
}
