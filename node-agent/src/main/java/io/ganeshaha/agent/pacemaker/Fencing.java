package io.ganeshaha.agent.pacemaker;

import io.ganeshaha.api.v1alpha1.NodeObservation;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether Pacemaker fences a node it lost, as its {@code stonith-enabled} cluster property says.
 * Without fencing, a lost node's clone instances count as stopped with no stop action (no
 * post-stop notify), and a node that is only cut off keeps its addresses and serves on.
 */
public enum Fencing {
    ENABLED(NodeObservation.FENCING_ENABLED),
    DISABLED(NodeObservation.FENCING_DISABLED),
    UNKNOWN(NodeObservation.FENCING_UNKNOWN);

    public static final String STONITH_ENABLED = "stonith-enabled";

    /** Pacemaker's boolean spellings (crm_str_to_boolean), compared without case. */
    private static final Set<String> TRUE = Set.of("true", "on", "yes", "y", "1");
    private static final Set<String> FALSE = Set.of("false", "off", "no", "n", "0");

    private final String apiValue;

    Fencing(String apiValue) {
        this.apiValue = apiValue;
    }

    /** The word GaneshaNode's {@code status.fencing} uses. */
    public String apiValue() {
        return apiValue;
    }

    /** From the property's value; unset is Pacemaker's default, fencing on. A value Pacemaker would not take is unknown. */
    public static Fencing of(Optional<String> stonithEnabled) {
        if (stonithEnabled.isEmpty()) {
            return ENABLED;
        }
        String value = stonithEnabled.get().strip().toLowerCase(Locale.ROOT);
        return TRUE.contains(value) ? ENABLED : FALSE.contains(value) ? DISABLED : UNKNOWN;
    }
}
