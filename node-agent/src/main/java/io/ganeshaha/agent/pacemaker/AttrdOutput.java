package io.ganeshaha.agent.pacemaker;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses what {@code attrd_updater -Q} prints, one line per node:
 * {@code name="grace-active" host="nfs-1.example.com" value="1"}. Parsed field by field (a glob
 * on this output failed on real GlusterFS clusters). attrd_updater -D leaves the value empty
 * rather than removing the line, so an empty value means "deleted".
 */
public final class AttrdOutput {

    private static final Pattern FIELD = Pattern.compile("([a-z]+)=\"([^\"]*)\"");

    private AttrdOutput() {}

    /** The attribute's non-empty values by node name; nodes where it is deleted are absent. */
    public static Map<String, String> valuesByNode(String output, String attribute) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            Map<String, String> fields = fields(line);
            String host = fields.get("host");
            String value = fields.get("value");
            if (attribute.equals(fields.get("name")) && host != null && value != null && !value.isEmpty()) {
                values.put(host, value);
            }
        }
        return values;
    }

    static Map<String, String> fields(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            fields.put(m.group(1), m.group(2));
        }
        return fields;
    }
}
