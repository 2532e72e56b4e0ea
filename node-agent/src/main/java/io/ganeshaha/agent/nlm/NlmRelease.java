package io.ganeshaha.agent.nlm;

import io.ganeshaha.agent.failover.GraceNotifier;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Fail-back for NFSv3 clients, on the node that held a home node's addresses (its
 * ganesha_takeover stop, once they left and before they come up at home): the locks the clients
 * took or reclaimed here through those addresses are dropped (grace event 2 with each address),
 * or their reclaim at home, which home's notification starts ({@link StatdNotifier}), finds them
 * held by this node's nfsd. The clients this node's statd monitors are first copied into home's
 * statd directory ({@link StatdRecords#handBack}): the release has nfsd unmonitor them, and home
 * must still notify them. Only where this node's statd monitors NFSv3 clients at all: event 2
 * also puts nfsd in grace, which with NLM on lasts its whole Grace_Period.
 */
public final class NlmRelease {

    private static final Logger LOG = Logger.getLogger(NlmRelease.class);

    /** The addresses of the group a ganesha_takeover instance heads ({@link GroupAddresses}). */
    @FunctionalInterface
    public interface Addresses {
        List<String> of(String instance) throws IOException, PacemakerCommandException;
    }

    private final Path statdDir;
    private final Addresses addresses;
    private final GraceNotifier notifier;

    public NlmRelease(Path statdDir, Addresses addresses, GraceNotifier notifier) {
        this.statdDir = statdDir;
        this.addresses = addresses;
        this.notifier = notifier;
    }

    /** The log lines of the release (errors as {@code ERROR:} lines); nothing when no NFSv3 client is monitored here. */
    public List<String> atFailBack(String home, String instance, String self, Instant deadline) {
        List<String> log = new ArrayList<>();
        try {
            if (!StatdRecords.anyMonitored(statdDir)) {
                return log;
            }
        } catch (IOException | RuntimeException e) {
            // Unknown: release anyway, a grace too many costs less than a lock held twice.
            LOG.warnf("fail-back to %s: cannot read %s/sm (%s); releasing the NFSv3 clients anyway", home, statdDir,
                    e.getMessage());
        }
        List<String> vips;
        try {
            vips = addresses.of(instance);
        } catch (IOException | PacemakerCommandException | RuntimeException e) {
            String failure = "ERROR: fail-back to " + home + ": cannot read the addresses of " + instance
                    + " from the CIB (" + e.getMessage() + "); its NFSv3 clients' locks stay held here and their reclaim"
                    + " at home may be refused";
            LOG.error(failure);
            log.add(failure);
            return log;
        }
        // Releasing them has nfsd unmonitor them: home gets them first, to notify as its addresses return.
        try {
            int handed = StatdRecords.handBack(statdDir, home);
            log.add("fail-back to " + home + ": " + handed + " NFSv3 client(s) monitored here handed back to " + home
                    + ", to notify");
        } catch (IOException | RuntimeException e) {
            String failure = "ERROR: fail-back to " + home + ": cannot hand the NFSv3 clients monitored here back into "
                    + statdDir.resolve(home).resolve(StatdRecords.HANDBACK) + " (" + e.getMessage() + "); home notifies"
                    + " only those its own statd recorded";
            LOG.error(failure);
            log.add(failure);
        }
        GraceNotifier.Outcome outcome = notifier.releaseNlm(home, vips, self, deadline);
        outcome.acknowledged().forEach(a -> log.add("fail-back to " + home + ": nfsd on " + self
                + " released the NFSv3 (NLM) clients of " + a));
        outcome.failures().forEach(f -> log.add("ERROR: " + f));
        return log;
    }
}
