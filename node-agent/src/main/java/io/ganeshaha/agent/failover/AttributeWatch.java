package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.pacemaker.AttributeSnapshots;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.pacemaker.TransientAttributes;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * One read of every node's transient attributes per period, handed to each watch that looks at
 * them, in order: takeover requests (a taker waits on them), peers that stopped serving, and
 * changes to this node's own attributes made by someone else. One {@code cibadmin} process per
 * period instead of an {@code attrd_updater} process per attribute and watch.
 */
public final class AttributeWatch implements Runnable {

    private static final Logger LOG = Logger.getLogger(AttributeWatch.class);

    /** A watch: what it does with one snapshot. */
    public interface Look {

        /** What the look does, for the log line of a failure. */
        String name();

        void look(TransientAttributes cib);
    }

    private final AttributeSnapshots cib;
    private final List<Look> looks;
    private boolean failing;

    public AttributeWatch(AttributeSnapshots cib, List<Look> looks) {
        this.cib = cib;
        this.looks = List.copyOf(looks);
    }

    @Override
    public void run() {
        TransientAttributes snapshot;
        try {
            snapshot = cib.snapshot();
        } catch (PacemakerCommandException e) {
            if (!failing) {
                LOG.warnf("cannot read the node attributes from the CIB (%s): peers that stop serving and changes to "
                        + "this node's attributes go unseen until it answers; takeover requests are still read from "
                        + "attrd", e.getMessage());
                failing = true;
            }
            return;
        }
        if (failing) {
            LOG.info("the CIB answers again: the node attributes are watched again");
            failing = false;
        }
        for (Look look : looks) {
            try {
                look.look(snapshot);
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s failed", look.name());
            }
        }
    }
}
