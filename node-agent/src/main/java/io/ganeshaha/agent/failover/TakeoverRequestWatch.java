package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.pacemaker.NodeAttributes;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.pacemaker.TransientAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * The peers' side of a {@link TakeoverGate} request: a node about to take over a home node's virtual
 * IPs asked every serving peer to enter grace for that home node first. Each request
 * ({@code taker}, {@code home=epoch}) is answered once: grace call, get_grace, acknowledgement of
 * that epoch, and only as attrd holds it: the CIB's copy may still show a request its taker
 * withdrew, or one of a taker that left, and a grace call on a healthy cluster refuses new locks
 * for a whole grace period.
 *
 * <p>Two ways in. Each {@link AttributeWatch} snapshot ({@link #look}) that shows a request not
 * answered yet makes this watch read the requests from attrd and answer them: one process per
 * request, within a snapshot period. And on a schedule of its own ({@link #run}, every second)
 * it reads them from attrd anyway: a node is lost exactly when the CIB's copy lags most (attrd may
 * be electing the node that writes it, the CIB may be resynchronised), and a request the taker
 * waits on must not wait for that, nor for a cibadmin that hangs.
 */
public final class TakeoverRequestWatch implements AttributeWatch.Look, Runnable {

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
    public String name() {
        return "answering takeover requests";
    }

    /** A request in the snapshot that was not answered yet: attrd is asked, and answers what it holds. */
    @Override
    public void look(TransientAttributes cib) {
        try {
            Map<String, String> seen = cib.all(TakeoverGate.REQUEST_ATTRIBUTE);
            if (seen.isEmpty() || !nfsdServing.getAsBoolean() || unanswered(seen, localNode.name()).isEmpty()) {
                return;
            }
            answer(attrd.queryAll(TakeoverGate.REQUEST_ATTRIBUTE));
        } catch (PacemakerCommandException e) {
            // Pacemaker not answering is logged once, by PacemakerReachability.
            LOG.debugf("cannot read the takeover requests: %s", e.getMessage());
        }
    }

    /** The requests attrd holds, read whatever the CIB's copy shows. */
    @Override
    public void run() {
        try {
            if (nfsdServing.getAsBoolean()) {
                answer(attrd.queryAll(TakeoverGate.REQUEST_ATTRIBUTE));
            }
        } catch (PacemakerCommandException e) {
            // Pacemaker not answering is logged once, by PacemakerReachability.
            LOG.debugf("cannot read the takeover requests: %s", e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "answering takeover requests failed");
        }
    }

    /** One home node a taker asked this node to enter grace for, with the request's epoch. */
    private record Request(String taker, String home, String epoch) {
        String key() {
            return taker + "/" + home + "=" + epoch;
        }
    }

    /** The requests, one per home node, that this node has not answered yet. */
    private synchronized List<Request> unanswered(Map<String, String> requests, String self) {
        List<Request> unanswered = new ArrayList<>();
        requests.forEach((taker, value) -> {
            if (!taker.equals(self)) {
                GraceAcks.parse(value).forEach((home, epoch) -> {
                    Request request = new Request(taker, home, epoch);
                    if (!home.equals(self) && !answered.contains(request.key())) {
                        unanswered.add(request);
                    }
                });
            }
        });
        return unanswered;
    }

    /** Answers each request not answered yet; one thread at a time, so each is answered once. */
    private synchronized void answer(Map<String, String> requests) throws PacemakerCommandException {
        if (requests.isEmpty() || !nfsdServing.getAsBoolean()) {
            return;
        }
        String self = localNode.name();
        for (Request request : unanswered(requests, self)) {
            answered.add(request.key());
            GraceNotifier.Outcome outcome = notifier.takeOverRequested(request.home(), request.epoch(),
                    request.taker(), self, clock.instant().plus(callBudget));
            outcome.failures().forEach(LOG::error);
        }
    }
}
