package io.ganeshaha.migrate;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import org.w3c.dom.Element;

/**
 * Reads the CIB's {@code constraints} as ganesha-ha.sh wrote them: the grace clone banned where
 * {@code grace-active ne 1}; per node its group banned where {@code ganesha-active ne 1}, its
 * location preferences (a score per node), and the order {@code nfs-grace-clone then
 * <node>-cluster_ip-1}. Whatever else is there is named, since the agents replace the section.
 */
final class ConstraintsReader {

    static final String GRACE_CLONE = "nfs-grace-clone";
    private static final String REPLACED = "the agents replace the CIB's constraints with the GaneshaCluster's";

    private final CibLayout layout;

    ConstraintsReader(CibLayout layout) {
        this.layout = layout;
    }

    void read(Element constraints) {
        for (Element constraint : Dom.children(constraints)) {
            boolean known = switch (constraint.getTagName()) {
                case "rsc_location" -> location(constraint);
                case "rsc_order" -> order(constraint);
                default -> false;
            };
            if (!known) {
                layout.notCarriedOver("constraint " + constraint.getAttribute("id") + " (" + constraint.getTagName()
                        + describe(constraint) + "): " + REPLACED);
            }
        }
    }

    private boolean location(Element location) {
        String rsc = location.getAttribute("rsc");
        List<Element> rules = Dom.children(location, "rule");
        if (rules.size() == 1 && Dom.children(location).size() == 1 && !location.hasAttribute("node")) {
            return banRule(rsc, rules.get(0));
        }
        if (!rules.isEmpty() || !location.hasAttribute("node") || !location.hasAttribute("score")) {
            return false;
        }
        Optional<String> node = nodeOfVipResource(rsc);
        if (node.isEmpty()) {
            return false;
        }
        CibLayout.NodeGroup group = layout.group(node.get());
        group.preferencesOf = rsc;
        group.preferences.put(location.getAttribute("node"), location.getAttribute("score"));
        return true;
    }

    /** {@code -INFINITY where ATTRIBUTE ne 1} on the grace clone or on a node's VIPs. */
    private boolean banRule(String rsc, Element rule) {
        List<Element> expressions = Dom.children(rule, "expression");
        if (!"-INFINITY".equals(rule.getAttribute("score")) || expressions.size() != 1
                || Dom.children(rule).size() != 1) {
            return false;
        }
        Element e = expressions.get(0);
        if (!"ne".equals(e.getAttribute("operation")) || !"1".equals(e.getAttribute("value"))) {
            return false;
        }
        return switch (e.getAttribute("attribute")) {
            case "grace-active" -> GRACE_CLONE.equals(rsc);
            case "ganesha-active" -> nodeOfVipResource(rsc).isPresent();
            default -> false;
        };
    }

    private boolean order(Element order) {
        if (!GRACE_CLONE.equals(order.getAttribute("first"))) {
            return false;
        }
        String firstAction = order.getAttribute("first-action");
        String thenAction = order.getAttribute("then-action");
        return (firstAction.isEmpty() || firstAction.equals("start")) && (thenAction.isEmpty() || thenAction.equals("start"))
                && nodeOfVipResource(order.getAttribute("then")).isPresent();
    }

    /** The node whose group {@code rsc} is, or whose virtual IP (constraints of the older, ungrouped layout). */
    private Optional<String> nodeOfVipResource(String rsc) {
        for (var pattern : List.of(ResourcesReader.GROUP_ID, ResourcesReader.VIP_ID)) {
            Matcher m = pattern.matcher(rsc);
            if (m.matches() && layout.isMember(m.group(1))) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    private static String describe(Element constraint) {
        StringBuilder out = new StringBuilder();
        for (String attribute : List.of("rsc", "with-rsc", "first", "then", "node", "score")) {
            if (constraint.hasAttribute(attribute)) {
                out.append(' ').append(attribute).append('=').append(constraint.getAttribute(attribute));
            }
        }
        return out.toString();
    }
}
