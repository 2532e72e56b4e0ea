package io.ganeshaha.agent.failover;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The acknowledgement handshake that replaces GlusterFS's blind sleep between deleting
 * {@code grace-active} and deleting {@code ganesha-active}, carried in two transient attributes:
 *
 * <ul>
 *   <li>{@value #REQUEST_ATTRIBUTE} on the node whose nfsd left (or returns): a fresh epoch, set
 *       before it changes {@code grace-active};
 *   <li>{@value #ACK_ATTRIBUTE} on each survivor: {@code node=epoch} tokens, one per peer, saying
 *       "my nfsd is in grace for that peer's event of that epoch".
 * </ul>
 *
 * The leaving node moves its virtual IP (deletes {@code ganesha-active}) once every survivor's ack
 * names its current epoch, or when {@code grace_delay} runs out, whichever comes first. An old ack
 * from an earlier failover never counts, because its epoch differs.
 */
public final class GraceAcks {

    public static final String REQUEST_ATTRIBUTE = "ganesha-grace-request";
    public static final String ACK_ATTRIBUTE = "ganesha-grace-ack";

    private GraceAcks() {}

    /** The {@code node=epoch} tokens of one survivor's ack attribute. */
    public static Map<String, String> parse(String value) {
        Map<String, String> acks = new LinkedHashMap<>();
        if (value == null) {
            return acks;
        }
        for (String token : value.trim().split("\\s+")) {
            int eq = token.lastIndexOf('=');
            if (eq > 0 && eq < token.length() - 1) {
                acks.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        return acks;
    }

    /** The ack value after acknowledging {@code peer}'s event {@code epoch}; other peers' acks stay. */
    public static String with(String current, String peer, String epoch) {
        Map<String, String> acks = parse(current);
        acks.put(peer, epoch);
        StringBuilder value = new StringBuilder();
        acks.forEach((node, e) -> value.append(value.length() == 0 ? "" : " ").append(node).append('=').append(e));
        return value.toString();
    }

    /** Survivors that have not yet acknowledged {@code node}'s event {@code epoch}. */
    public static Set<String> missing(Set<String> survivors, Map<String, String> ackValuesByNode, String node,
            String epoch) {
        Set<String> missing = new TreeSet<>();
        for (String survivor : survivors) {
            if (!epoch.equals(parse(ackValuesByNode.get(survivor)).get(node))) {
                missing.add(survivor);
            }
        }
        return missing;
    }

    /** Peers that count as survivors: nfsd serving there and its grace clone allowed to run. */
    public static Set<String> survivors(Map<String, String> ganeshaActive, Map<String, String> graceActive,
            String self) {
        Set<String> survivors = new TreeSet<>();
        ganeshaActive.forEach((node, value) -> {
            if (!node.equals(self) && "1".equals(value) && "1".equals(graceActive.get(node))) {
                survivors.add(node);
            }
        });
        return survivors;
    }

    /**
     * Where the wait for the survivors stands: who counts as a survivor now, who has not
     * acknowledged {@code epoch} yet, and whether the deadline ({@code grace_delay} after the first
     * attribute moved) has passed. The wait is over when nobody is missing or the deadline passed.
     */
    public record Progress(Set<String> survivors, Set<String> missing, boolean deadlinePassed) {

        public boolean complete() {
            return missing.isEmpty();
        }

        public boolean over() {
            return complete() || deadlinePassed;
        }

        public Set<String> acknowledged() {
            Set<String> acked = new TreeSet<>(survivors);
            acked.removeAll(missing);
            return acked;
        }
    }

    /** Judges the wait from the three attributes as every node holds them, at {@code now}. */
    public static Progress progress(Map<String, String> ganeshaActive, Map<String, String> graceActive,
            Map<String, String> ackValuesByNode, String self, String epoch, Instant now, Instant deadline) {
        Set<String> survivors = survivors(ganeshaActive, graceActive, self);
        return new Progress(survivors, missing(survivors, ackValuesByNode, self, epoch), !now.isBefore(deadline));
    }
}
