package io.ganeshaha.migrate;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** The names a GaneshaCluster needs, made from GlusterFS's. */
final class KubernetesNames {

    /** A GaneshaCluster's name is at most 52 characters (its CRD's rule: it prefixes the agents' objects). */
    static final int MAX_CLUSTER_NAME = 52;
    /** What Kubernetes accepts as a node name (the CRD's pattern for spec.nodes[].name). */
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private KubernetesNames() {}

    /** HA_NAME lowercased into a DNS-1123 label: every other character a dash, at most 52. */
    static Optional<String> clusterName(String haName) {
        String name = haName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (name.length() > MAX_CLUSTER_NAME) {
            name = name.substring(0, MAX_CLUSTER_NAME).replaceAll("-+$", "");
        }
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }

    static boolean isNodeName(String name) {
        return name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches();
    }
}
