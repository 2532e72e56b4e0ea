package io.ganeshaha.agent.converge;

import io.ganeshaha.api.v1alpha1.CibGeneration;
import java.util.Optional;

/** What to do with the CIB, given the operator's rendering and what the CIB holds. Pure. */
public enum ConvergeDecision {
    /** The CIB holds this rendering and says so. */
    UP_TO_DATE,
    /** The CIB already holds this rendering; only its generation marker is behind. */
    MARK,
    /** Write the sections, then the marker. */
    APPLY,
    /**
     * The CIB was configured from a newer generation than this node's copy of the ConfigMap (the
     * kubelet updates projected volumes with a delay): leave it, never roll it back.
     */
    STALE_VIEW;

    public static ConvergeDecision decide(CibGeneration desired, Optional<CibGeneration> applied,
            boolean sectionsEqual) {
        if (applied.isPresent() && applied.get().newerThan(desired)) {
            return STALE_VIEW;
        }
        if (sectionsEqual) {
            return applied.isPresent() && applied.get().equals(desired) ? UP_TO_DATE : MARK;
        }
        return APPLY;
    }
}
