package io.ganeshaha.agent.exports;

import io.ganeshaha.api.agent.ExportBlocks;
import io.ganeshaha.api.v1alpha1.ExportSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What to ask of ganesha to go from the exports it serves to the ones specified: the decision
 * alone, no call. A step per export that differs, in an order ganesha accepts: removals first
 * (deepest pseudo path first: ganesha refuses to remove an export others are mounted under), then
 * replacements, updates, and additions (shallowest pseudo path first). An export whose path,
 * pseudo path or FSAL changed is replaced (removed, then added again: ganesha's UpdateExport
 * refuses the first and third and does not remount the second); any other change is an update.
 */
public final class ExportPlan {

    public enum Kind {
        REMOVE,
        REPLACE,
        UPDATE,
        ADD
    }

    /**
     * One D-Bus step.
     *
     * @param desired the export as specified; null for a removal
     * @param served the export as ganesha serves it now; null for an addition
     */
    public record Step(Kind kind, int id, ExportSpec desired, ExportSpec served) {}

    private ExportPlan() {}

    /** Without exports served in an unknown version. */
    public static List<Step> plan(Map<Integer, ExportSpec> desired, Map<Integer, ExportSpec> served, Set<Integer> foreign) {
        return plan(desired, served, foreign, Set.of());
    }

    /**
     * @param desired the specified exports by id
     * @param served what ganesha serves of ganesha-ha's exports, as they were applied, by id
     * @param leaveAlone ids never touched: served from another configuration, or specified in a way
     *     that cannot be applied
     * @param unknownVersion served ids whose settings are not known (the call that set them was
     *     not answered): given their spec again, whatever {@code served} says of them but the path
     */
    public static List<Step> plan(Map<Integer, ExportSpec> desired, Map<Integer, ExportSpec> served,
            Set<Integer> leaveAlone, Set<Integer> unknownVersion) {
        List<Step> steps = new ArrayList<>();
        served.forEach((id, spec) -> {
            if (!desired.containsKey(id) && !leaveAlone.contains(id)) {
                steps.add(new Step(Kind.REMOVE, id, null, spec));
            }
        });
        desired.forEach((id, spec) -> {
            if (leaveAlone.contains(id)) {
                return;
            }
            ExportSpec now = served.get(id);
            if (now == null) {
                steps.add(new Step(Kind.ADD, id, spec, null));
            } else if (unknownVersion.contains(id) || !ExportBlocks.render(now).equals(ExportBlocks.render(spec))) {
                steps.add(new Step(mustReplace(now, spec) ? Kind.REPLACE : Kind.UPDATE, id, spec, now));
            }
        });
        steps.sort(Comparator.comparing(Step::kind).thenComparing(ExportPlan::depthOrder).thenComparing(Step::id));
        return steps;
    }

    /** What UpdateExport cannot change on a served export. */
    static boolean mustReplace(ExportSpec served, ExportSpec desired) {
        return !Objects.equals(served.getPath(), desired.getPath())
                || !Objects.equals(served.getPseudo(), desired.getPseudo())
                || !fsalBlock(served).equals(fsalBlock(desired));
    }

    private static String fsalBlock(ExportSpec spec) {
        String block = ExportBlocks.render(spec);
        return block.substring(block.indexOf("    FSAL {"), block.indexOf("    }\n", block.indexOf("    FSAL {")));
    }

    /** Removals deepest first, everything else shallowest first. */
    private static int depthOrder(Step step) {
        ExportSpec spec = step.kind() == Kind.REMOVE ? step.served() : step.desired();
        int depth = (int) spec.getPseudo().chars().filter(c -> c == '/').count();
        return step.kind() == Kind.REMOVE ? -depth : depth;
    }
}
