package io.ganeshaha.api.v1alpha1;

import java.util.Optional;

/**
 * Which rendering of which GaneshaCluster the Pacemaker configuration comes from: the cluster's uid
 * and the generation of the rendering, written {@code <uid>/<generation>}. The operator puts it in
 * the ConfigMap ({@code cib-generation}); the agents record it in the CIB. Generations are ordered
 * only within one uid: a cluster deleted and created again starts at generation 1 and must still
 * replace what its predecessor left in the CIB.
 */
public record CibGeneration(String clusterUid, long generation) {

    public static Optional<CibGeneration> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int slash = text.strip().lastIndexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CibGeneration(text.strip().substring(0, slash),
                    Long.parseLong(text.strip().substring(slash + 1))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A newer rendering of the same cluster than {@code other}. */
    public boolean newerThan(CibGeneration other) {
        return clusterUid.equals(other.clusterUid) && generation > other.generation;
    }

    @Override
    public String toString() {
        return clusterUid + "/" + generation;
    }
}
