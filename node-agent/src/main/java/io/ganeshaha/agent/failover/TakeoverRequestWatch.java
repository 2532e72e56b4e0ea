package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.pacemaker.TransientAttributes;
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
 * that epoch. Looks at each {@link AttributeWatch} snapshot, first of its looks: a request is
 * the one thing a taker waits on. A request the CIB shows late is answered late, never wrongly:
 * requests are only ever written by takers, and each is answered once.
 */
public final class TakeoverRequestWatch implements AttributeWatch.Look {

    private static final Logger LOG = Logger.getLogger(TakeoverRequestWatch.class);

    private final LocalNode localNode;
    private final GraceNotifier notifier;
    private final BooleanSupplier nfsdServing;
    private final Clock clock;
    private final Duration callBudget;
    private final Set<String> answered = new HashSet<>();

    public TakeoverRequestWatch(LocalNode localNode, GraceNotifier notifier,
            BooleanSupplier nfsdServing, Clock clock, Duration callBudget) {
        this.localNode = localNode;
        this.notifier = notifier;
        this.nfsdServing = nfsdServing;
        this.clock = clock;
        this.callBudget = callBudget;
    }

    @Override
    public String name() {
        return "answering takeover requests";
    }

    @Override
    public void look(TransientAttributes cib) {
        try {
            Map<String, String> requests = cib.all(TakeoverGate.REQUEST_ATTRIBUTE);
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
            // This node's name not known yet: Pacemaker not answering is logged once, by PacemakerReachability.
            LOG.debugf("cannot answer takeover requests: %s", e.getMessage());
        }
    }
}
