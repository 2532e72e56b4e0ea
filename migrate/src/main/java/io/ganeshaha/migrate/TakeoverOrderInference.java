package io.ganeshaha.migrate;

import io.ganeshaha.api.v1alpha1.TakeoverOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which {@link TakeoverOrder} the location preferences ganesha-ha.sh wrote amount to. It gave each
 * node's group its home node the highest score and the others, listed after the home and wrapping
 * around, ascending scores: the node listed just before the home got the second highest, which is
 * {@code Preceding}. Preferences edited by hand may match {@code Following}, or neither.
 */
final class TakeoverOrderInference {

    /** The order, or empty when the preferences match neither; {@code mismatches} names why. */
    record Result(Optional<TakeoverOrder> order, List<String> mismatches) {}

    private TakeoverOrderInference() {}

    static Result infer(List<String> members, Map<String, CibLayout.NodeGroup> groups) {
        EnumSet<TakeoverOrder> candidates = EnumSet.allOf(TakeoverOrder.class);
        List<String> mismatches = new ArrayList<>();
        for (int home = 0; home < members.size(); home++) {
            CibLayout.NodeGroup group = groups.get(members.get(home));
            String resource = group.preferencesOf == null ? members.get(home) + "-group" : group.preferencesOf;
            Optional<List<String>> ranking = ranking(group.preferences);
            if (ranking.isEmpty() || !ranking.get().containsAll(members) || ranking.get().size() != members.size()
                    || !ranking.get().get(0).equals(members.get(home))) {
                mismatches.add("location preferences of " + resource + " (" + Dom.describe(group.preferences) + "): they"
                        + " do not rank its home node first and every member after it with distinct scores");
                continue;
            }
            EnumSet<TakeoverOrder> matching = EnumSet.noneOf(TakeoverOrder.class);
            for (TakeoverOrder order : TakeoverOrder.values()) {
                if (ranking.get().equals(expected(members, home, order))) {
                    matching.add(order);
                }
            }
            if (matching.isEmpty()) {
                mismatches.add("location preferences of " + resource + " (" + Dom.describe(group.preferences) + "): they"
                        + " match neither takeoverOrder Preceding nor Following");
            }
            candidates.retainAll(matching.isEmpty() ? candidates : matching);
        }
        if (!mismatches.isEmpty() || candidates.isEmpty()) {
            if (mismatches.isEmpty()) {
                mismatches.add("location preferences: some groups follow Preceding, others Following");
            }
            return new Result(Optional.empty(), mismatches);
        }
        // Two members match both: keep GlusterFS's own.
        return new Result(Optional.of(candidates.contains(TakeoverOrder.Preceding) ? TakeoverOrder.Preceding
                : TakeoverOrder.Following), List.of());
    }

    /** Nodes by descending score; empty when a score is not a number or two are equal. */
    static Optional<List<String>> ranking(Map<String, String> preferences) {
        try {
            List<Map.Entry<String, Long>> scored = new ArrayList<>();
            for (var e : preferences.entrySet()) {
                scored.add(Map.entry(e.getKey(), score(e.getValue())));
            }
            scored.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
            for (int i = 1; i < scored.size(); i++) {
                if (scored.get(i).getValue().equals(scored.get(i - 1).getValue())) {
                    return Optional.empty();
                }
            }
            return Optional.of(scored.stream().map(Map.Entry::getKey).toList());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static long score(String score) {
        return switch (score) {
            case "INFINITY", "+INFINITY" -> Long.MAX_VALUE;
            case "-INFINITY" -> Long.MIN_VALUE;
            default -> Long.parseLong(score);
        };
    }

    /** Home first, then the members in {@code order}. */
    static List<String> expected(List<String> members, int home, TakeoverOrder order) {
        List<String> out = new ArrayList<>();
        int n = members.size();
        for (int k = 0; k < n; k++) {
            out.add(members.get(order == TakeoverOrder.Preceding ? Math.floorMod(home - k, n) : (home + k) % n));
        }
        return out;
    }
}
