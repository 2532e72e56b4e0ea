package io.ganeshaha.agent.recovery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which moved clients a taker may release at fail-back, and how. ganesha 4.3 has one way to drop
 * a client's state while it runs: grace event 2 ("release IP") with a string it looks for in each
 * client's owner ({@code strstr}); an empty string matches every client, and the string of one
 * client also matches every other client whose owner contains it ("... client1" is in
 * "... client10"). NFSv4.1 owners hold no server address, so the release names each moved client
 * by its owner. Pure: unit-tested without ganesha.
 *
 * @param release owners to send as {@code 2:<owner>}, each matching that client alone
 * @param skipped what cannot be released without touching another client, with the reason
 */
public record ReleasePlan(List<String> release, List<String> skipped) {

    /**
     * @param moved the owners of the clients that came over from the home node
     * @param others the owners of every other client this node knows (its own records and those
     *     of other nodes it took over)
     */
    public static ReleasePlan of(Collection<String> moved, Collection<String> others) {
        Set<String> all = new LinkedHashSet<>(moved);
        all.addAll(others);
        List<String> release = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String owner : new LinkedHashSet<>(moved)) {
            if (owner.isEmpty()) {
                skipped.add("a client with an empty owner (releasing it would release every client)");
                continue;
            }
            if (owner.indexOf('\0') >= 0 || owner.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
                skipped.add("'" + printable(owner) + "' (not printable: the release call carries text)");
                continue;
            }
            List<String> alsoMatched = all.stream().filter(o -> !o.equals(owner) && o.contains(owner)).toList();
            if (!alsoMatched.isEmpty()) {
                skipped.add("'" + owner + "' (would also release " + alsoMatched + ")");
                continue;
            }
            release.add(owner);
        }
        return new ReleasePlan(List.copyOf(release), List.copyOf(skipped));
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(c >= 0x20 && c <= 0x7e ? Character.toString(c) : String.format("\\x%02x", c)));
        return b.toString();
    }
}
