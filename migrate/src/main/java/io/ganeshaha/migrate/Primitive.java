package io.ganeshaha.migrate;

import java.util.LinkedHashMap;
import java.util.Map;
import org.w3c.dom.Element;

/**
 * A CIB {@code primitive}: its agent and its instance and meta attributes (each set's nvpairs; a
 * rule-bound set counts as well, since ganesha-ha.sh never wrote one).
 */
record Primitive(String id, String agentClass, String provider, String type, Map<String, String> params,
        Map<String, String> meta) {

    static Primitive of(Element element) {
        return new Primitive(element.getAttribute("id"), element.getAttribute("class"), element.getAttribute("provider"),
                element.getAttribute("type"), Dom.nvpairs(element, "instance_attributes"),
                Dom.nvpairs(element, "meta_attributes"));
    }

    /** As crm_mon shows it: {@code ocf:heartbeat:IPaddr}, {@code stonith:fence_ipmilan}. */
    String agent() {
        return agentClass + (provider.isEmpty() ? "" : ":" + provider) + ":" + type;
    }

    /** This primitive's parameters that {@code expected} (name to value) does not hold as they are. */
    Map<String, String> paramsOtherThan(Map<String, String> expected) {
        Map<String, String> other = new LinkedHashMap<>();
        params.forEach((name, value) -> {
            if (!expected.containsKey(name) || !expected.get(name).equals(value)) {
                other.put(name, value);
            }
        });
        return other;
    }
}
