package io.ganeshaha.agent.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What every node of an in-memory cluster did, in the one order it happened: attribute changes,
 * grace calls, virtual IPs moving. Tests assert orderings on it ("every survivor entered grace
 * before the VIP moved") instead of on moments that timing makes likely.
 */
public final class Journal {

    /** One thing a node did; {@code seq} orders all entries of the cluster. */
    public record Entry(long seq, String node, String what) {
        @Override
        public String toString() {
            return seq + " " + node + ": " + what;
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    public synchronized void add(String node, String what) {
        entries.add(new Entry(entries.size(), node, what));
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The first entry of {@code node} saying exactly {@code what}; -1 when there is none. */
    public long first(String node, String what) {
        return entries().stream().filter(e -> e.node().equals(node) && e.what().equals(what)).mapToLong(Entry::seq)
                .findFirst().orElse(-1);
    }

    public boolean contains(String node, String what) {
        return first(node, what) >= 0;
    }

    public List<Entry> matching(Predicate<Entry> filter) {
        return entries().stream().filter(filter).toList();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        entries().forEach(e -> text.append(e).append('\n'));
        return text.toString();
    }
}
