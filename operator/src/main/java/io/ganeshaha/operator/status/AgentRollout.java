package io.ganeshaha.operator.status;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.Optional;

/** How far the node-agent DaemonSet has rolled out the current pod template. */
public record AgentRollout(int desired, int updated, int ready, boolean observed) {

    public static AgentRollout of(Optional<DaemonSet> daemonSet) {
        return daemonSet.filter(ds -> ds.getStatus() != null).map(ds -> new AgentRollout(
                n(ds.getStatus().getDesiredNumberScheduled()), n(ds.getStatus().getUpdatedNumberScheduled()),
                n(ds.getStatus().getNumberReady()),
                ds.getStatus().getObservedGeneration() != null && ds.getMetadata().getGeneration() != null
                        && ds.getStatus().getObservedGeneration() >= ds.getMetadata().getGeneration()))
                .orElse(new AgentRollout(0, 0, 0, false));
    }

    private static int n(Integer value) {
        return value == null ? 0 : value;
    }

    /** Every scheduled agent runs the current template and is ready. */
    public boolean complete() {
        return observed && updated >= desired && ready >= desired;
    }

    public String describe() {
        return "node-agent DaemonSet: " + updated + " of " + desired + " updated, " + ready + " ready"
                + (observed ? "" : " (controller has not seen the latest template yet)");
    }
}
