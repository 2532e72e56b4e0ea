package io.ganeshaha.agent.pacemaker;

/**
 * This node's Pacemaker name, asked once from {@code crm_node -n} and remembered. The agent may
 * start before Pacemaker does: then the first use asks again.
 */
public class LocalNode {

    private final CrmNode crmNode;
    private volatile String name;

    public LocalNode(CrmNode crmNode) {
        this.crmNode = crmNode;
    }

    public String name() throws PacemakerCommandException {
        String known = name;
        if (known == null) {
            known = crmNode.localName();
            name = known;
        }
        return known;
    }

    /** The name if it is known already, without asking Pacemaker. */
    public java.util.Optional<String> known() {
        return java.util.Optional.ofNullable(name);
    }
}
