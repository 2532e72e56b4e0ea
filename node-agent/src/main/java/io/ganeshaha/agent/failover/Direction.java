package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.watch.NfsdHealth;
import java.util.Optional;

/**
 * Which way this node's two attributes move. Both directions change {@code grace-active} first and
 * {@code ganesha-active} second, with the survivors' grace acknowledgements awaited in between:
 * that order is what puts every survivor in grace before a virtual IP reaches it (GlusterFS once
 * lost the first deletion from the sequence, and the IP then never moved).
 */
public enum Direction {
    /** nfsd stopped serving here: the attributes go, and the node's virtual IP leaves it. */
    FAILOVER("failover"),
    /** nfsd serves again: the attributes come back, and the virtual IP comes home. */
    FAILBACK("fail-back");

    private final String label;

    Direction(String label) {
        this.label = label;
    }

    /** The direction nfsd's health asks for. */
    public static Direction towards(NfsdHealth health) {
        return health.serving() ? FAILBACK : FAILOVER;
    }

    /** Whether an attribute holding {@code value} is already where this direction takes it. */
    public boolean reached(Optional<String> value) {
        return this == FAILBACK ? value.filter("1"::equals).isPresent() : value.isEmpty();
    }

    /** Moves one attribute of this node where this direction takes it. */
    void apply(LocalAttributes attributes, String name) throws PacemakerCommandException {
        if (this == FAILBACK) {
            attributes.set(name, "1");
        } else {
            attributes.delete(name);
        }
    }

    /** The past-tense verb of {@link #apply} for log lines: "set grace-active=1", "deleted grace-active". */
    String applied(String name) {
        return this == FAILBACK ? "set " + name + "=1" : "deleted " + name;
    }

    /** As the timeline and the Kubernetes status name it: "failover" or "fail-back". */
    public String label() {
        return label;
    }
}
