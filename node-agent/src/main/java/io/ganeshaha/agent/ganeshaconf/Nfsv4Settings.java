package io.ganeshaha.agent.ganeshaconf;

import io.ganeshaha.api.v1alpha1.Nfsv4Spec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NFSV4 settings a node's ganesha.nfsd starts with, read from its configuration file and the
 * files it includes the way ganesha 4.3 reads them ({@link ServerScope}): of several NFSV4 blocks
 * the last one wins whole, and a setting it does not give has ganesha's default.
 *
 * @param serverScope {@link ServerScope#NONE} when the block sets none
 */
public record Nfsv4Settings(String serverScope, int gracePeriodSeconds, int leaseLifetimeSeconds) {

    private static final Pattern GRACE = Pattern.compile("(?i)\\bGrace_Period\\s*=\\s*([0-9]+)\\s*;");
    private static final Pattern LEASE = Pattern.compile("(?i)\\bLease_Lifetime\\s*=\\s*([0-9]+)\\s*;");

    /** ganesha's settings with no NFSV4 block at all. */
    public static final Nfsv4Settings DEFAULTS = new Nfsv4Settings(ServerScope.NONE,
            Nfsv4Spec.DEFAULT_GRACE_PERIOD_SECONDS, Nfsv4Spec.DEFAULT_LEASE_LIFETIME_SECONDS);

    /**
     * The settings of the last NFSV4 block of {@code mainConfig} and its includes.
     *
     * @throws IOException if the main file or an included one cannot be read
     */
    public static Nfsv4Settings of(Path mainConfig) throws IOException {
        String text = ServerScope.expand(mainConfig, mainConfig.toAbsolutePath().getParent(), 0);
        List<String> blocks = ServerScope.nfsv4Blocks(text);
        if (blocks.isEmpty()) {
            return DEFAULTS;
        }
        String last = blocks.get(blocks.size() - 1);
        return new Nfsv4Settings(ServerScope.in(last),
                number(GRACE, last).orElse(Nfsv4Spec.DEFAULT_GRACE_PERIOD_SECONDS),
                number(LEASE, last).orElse(Nfsv4Spec.DEFAULT_LEASE_LIFETIME_SECONDS));
    }

    /** Its last value in the block. */
    private static OptionalInt number(Pattern setting, String block) {
        Matcher m = setting.matcher(block);
        OptionalInt value = OptionalInt.empty();
        while (m.find()) {
            try {
                value = OptionalInt.of(Integer.parseInt(m.group(1)));
            } catch (NumberFormatException e) {
                // Longer than an int: ganesha refuses it at start; nothing this node runs with.
                value = OptionalInt.empty();
            }
        }
        return value;
    }
}
