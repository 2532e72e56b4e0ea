package io.ganeshaha.api.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ganeshaha.api.v1alpha1.ExportAccess;
import io.ganeshaha.api.v1alpha1.ExportClientSpec;
import io.ganeshaha.api.v1alpha1.ExportSpec;
import io.ganeshaha.api.v1alpha1.ExportSquash;
import io.ganeshaha.api.v1alpha1.FsalOption;
import io.ganeshaha.api.v1alpha1.FsalSpec;
import io.ganeshaha.api.v1alpha1.NfsProtocol;
import io.ganeshaha.api.v1alpha1.NfsTransport;
import io.ganeshaha.api.v1alpha1.SecurityFlavor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A GaneshaCluster's exports as ganesha reads them: one {@code EXPORT} block per export, the same
 * text on every node. The operator carries the exports to the agents as JSON
 * ({@link HaConfigMap#EXPORTS}); each agent renders the blocks here, so that both sides agree on
 * what a change is without a parser of ganesha's syntax.
 */
public final class ExportBlocks {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    /**
     * An FSAL setting's value written bare: a whole number or a word (a boolean, an enumeration).
     * Anything else is a string in double quotes: bare, ganesha's lexer reads {@code 10.0.0.5} as
     * an address and {@code 1.5} as a file system id, not as text.
     */
    private static final Pattern BARE = Pattern.compile("[0-9]+|[A-Za-z_][A-Za-z0-9_]*");
    /** An FSAL's name, or one of its settings'. */
    private static final Pattern PARAMETER = Pattern.compile(FsalOption.PARAMETER);
    /** What a double-quoted value of ganesha's configuration cannot hold. */
    private static final Pattern UNQUOTABLE = Pattern.compile("[\"\\\\\\x00-\\x1f\\x7f]");

    private ExportBlocks() {}

    /** {@link HaConfigMap#EXPORTS}'s text: the exports as JSON, by export id. */
    public static String toJson(List<ExportSpec> exports) {
        try {
            return JSON.writeValueAsString(byId(exports));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an export list is plain data: " + e.getMessage(), e);
        }
    }

    /** {@link HaConfigMap#EXPORTS}'s text read back. */
    public static List<ExportSpec> fromJson(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<ExportSpec>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a list of exports: " + e.getOriginalMessage(), e);
        }
    }

    private static List<ExportSpec> byId(List<ExportSpec> exports) {
        List<ExportSpec> sorted = new ArrayList<>(exports == null ? List.of() : exports);
        sorted.sort(Comparator.comparing(ExportSpec::getExportId, Comparator.nullsFirst(Comparator.naturalOrder())));
        return sorted;
    }

    /**
     * The {@code EXPORT} block of {@code export}, ending in a newline.
     *
     * @throws IllegalArgumentException if a field is missing or holds what ganesha's syntax
     *     cannot carry (the CRD's schema refuses both; this is for an API server that did not)
     */
    public static String render(ExportSpec export) {
        int id = Objects.requireNonNull(export.getExportId(), "exportId");
        if (id < 1 || id > 65535) {
            throw new IllegalArgumentException("export " + id + ": exportId must be 1..65535");
        }
        StringBuilder b = new StringBuilder("EXPORT {\n");
        line(b, 1, "Export_Id", Integer.toString(id));
        line(b, 1, "Path", quoted(id, "path", export.getPath()));
        line(b, 1, "Pseudo", quoted(id, "pseudo", export.getPseudo()));
        line(b, 1, "Access_Type", access(export.getAccessType(), ExportAccess.RW));
        line(b, 1, "Squash", squash(export.getSquash(), ExportSquash.RootSquash));
        line(b, 1, "Protocols", list(export.getProtocols(), List.of(NfsProtocol.NFSv4), NfsProtocol::ganeshaName));
        line(b, 1, "Transports", list(export.getTransports(), List.of(NfsTransport.TCP), NfsTransport::name));
        line(b, 1, "SecType", list(export.getSecurityFlavors(), List.of(SecurityFlavor.sys), SecurityFlavor::name));
        FsalSpec fsal = export.getFsal() == null ? new FsalSpec() : export.getFsal();
        String fsalName = fsalName(fsal);
        if (!PARAMETER.matcher(fsalName).matches()) {
            throw new IllegalArgumentException("export " + id + ": fsal.name \"" + fsalName + "\" is not an FSAL name");
        }
        b.append("    FSAL {\n");
        line(b, 2, "Name", fsalName);
        // By name, which ganesha matches whatever its case: the order they are listed in changes
        // nothing ganesha sees.
        TreeMap<String, String> options = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (FsalOption option : fsal.getOptions() == null ? List.<FsalOption>of() : fsal.getOptions()) {
            String name = option.getName() == null ? "" : option.getName();
            if (!PARAMETER.matcher(name).matches() || name.equalsIgnoreCase("name")) {
                throw new IllegalArgumentException("export " + id + ": fsal.options has \"" + name
                        + "\", which is not an FSAL setting's name");
            }
            if (options.put(name, option.getValue() == null ? "" : option.getValue()) != null) {
                throw new IllegalArgumentException("export " + id + ": fsal.options gives " + name + " twice");
            }
        }
        options.forEach((name, value) -> line(b, 2, name, BARE.matcher(value).matches() ? value
                : value.isEmpty() ? "\"\"" : quoted(id, "fsal.options." + name, value)));
        b.append("    }\n");
        for (ExportClientSpec client : export.getClients() == null ? List.<ExportClientSpec>of() : export.getClients()) {
            if (client.getClients() == null || client.getClients().isEmpty()) {
                throw new IllegalArgumentException("export " + id + ": a client entry names no client");
            }
            b.append("    CLIENT {\n");
            List<String> names = new ArrayList<>();
            for (String name : client.getClients()) {
                if (name == null || !name.matches(ExportClientSpec.CLIENT)) {
                    throw new IllegalArgumentException("export " + id + ": \"" + name + "\" is not a client (an IP "
                            + "address, a network, a host name, a wildcard, a netgroup or *)");
                }
                // Bare: ganesha's lexer takes a double-quoted string for no client ("Expected a client").
                names.add(name);
            }
            line(b, 2, "Clients", String.join(", ", names));
            line(b, 2, "Access_Type", access(client.getAccessType(), export.getAccessType() == null ? ExportAccess.RW
                    : export.getAccessType()));
            line(b, 2, "Squash", squash(client.getSquash(), export.getSquash() == null ? ExportSquash.RootSquash
                    : export.getSquash()));
            b.append("    }\n");
        }
        return b.append("}\n").toString();
    }

    /** The FSAL's name, VFS when unset. */
    public static String fsalName(FsalSpec fsal) {
        return fsal == null || fsal.getName() == null || fsal.getName().isBlank() ? FsalSpec.DEFAULT_NAME : fsal.getName();
    }

    private static void line(StringBuilder b, int depth, String name, String value) {
        b.append("    ".repeat(depth)).append(name).append(" = ").append(value).append(";\n");
    }

    private static String quoted(int id, String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("export " + id + ": " + field + " is required");
        }
        if ((field.equals("path") || field.equals("pseudo")) && !value.startsWith("/")) {
            throw new IllegalArgumentException("export " + id + ": " + field + " \"" + value + "\" is not absolute");
        }
        if (UNQUOTABLE.matcher(value).find()) {
            throw new IllegalArgumentException("export " + id + ": " + field
                    + " holds a double quote, a backslash or a control character");
        }
        return '"' + value + '"';
    }

    private static String access(ExportAccess access, ExportAccess fallback) {
        return (access == null ? fallback : access).name();
    }

    private static String squash(ExportSquash squash, ExportSquash fallback) {
        return (squash == null ? fallback : squash).ganeshaName();
    }

    private static <T> String list(List<T> values, List<T> fallback, java.util.function.Function<T, String> name) {
        List<T> chosen = values == null || values.isEmpty() ? fallback : values;
        return chosen.stream().distinct().map(name).collect(Collectors.joining(", "));
    }
}
