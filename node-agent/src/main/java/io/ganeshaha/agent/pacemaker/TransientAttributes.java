package io.ganeshaha.agent.pacemaker;

import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every node's transient attributes at one moment, as the CIB's status section holds them: what
 * the agent's watches look at, all of them from one read ({@link CibAttributes}) instead of a
 * process per attribute. The CIB is attrd's copy, written a little behind it and rewritten when
 * the designated controller changes, so a value it lacks is a hint, not a fact: whatever the agent
 * does on a value that vanished is decided on attrd's own answer ({@link NodeAttributes}).
 *
 * @param byNode node name to (attribute name to value)
 */
public record TransientAttributes(Map<String, Map<String, String>> byNode) {

    public TransientAttributes {
        Map<String, Map<String, String>> copy = new TreeMap<>();
        byNode.forEach((node, values) -> copy.put(node, Collections.unmodifiableMap(new TreeMap<>(values))));
        byNode = Collections.unmodifiableMap(copy);
    }

    /** The attribute's value on every node where it is set. */
    public Map<String, String> all(String name) {
        Map<String, String> all = new TreeMap<>();
        byNode.forEach((node, values) -> {
            String value = values.get(name);
            if (value != null) {
                all.put(node, value);
            }
        });
        return all;
    }

    /** The attribute's value on one node, empty when it is not set there. */
    public Optional<String> value(String node, String name) {
        return Optional.ofNullable(byNode.getOrDefault(node, Map.of()).get(name));
    }

    /**
     * Reads cibadmin's answer to {@link CibAttributes#XPATH}: the {@code transient_attributes}
     * elements (their id is the node's id) and the configured {@code node} elements that name
     * those ids, wrapped in {@code xpath-query} when more than one matched. A node id the
     * configuration does not name is left out: attrd knows every node by name, and a node the
     * snapshot knew by its id alone would look lost the moment attrd was asked.
     */
    static TransientAttributes parse(String xml) throws IOException {
        Document doc = CibXml.read(xml);
        Map<String, String> names = new HashMap<>();
        NodeList nodes = doc.getElementsByTagName("node");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element node = (Element) nodes.item(i);
            if (!node.getAttribute("id").isEmpty() && !node.getAttribute("uname").isEmpty()) {
                names.put(node.getAttribute("id"), node.getAttribute("uname"));
            }
        }
        Map<String, Map<String, String>> byNode = new TreeMap<>();
        NodeList sets = doc.getElementsByTagName("transient_attributes");
        for (int i = 0; i < sets.getLength(); i++) {
            Element set = (Element) sets.item(i);
            String name = names.get(set.getAttribute("id"));
            if (name == null) {
                continue;
            }
            Map<String, String> values = byNode.computeIfAbsent(name, n -> new TreeMap<>());
            NodeList pairs = set.getElementsByTagName("nvpair");
            for (int j = 0; j < pairs.getLength(); j++) {
                Element pair = (Element) pairs.item(j);
                if (pair.hasAttribute("name") && pair.hasAttribute("value")) {
                    values.put(pair.getAttribute("name"), pair.getAttribute("value"));
                }
            }
        }
        return new TransientAttributes(byNode);
    }
}
