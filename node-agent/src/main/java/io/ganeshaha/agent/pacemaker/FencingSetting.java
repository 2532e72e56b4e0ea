package io.ganeshaha.agent.pacemaker;

import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * This agent's view of {@code stonith-enabled}, read from the CIB on its own schedule (one bounded
 * crm_attribute call a tick) so that the node report, written every second, never waits for
 * Pacemaker. Unknown until the first read, and whenever a read fails; a change, a failure and its
 * end are each logged once. ganesha-ha never writes the property: fencing is the administrator's.
 */
public final class FencingSetting implements Runnable, Supplier<Fencing> {

    private static final Logger LOG = Logger.getLogger(FencingSetting.class);

    private final Cib cib;
    private volatile Fencing fencing = Fencing.UNKNOWN;
    /** What was last read and logged, e.g. {@code stonith-enabled=false}. */
    private String lastRead;
    private String failure;

    public FencingSetting(Cib cib) {
        this.cib = cib;
    }

    @Override
    public void run() {
        Optional<String> value;
        try {
            value = cib.clusterProperty(Fencing.STONITH_ENABLED);
        } catch (PacemakerCommandException | RuntimeException e) {
            if (failure == null) {
                LOG.warnf("cannot read %s (%s): fencing is reported as Unknown until it can be read",
                        Fencing.STONITH_ENABLED, e.getMessage());
            }
            failure = e.getMessage();
            fencing = Fencing.UNKNOWN;
            return;
        }
        Fencing read = Fencing.of(value);
        String shown = Fencing.STONITH_ENABLED + (value.isPresent() ? "=" + value.get() : " unset");
        if (failure != null || !shown.equals(lastRead)) {
            if (read == Fencing.DISABLED) {
                LOG.warnf("%s: Pacemaker does not fence a lost node; its clients are protected only by the takeover "
                        + "gate and NFS grace, and a node that is only cut off keeps serving", shown);
            } else {
                LOG.infof("%s: fencing %s", shown, read.apiValue());
            }
        }
        failure = null;
        lastRead = shown;
        fencing = read;
    }

    @Override
    public Fencing get() {
        return fencing;
    }
}
