package io.ganeshaha.agent.exports;

import java.util.Optional;
import java.util.SortedMap;

/**
 * The cluster's exports on this node, for its GaneshaNode. A value: equal reports mean nothing new.
 *
 * @param appliedGeneration the GaneshaCluster generation whose exports ganesha serves, all of them
 *     as specified
 * @param desiredGeneration the generation of the exports the agent read last
 * @param served how many of the specified exports ganesha serves (in any version)
 * @param refused ganesha's answer for each export it refused, by id
 * @param pending why nothing is being applied now, if so
 */
public record ExportsReport(Optional<Long> appliedGeneration, Optional<Long> desiredGeneration, int served,
        SortedMap<Integer, String> refused, Optional<String> pending) {

    public ExportsReport {
        refused = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(refused));
    }
}
