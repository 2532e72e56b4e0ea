package io.ganeshaha.api.agent;

import io.ganeshaha.api.v1alpha1.FsalOption;
import io.ganeshaha.api.v1alpha1.Nfsv4Spec;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The cluster's {@code NFSV4} block as ganesha reads it, the same text on every node. The
 * operator renders it into {@link HaConfigMap#NFSV4}; each agent writes that text into
 * {@link AgentSettings#NFSV4_FILE_NAME} beside the exports file, which ganesha.conf includes.
 */
public final class Nfsv4Block {

    /**
     * A value written bare: a whole number, a word, or a comma-separated list of them (ganesha
     * reads {@code Minor_Versions = 1, 2;} as a list, {@code "1, 2"} as one unknown item).
     * Anything else is a string in double quotes.
     */
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_]+(\\s*,\\s*[A-Za-z0-9_]+)*");
    private static final Pattern PARAMETER = Pattern.compile(FsalOption.PARAMETER);
    private static final Pattern UNQUOTABLE = Pattern.compile("[\"\\\\\\x00-\\x1f\\x7f]");

    private Nfsv4Block() {}

    /**
     * The file's text: a comment naming who wrote it, then the block, ending in a newline.
     *
     * @param clusterName the GaneshaCluster's name, the server scope when the spec sets none
     * @throws IllegalArgumentException if a value is out of ganesha's bounds or a setting cannot be
     *     written (the CRD's schema refuses them; this is for an API server that did not)
     */
    public static String render(Nfsv4Spec spec, String clusterName, String comment) {
        int grace = spec.gracePeriodOrDefault();
        int lease = spec.leaseLifetimeOrDefault();
        if (grace < 1 || grace > Nfsv4Spec.MAX_GRACE_PERIOD_SECONDS) {
            throw new IllegalArgumentException("gracePeriodSeconds " + grace + " is not within 1.."
                    + Nfsv4Spec.MAX_GRACE_PERIOD_SECONDS);
        }
        if (lease < 1 || lease > Nfsv4Spec.MAX_LEASE_LIFETIME_SECONDS) {
            throw new IllegalArgumentException("leaseLifetimeSeconds " + lease + " is not within 1.."
                    + Nfsv4Spec.MAX_LEASE_LIFETIME_SECONDS);
        }
        if (grace < lease) {
            throw new IllegalArgumentException("gracePeriodSeconds " + grace + " is shorter than leaseLifetimeSeconds "
                    + lease);
        }
        String scope = spec.serverScopeOrDefault(clusterName);
        if (scope == null || scope.isEmpty() || scope.length() > 255 || UNQUOTABLE.matcher(scope).find()) {
            throw new IllegalArgumentException("serverScope must be 1 to 255 characters without a double quote, a "
                    + "backslash or a control character");
        }
        StringBuilder b = new StringBuilder("# ").append(comment).append('\n')
                .append("# ganesha keeps the last NFSV4 block it reads, whole: include this file after any other.\n")
                .append("NFSV4 {\n");
        line(b, "Grace_Period", Integer.toString(grace));
        line(b, "Lease_Lifetime", Integer.toString(lease));
        line(b, "Server_Scope", '"' + scope + '"');
        // The records the agents read at a takeover and hand back at the fail-back.
        line(b, "RecoveryBackend", "fs");
        // By name, which ganesha matches whatever its case.
        TreeMap<String, String> parameters = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (FsalOption p : spec.getParameters() == null ? List.<FsalOption>of() : spec.getParameters()) {
            String name = p.getName() == null ? "" : p.getName();
            String value = p.getValue() == null ? "" : p.getValue();
            if (!PARAMETER.matcher(name).matches()) {
                throw new IllegalArgumentException("nfsv4.parameters has \"" + name + "\", which is not a setting's name");
            }
            if (Nfsv4Spec.owned(name)) {
                throw new IllegalArgumentException("nfsv4.parameters may not set " + name);
            }
            if (UNQUOTABLE.matcher(value).find()) {
                throw new IllegalArgumentException("nfsv4.parameters." + name
                        + " holds a double quote, a backslash or a control character");
            }
            if (parameters.put(name, value) != null) {
                throw new IllegalArgumentException("nfsv4.parameters gives " + name + " twice");
            }
        }
        parameters.forEach((name, value) -> line(b, name, BARE.matcher(value).matches() ? value : '"' + value + '"'));
        return b.append("}\n").toString();
    }

    private static void line(StringBuilder b, String name, String value) {
        b.append("    ").append(name).append(" = ").append(value).append(";\n");
    }
}
