package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.pacemaker.NodeAttributes;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * The taker's side of a takeover (ganesha_takeover start, before a home node's virtual IPs come up
 * here): waits until every other serving peer is in grace for the home node, bounded by
 * {@code grace_delay}. In a failover the home node's own handshake already did it (every peer
 * acknowledged its epoch): the gate passes at once. A whole node lost without fencing ran no
 * handshake and sends no notify: the gate then publishes a request of its own
 * ({@value #REQUEST_ATTRIBUTE}, {@code home=epoch} tokens on this node) that every peer's
 * {@link TakeoverRequestWatch} answers with a grace call and an acknowledgement of that epoch.
 */
public final class TakeoverGate {

    private static final Logger LOG = Logger.getLogger(TakeoverGate.class);

    public static final String REQUEST_ATTRIBUTE = "ganesha-takeover-request";

    private final NodeAttributes attrd;
    private final LocalAttributes local;
    private final Clock clock;
    private final Duration poll;
    private final Object requestLock = new Object();
    private long sequence;

    public TakeoverGate(NodeAttributes attrd, LocalAttributes local, Clock clock, Duration poll) {
        this.attrd = attrd;
        this.local = local;
        this.clock = clock;
        this.poll = poll;
    }

    /** Who had to be in grace, who said so, and whether all did before the wait ended. */
    public record Outcome(Set<String> peers, Set<String> acknowledged) {
        public boolean complete() {
            return acknowledged.containsAll(peers);
        }

        public String describe(String home) {
            if (peers.isEmpty()) {
                return "no other serving peer to put in grace for " + home;
            }
            Set<String> missing = new TreeSet<>(peers);
            missing.removeAll(acknowledged);
            return complete() ? "every serving peer " + peers + " is in grace for " + home
                    : "no grace acknowledgement for " + home + " from " + missing + " before the deadline; going on";
        }
    }

    /**
     * @param ganeshaActive the attribute naming serving nodes (ganesha_mon's parameter)
     * @param graceActive the attribute whose absence stops a node's grace clone
     */
    public Outcome await(String home, String self, String ganeshaActive, String graceActive, Instant deadline)
            throws PacemakerCommandException {
        // One look at everything the gate judges, read side by side: on a loaded host each read is
        // a few hundred milliseconds, and the virtual IP waits for this gate.
        Map<String, Map<String, String>> look = attrd.queryAll(List.of(ganeshaActive, graceActive,
                MonStep.HUNG_ATTRIBUTE, GraceAcks.REQUEST_ATTRIBUTE, GraceAcks.ACK_ATTRIBUTE));
        Set<String> peers = new TreeSet<>(MonStep.servingPeers(look.get(ganeshaActive), look.get(graceActive),
                look.get(MonStep.HUNG_ATTRIBUTE), self));
        peers.remove(home);
        if (peers.isEmpty()) {
            return new Outcome(peers, Set.of());
        }
        Optional<String> handshake = finishedHandshake(home, look.get(GraceAcks.REQUEST_ATTRIBUTE),
                look.get(ganeshaActive), look.get(graceActive));
        String epoch = null;
        Map<String, String> acks = look.get(GraceAcks.ACK_ATTRIBUTE);
        while (true) {
            Set<String> acknowledged = new TreeSet<>(peers);
            Set<String> missing = new TreeSet<>(peers);
            if (handshake.isPresent()) {
                missing.retainAll(GraceAcks.missing(peers, acks, home, handshake.get()));
            }
            if (epoch != null) {
                missing.retainAll(GraceAcks.missing(peers, acks, home, epoch));
            }
            acknowledged.removeAll(missing);
            if (missing.isEmpty() || !clock.instant().plus(poll).isBefore(deadline)) {
                if (epoch != null) {
                    withdraw(home);
                }
                return new Outcome(peers, acknowledged);
            }
            if (epoch == null) {
                epoch = request(home);
                LOG.infof("taking over %s: asked %s to enter grace for it (epoch %s)", home, missing, epoch);
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(peers, acknowledged);
            }
            acks = attrd.queryAll(GraceAcks.ACK_ATTRIBUTE);
        }
    }

    /**
     * The epoch of the home node's own failover, when that failover ran to its end: the home node
     * is still in the membership with both its attributes gone. A lost node's attributes are gone
     * from attrd altogether, and then there is no handshake to rely on.
     */
    private static Optional<String> finishedHandshake(String home, Map<String, String> requests,
            Map<String, String> ganeshaActive, Map<String, String> graceActive) {
        Optional<String> epoch = Optional.ofNullable(requests.get(home));
        if (epoch.isEmpty() || "1".equals(ganeshaActive.get(home)) || "1".equals(graceActive.get(home))) {
            return Optional.empty();
        }
        return epoch;
    }

    /**
     * The wait is over: the request goes, so that an agent starting later (its watch remembers no
     * answer) does not put its nfsd in grace for a takeover long finished.
     */
    private void withdraw(String home) throws PacemakerCommandException {
        synchronized (requestLock) {
            Map<String, String> requests = GraceAcks.parse(local.reread(REQUEST_ATTRIBUTE).orElse(""));
            requests.remove(home);
            if (requests.isEmpty()) {
                local.delete(REQUEST_ATTRIBUTE);
            } else {
                StringBuilder value = new StringBuilder();
                requests.forEach((node, e) -> value.append(value.length() == 0 ? "" : " ").append(node).append('=').append(e));
                local.set(REQUEST_ATTRIBUTE, value.toString());
            }
        }
    }

    private String request(String home) throws PacemakerCommandException {
        synchronized (requestLock) {
            String epoch = clock.millis() + "." + (++sequence);
            String current = local.reread(REQUEST_ATTRIBUTE).orElse("");
            local.set(REQUEST_ATTRIBUTE, GraceAcks.with(current, home, epoch));
            return epoch;
        }
    }
}
