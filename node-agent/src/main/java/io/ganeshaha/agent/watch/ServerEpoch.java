package io.ganeshaha.agent.watch;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * ganesha.nfsd's ServerEpoch, of which it makes its client ids and session ids: the value of its
 * {@code -E} option, or else the second it started. Two nodes with the same epoch hand out the
 * same ids: a client whose VIP moved presents a session the taker gave to another client, gets
 * NFS4ERR_SEQ_MISORDERED instead of BADSESSION, never starts over and never reclaims its state
 * (seen in the lab: 5 of 9 runs with nodes started together). Each node's agent publishes its
 * nfsd's epoch in the transient attribute {@value #ATTRIBUTE} and compares it with its peers'.
 *
 * @param explicit whether it came from {@code -E} (exact); otherwise it is derived from the
 *     process's start time, to the second, and two such epochs a second apart may still be equal
 */
public record ServerEpoch(long seconds, boolean explicit) {

    public static final String ATTRIBUTE = "ganesha-server-epoch";
    /** USER_HZ, the unit of /proc/PID/stat's start time, on every Linux architecture ganesha runs on. */
    static final long TICKS_PER_SECOND = 100;

    /**
     * From nfsd's command line ({@code /proc/PID/cmdline}, split at its NULs), its start time in
     * clock ticks after boot, and the boot time ({@code btime} of {@code /proc/stat}).
     */
    public static ServerEpoch of(List<String> argv, long startTicks, long bootTimeSeconds) {
        for (int i = 1; i < argv.size(); i++) {
            String arg = argv.get(i);
            String value = arg.equals("-E") && i + 1 < argv.size() ? argv.get(i + 1)
                    : arg.startsWith("-E") && arg.length() > 2 ? arg.substring(2) : null;
            if (value != null) {
                try {
                    return new ServerEpoch(Long.parseUnsignedLong(value.strip()), true);
                } catch (NumberFormatException e) {
                    break; // ganesha would not have started with it; fall back to the start time
                }
            }
        }
        return new ServerEpoch(bootTimeSeconds + startTicks / TICKS_PER_SECOND, false);
    }

    /** As published: the number, with a leading {@code ~} when derived from the start time. */
    public String attributeValue() {
        return (explicit ? "" : "~") + seconds;
    }

    public static Optional<ServerEpoch> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        boolean derived = value.startsWith("~");
        try {
            return Optional.of(new ServerEpoch(Long.parseUnsignedLong(derived ? value.substring(1) : value), !derived));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether the two nfsds may hand out the same ids: equal, or a derived one within a second. */
    public boolean mayCollideWith(ServerEpoch other) {
        if (explicit && other.explicit) {
            return seconds == other.seconds;
        }
        return Math.abs(seconds - other.seconds) <= 1;
    }

    /** The peers whose published epoch may collide with {@code mine}, by node name, with theirs. */
    public static Map<String, ServerEpoch> collisions(String self, ServerEpoch mine, Map<String, String> published) {
        Map<String, ServerEpoch> colliding = new TreeMap<>();
        published.forEach((node, value) -> {
            if (!node.equals(self)) {
                parse(value).filter(mine::mayCollideWith).ifPresent(theirs -> colliding.put(node, theirs));
            }
        });
        return colliding;
    }
}
