package io.ganeshaha.api.crd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the {@code additionalPrinterColumns} of a generated CRD in the order {@code kubectl get}
 * should show them. Fabric8's generator sorts them by name (AGE first); this runs right after it
 * in the build ({@code process-classes}) and reorders the column entries as text, so every other
 * byte of the generated file stays as the generator wrote it.
 *
 * <pre>PrinterColumnOrder DIR</pre>
 * rewrites each {@code <plural>.<group>-v1.yml} in DIR that {@link #ORDER} names.
 */
public final class PrinterColumnOrder {

    /** The columns of each CRD, by file name, in the order users read them: state first, age last. */
    public static final Map<String, List<String>> ORDER = Map.of(
            "ganeshaclusters.ganeshaha.io-v1.yml", List.of("Ready", "Nodes", "VIPs", "Exports", "Failover", "Age"),
            "ganeshanodes.ganeshaha.io-v1.yml", List.of("Cluster", "Node", "Nfsd", "VIPs", "Last Seen"));

    private static final String BLOCK = "  - additionalPrinterColumns:\n";
    private static final Pattern NAME = Pattern.compile("(?m)^      name: \"([^\"]*)\"$");

    private PrinterColumnOrder() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: PrinterColumnOrder DIR (the generator's output directory)");
        }
        ORDER.forEach((file, order) -> {
            Path crd = Path.of(args[0]).resolve(file);
            try {
                Files.writeString(crd, reorder(Files.readString(crd), order));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reorder the printer columns of " + crd, e);
            }
        });
    }

    /**
     * The CRD text with each version's column entries in {@code order}.
     *
     * @throws IllegalArgumentException when a column is not in {@code order} or one in it is missing:
     *     a column added to the model must be placed here too
     */
    public static String reorder(String crd, List<String> order) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        int block;
        while ((block = crd.indexOf(BLOCK, at)) >= 0) {
            int start = block + BLOCK.length();
            int end = start;
            // The entries: lines indented four spaces starting "- ", and their six-space continuations.
            while (end < crd.length() && (crd.startsWith("    - ", end) || crd.startsWith("      ", end))) {
                end = crd.indexOf('\n', end) + 1;
            }
            out.append(crd, at, start).append(String.join("", sorted(crd.substring(start, end), order)));
            at = end;
        }
        return out.append(crd.substring(at)).toString();
    }

    private static List<String> sorted(String entries, List<String> order) {
        List<String> items = new ArrayList<>();
        for (String line : entries.split("(?<=\n)")) {
            if (line.startsWith("    - ")) {
                items.add(line);
            } else {
                items.set(items.size() - 1, items.get(items.size() - 1) + line);
            }
        }
        List<String> names = items.stream().map(PrinterColumnOrder::name).toList();
        if (!names.stream().sorted().toList().equals(order.stream().sorted().toList())) {
            throw new IllegalArgumentException("the CRD has the printer columns " + names + ", the order names " + order);
        }
        return items.stream().sorted(java.util.Comparator.comparingInt(item -> order.indexOf(name(item)))).toList();
    }

    private static String name(String item) {
        // The name is a continuation line, or the entry's first line when the generator put it first.
        Matcher m = NAME.matcher(item.replaceFirst("^    - ", "      "));
        if (!m.find()) {
            throw new IllegalArgumentException("a printer column without a name: " + item);
        }
        return m.group(1);
    }
}
