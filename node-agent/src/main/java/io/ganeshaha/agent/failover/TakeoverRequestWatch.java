package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.pacemaker.NodeAttributes;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * The peers' side of a {@link TakeoverGate} request: a node about to take over a home node's virtual
 * IPs asked every serving peer to enter grace for that home node first. Each request
 * ({@code taker}, {@code home=epoch}) is answered once: grace call, get_grace, acknowledgement of
 * that epoch. Runs on its own schedule, one attrd query per period.
 */
public final class TakeoverRequestWatch implements Runnable {

    private static final Logger LOG = Logger.getLogger(TakeoverRequestWatch.class);

    private final NodeAttributes attrd;
    private final LocalNode localNode;
    private final GraceNotifier notifier;
    private final BooleanSupplier nfsdServing;
    private final Clock clock;
    private final Duration callBudget;
    private final Set<String> answered = new HashSet<>();

    public TakeoverRequestWatch(NodeAttributes attrd, LocalNode localNode, GraceNotifier notifier,
            BooleanSupplier nfsdServing, Clock clock, Duration callBudget) {
        this.attrd = attrd;
        this.localNode = localNode;
        this.notifier = notifier;
        this.nfsdServing = nfsdServing;
        this.clock = clock;
        this.callBudget = callBudget;
    }

    @Override
    public void run() {
        try {
            Map<String, String> requests = attrd.queryAll(TakeoverGate.REQUEST_ATTRIBUTE);
            if (requests.isEmpty() || !nfsdServing.getAsBoolean()) {
                return;
            }
            String self = localNode.name();
            requests.forEach((taker, value) -> {
                if (taker.equals(self)) {
                    return;
                }
                GraceAcks.parse(value).forEach((home, epoch) -> {
                    if (home.equals(self) || !answered.add(taker + "/" + home + "=" + epoch)) {
                        return;
                    }
                    GraceNotifier.Outcome outcome = notifier.takeOverRequested(home, epoch, taker, self,
                            clock.instant().plus(callBudget));
                    outcome.failures().forEach(LOG::error);
                });
            });
        } catch (PacemakerCommandException e) {
            // Pacemaker not answering is logged once, by PacemakerReachability.
            LOG.debugf("cannot read the takeover requests: %s", e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "answering takeover requests failed");
        }
    }
}
