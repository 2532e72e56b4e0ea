package io.ganeshaha.agent.pacemaker;

import java.util.Optional;

/**
 * This node's Pacemaker name, asked once (from {@code crm_node -n}) and remembered. The agent may
 * start before Pacemaker does: then the first use asks again.
 */
public class LocalNode {

    /** Where the name comes from: {@link CrmNode#localName()} on a host. */
    @FunctionalInterface
    public interface Lookup {
        String localName() throws PacemakerCommandException;
    }

    private final Lookup lookup;
    private volatile String name;

    public LocalNode(Lookup lookup) {
        this.lookup = lookup;
    }

    /** A node whose name is known from the start. */
    public static LocalNode named(String name) {
        return new LocalNode(() -> name);
    }

    public String name() throws PacemakerCommandException {
        String known = name;
        if (known == null) {
            known = lookup.localName();
            name = known;
        }
        return known;
    }

    /** The name if it is known already, without asking Pacemaker. */
    public Optional<String> known() {
        return Optional.ofNullable(name);
    }
}
