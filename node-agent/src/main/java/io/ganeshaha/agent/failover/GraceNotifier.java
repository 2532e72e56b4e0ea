package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.ocf.NotifyEvent;
import io.ganeshaha.agent.pacemaker.NodeAttributes;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.recovery.TakenOverRecords;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * The survivor side of the handshake, run for a {@code ganesha_grace notify}: for each peer that
 * left (post-stop) or returns (pre-start), put the local nfsd into grace over D-Bus, confirm with
 * {@code get_grace}, and publish the acknowledgement the peer's ganesha_mon waits for before it
 * moves the virtual IP. Idempotent (a repeated notify gives the same ack, and a grace call only
 * where one is still needed: each restarts ganesha's grace), bounded by the notify's deadline. Pacemaker ignores notify results, so every failure is logged
 * and returned in the outcome rather than swallowed.
 *
 * <p>A notify answers Pacemaker once nfsd is in grace; its acknowledgement is written right after,
 * on the ack writer. Under load Pacemaker runs the survivors' notifies one after another, and the
 * acknowledgement (a read of the peer's epoch and a write, each a process) would otherwise hold the
 * next survivor's grace back by as long: the home node waits for the acknowledgements, not for the
 * notifies. For a post-stop notify even the read is queued on the ack writer before the grace
 * call, so only the write is left once nfsd is in grace. A failed acknowledgement is then logged here, and the home node's wait is bounded by
 * {@code grace_delay} as before.
 */
public final class GraceNotifier {

    private static final Logger LOG = Logger.getLogger(GraceNotifier.class);
    /** ganesha lifts grace early when no client has state to reclaim: confirm right after the call. */
    private static final Duration CONFIRM_WINDOW = Duration.ofMillis(500);
    private static final Duration CONFIRM_POLL = Duration.ofMillis(20);

    private final NfsdGrace nfsd;
    private final NodeAttributes attrd;
    private final LocalAttributes local;
    private final BooleanSupplier nfsdServing;
    private final Clock clock;
    private final Duration callTimeout;
    private final Object ackLock = new Object();
    private final Executor ackWriter;
    /**
     * Peers whose clients this nfsd took over (event 5), until they come back: ganesha loads a
     * taken-over peer's records on every such event, and a client's right to reclaim is settled
     * when it creates its session, so the post-stop notify, the takeover gate, the peer-loss watch
     * and a takeover request make one grace call per loss between them, not one each.
     */
    private final Set<String> takenOver = ConcurrentHashMap.newKeySet();
    /**
     * Returning peers this nfsd entered grace for (pre-start), with the epoch of that return. Every
     * grace call restarts ganesha's Grace_Period, and Pacemaker repeats the pre-start notify each
     * time a transition of the same fail-back is aborted (an attribute changed meanwhile): seen in
     * the lab, four calls in seven seconds, each holding this node's clients out of new locks for
     * longer. While nfsd is still in grace, a repeat for the same return is acknowledged without
     * another call.
     */
    private final Map<String, String> returnsInGrace = new ConcurrentHashMap<>();
    /** The lost peers' records as each takeover call found them; null: not remembered. */
    private final TakenOverRecords records;

    public GraceNotifier(NfsdGrace nfsd, NodeAttributes attrd, LocalAttributes local, BooleanSupplier nfsdServing,
            Clock clock, Duration callTimeout) {
        this(nfsd, attrd, local, nfsdServing, clock, callTimeout, null, null);
    }

    /**
     * @param ackWriter where a notify's acknowledgements are written, in the order given (one
     *     thread); null: before the notify answers, its failures in the outcome
     * @param records told as each grace call that makes nfsd load a lost peer's records is made,
     *     and when the peer returns; null: none
     */
    public GraceNotifier(NfsdGrace nfsd, NodeAttributes attrd, LocalAttributes local, BooleanSupplier nfsdServing,
            Clock clock, Duration callTimeout, Executor ackWriter, TakenOverRecords records) {
        this.records = records;
        this.ackWriter = ackWriter;
        this.nfsd = nfsd;
        this.callTimeout = callTimeout;
        this.attrd = attrd;
        this.local = local;
        this.nfsdServing = nfsdServing;
        this.clock = clock;
    }

    /** What happened for each peer, in words for the cluster log. */
    public record Outcome(List<String> acknowledged, List<String> failures) {

        /** One line per peer for the cluster log: "WHY: nfsd on NODE in grace for PEER", or the failure. */
        public List<String> logLines(String why, String localNode) {
            List<String> lines = new ArrayList<>();
            acknowledged.forEach(peer -> lines.add(why + ": nfsd on " + localNode + " in grace for " + peer));
            failures.forEach(failure -> lines.add("ERROR: " + failure));
            return lines;
        }
    }

    public Outcome handle(NotifyEvent event, String localNode, Instant deadline) {
        return enterGrace(event.mode(), event.graceCalls(localNode), localNode, deadline, Optional.empty(), true);
    }

    /**
     * A virtual IP of {@code homeNode} is about to move to this node (ganesha_takeover start):
     * the same grace call as a post-stop notify, for the case where no notify comes at all.
     */
    public Outcome takeOver(String homeNode, String localNode, Instant deadline) {
        return takeOver("takeover", homeNode, localNode, deadline);
    }

    /**
     * {@code peer} is about to be fenced (fence_ganesha_grace, the device before the one that
     * powers it off): its nfsd's locks vanish with it, so this node enters grace for it first.
     */
    public Outcome beforeFencing(String peer, String localNode, Instant deadline) {
        return takeOver("fencing", peer, localNode, deadline);
    }

    /** A serving peer stopped serving (seen by {@link PeerLossWatch}): as a post-stop notify. */
    public Outcome takeOverAfterLoss(String peer, String localNode, Instant deadline) {
        return takeOver("peer-loss", peer, localNode, deadline);
    }

    /**
     * {@code taker} is about to take {@code home}'s virtual IPs over and asked (epoch {@code epoch},
     * see {@link TakeoverGate}) that this node be in grace for {@code home} first.
     */
    public Outcome takeOverRequested(String home, String epoch, String taker, String localNode, Instant deadline) {
        return enterGrace("takeover by " + taker, List.of(new NotifyEvent.GraceCall(home, NotifyEvent.EVENT_TAKE_IP)),
                localNode, deadline, Optional.of(epoch), false);
    }

    /**
     * Its acknowledgement goes to the ack writer too: nobody waits for it (the home node's wait,
     * if there was one, ended before its virtual IPs left), and the takeover's start, which the
     * virtual IPs wait for, need not wait for an attribute read and a write.
     */
    private Outcome takeOver(String why, String peer, String localNode, Instant deadline) {
        return enterGrace(why, List.of(new NotifyEvent.GraceCall(peer, NotifyEvent.EVENT_TAKE_IP)), localNode, deadline,
                Optional.empty(), true);
    }

    /**
     * @param epoch the epoch to acknowledge; empty: the one the peer itself published
     * @param notify whether the acknowledgements go to the ack writer once nfsd is in grace (a
     *     notify, a takeover): Pacemaker waits for the call, and nobody for its acknowledgement
     *     alone
     */
    private Outcome enterGrace(String why, List<NotifyEvent.GraceCall> calls, String localNode, Instant deadline,
            Optional<String> epoch, boolean notify) {
        boolean deferred = notify && ackWriter != null;
        List<String> acknowledged = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        if (calls.isEmpty()) {
            return new Outcome(acknowledged, failures);
        }
        if (!nfsdServing.getAsBoolean()) {
            failures.add("nfsd on " + localNode + " is not serving: not a survivor, no grace for "
                    + calls.stream().map(NotifyEvent.GraceCall::peer).toList());
            LOG.warn(failures.get(0));
            return new Outcome(acknowledged, failures);
        }
        for (NotifyEvent.GraceCall call : calls) {
            try {
                // A deferred acknowledgement of the peer's own epoch: its reads go first on the
                // ack writer, side by side with the grace call, so only the write is left after it.
                Optional<CompletableFuture<Optional<String>>> ahead = deferred && epoch.isEmpty()
                        && call.event() == NotifyEvent.EVENT_TAKE_IP ? Optional.of(readAhead(call.peer()))
                                : Optional.empty();
                // Taken over already, and still in grace: a second call would only restart
                // Grace_Period. Out of grace (a fence or a takeover that came late), the call is
                // made again: the lost node's locks may vanish now, and its clients reclaim later.
                if (call.event() == NotifyEvent.EVENT_TAKE_IP && takenOver.contains(call.peer())
                        && stillInGrace(deadline)) {
                    acknowledge(call.peer(), epoch, ahead, deferred, why);
                    acknowledged.add(call.peer());
                    LOG.infof("%s: nfsd on %s took the clients of %s over already; acknowledged without another grace call",
                            why, localNode, call.peer());
                    continue;
                }
                Optional<String> ackEpoch = epoch;
                if (call.event() == NotifyEvent.EVENT_JUST_GRACE) {
                    ackEpoch = epoch.isPresent() ? epoch : attrd.query(GraceAcks.REQUEST_ATTRIBUTE, call.peer());
                    if (ackEpoch.isPresent() && ackEpoch.get().equals(returnsInGrace.get(call.peer()))
                            && stillInGrace(deadline)) {
                        acknowledge(call.peer(), ackEpoch, ahead, deferred, why);
                        acknowledged.add(call.peer());
                        LOG.infof("%s: nfsd on %s entered grace for this return of %s already and is still in grace;"
                                + " acknowledged without another grace call", why, localNode, call.peer());
                        continue;
                    }
                }
                if (call.event() != NotifyEvent.EVENT_TAKE_IP) {
                    returned(call.peer()); // a later loss is a new takeover
                } else if (records != null) {
                    records.taking(call.peer()); // read beside the call, not before it
                }
                enterGrace(call, deadline);
                if (call.event() == NotifyEvent.EVENT_TAKE_IP) {
                    takenOver.add(call.peer());
                    returnsInGrace.remove(call.peer());
                } else if (call.event() == NotifyEvent.EVENT_JUST_GRACE) {
                    ackEpoch.ifPresent(e -> returnsInGrace.put(call.peer(), e));
                }
                acknowledge(call.peer(), ackEpoch, ahead, deferred, why);
                acknowledged.add(call.peer());
                LOG.infof("%s: nfsd on %s is in grace for %s (event %d) and %s it", why, localNode, call.peer(),
                        call.event(), deferred ? "acknowledges" : "acknowledged");
            } catch (NfsdGrace.GraceFailure | PacemakerCommandException e) {
                String failure = why + ": could not put nfsd on " + localNode + " in grace for "
                        + call.peer() + ": " + e.getMessage();
                failures.add(failure);
                LOG.error(failure);
            }
        }
        return new Outcome(acknowledged, failures);
    }

    /** Whether get_grace says nfsd is in grace; no when it cannot say (the grace call then tries). */
    private boolean stillInGrace(Instant deadline) {
        try {
            return nfsd.inGrace(remaining(deadline));
        } catch (NfsdGrace.GraceFailure e) {
            return false;
        }
    }

    private void enterGrace(NotifyEvent.GraceCall call, Instant deadline) throws NfsdGrace.GraceFailure {
        nfsd.grace(call.event(), call.peer(), remaining(deadline));
        Instant confirmBy = min(deadline, clock.instant().plus(CONFIRM_WINDOW));
        while (true) {
            if (nfsd.inGrace(remaining(deadline))) {
                return;
            }
            if (!clock.instant().plus(CONFIRM_POLL).isBefore(confirmBy)) {
                break;
            }
            try {
                Thread.sleep(CONFIRM_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NfsdGrace.GraceFailure("interrupted while confirming grace", e);
            }
        }
        throw new NfsdGrace.GraceFailure("nfsd accepted the grace call but get_grace does not report grace", null);
    }

    /**
     * This node's own virtual IPs are about to start here again (ganesha_takeover start on their
     * home node). ganesha counts Grace_Period from nfsd's start, which may be long before its
     * addresses are back: in CI a hung nfsd's successor started 16 s of a 20 s grace before its VIP
     * came home from the survivor that had it, and the client that followed the VIP home reclaimed
     * too late and lost its lock. So while nfsd is still in grace (it waits for clients to reclaim)
     * its grace starts over now, and the clients following their address home have a whole
     * Grace_Period; ganesha still ends it as soon as every client it knows has reclaimed. Not in
     * grace: nobody is left to reclaim here, and no call is made (it would only hold new clients
     * off).
     */
    public Outcome homeComing(String localNode, Instant deadline) {
        return homeComing(localNode, deadline, false);
    }

    /**
     * As {@link #homeComing(String, Instant)}, when records a taker handed back are to be loaded
     * next ({@link #loadHandedBack}): nfsd enters grace even when it is out of it (event 0 keeps
     * the records it holds, where event 5 out of grace would drop them), and an nfsd not serving
     * is a failure (the records then wait in the node's own tree).
     */
    public Outcome homeComingWithRecords(String localNode, Instant deadline) {
        return homeComing(localNode, deadline, true);
    }

    private Outcome homeComing(String localNode, Instant deadline, boolean recordsComing) {
        if (!nfsdServing.getAsBoolean()) {
            return recordsComing ? new Outcome(List.of(), List.of("home: nfsd on " + localNode + " is not serving"))
                    : new Outcome(List.of(), List.of());
        }
        if (!recordsComing && !stillInGrace(deadline)) {
            return new Outcome(List.of(), List.of());
        }
        try {
            nfsd.grace(NotifyEvent.EVENT_JUST_GRACE, localNode, remaining(deadline));
            LOG.infof("home: nfsd on %s is in grace again as its virtual IPs come home (its clients' reclaims "
                    + "get a whole Grace_Period)", localNode);
            return new Outcome(List.of(localNode), List.of());
        } catch (NfsdGrace.GraceFailure | RuntimeException e) {
            String failure = "home: could not start nfsd's grace on " + localNode + " over as its virtual IPs come "
                    + "home: " + e.getMessage();
            LOG.warn(failure);
            return new Outcome(List.of(), List.of(failure));
        }
    }

    /**
     * This node's own virtual IPs are about to start here again, and {@code taker}, which served
     * them, handed the records of their clients back into this node's tree
     * ({@code io.ganeshaha.agent.recovery.Handback}): nfsd loads them (grace event 5 with
     * {@code argument}, the hand-back's directory under RecoveryRoot) and is in grace, its
     * Grace_Period started over, so the clients following their address home reclaim here. Made
     * in grace ({@link #homeComingWithRecords} first): the records are added to
     * those nfsd holds.
     */
    public Outcome loadHandedBack(String localNode, String taker, String argument, Instant deadline) {
        try {
            nfsd.grace(NotifyEvent.EVENT_TAKE_IP, argument, remaining(deadline));
            LOG.infof("home: nfsd on %s is in grace and has loaded the client records %s handed back (%s) as its "
                    + "virtual IPs come home", localNode, taker, argument);
            return new Outcome(List.of(taker), List.of());
        } catch (NfsdGrace.GraceFailure | RuntimeException e) {
            String failure = "home: nfsd on " + localNode + " could not load the client records " + taker
                    + " handed back (" + argument + "): " + e.getMessage() + "; those clients may not reclaim here";
            LOG.error(failure);
            return new Outcome(List.of(), List.of(failure));
        }
    }

    /**
     * /var/lib/nfs has just been pointed at this node's tree on the shared storage (ganesha_nfsd
     * start) under an nfsd that was already running: at its start it read its client records from
     * the host's own directory (at a boot, when ganesha starts before Pacemaker), so a client of
     * this node, back with its virtual IP, would find no record and lose its locks. Event 3 makes
     * nfsd enter grace and load its records from where the link points now. Nothing when nfsd
     * does not serve: a fresh one reads them at its start.
     */
    public Outcome reloadOwnRecords(String localNode, Instant deadline) {
        if (!nfsdServing.getAsBoolean()) {
            return new Outcome(List.of(), List.of());
        }
        try {
            // The key names no peer here (the event reads this node's own directory); ganesha
            // matches it only against NLM clients' server addresses, which a node name never is.
            nfsd.grace(NotifyEvent.EVENT_UPDATE_CLIENTS, localNode, remaining(deadline));
            LOG.infof("state directory: nfsd on %s ran before its state directory was on the shared storage; it is in "
                    + "grace and has read its client records from there (event 3)", localNode);
            return new Outcome(List.of(localNode), List.of());
        } catch (NfsdGrace.GraceFailure | RuntimeException e) {
            String failure = "state directory: could not make nfsd on " + localNode + " read its client records from"
                    + " the shared storage (event 3): " + e.getMessage() + "; its clients may not reclaim here";
            LOG.error(failure);
            return new Outcome(List.of(), List.of(failure));
        }
    }

    /**
     * {@code home}'s virtual IPs have just left this node for home (ganesha_takeover stop): drop
     * the state of the clients that came over from it, each by its owner, so that they reclaim
     * their opens and locks at home without finding them still held here. One call per owner,
     * bounded by the deadline; a failed call is reported and the rest still made.
     */
    public Outcome release(String home, List<String> owners, String localNode, Instant deadline) {
        return releaseEach(home, owners, localNode, deadline, "the client");
    }

    /**
     * As {@link #release}, for the NFSv3 clients that locked through {@code addresses} (ganesha
     * matches event 2's argument against each NLM client's server address): their locks go, and
     * home's notification has them reclaim there.
     */
    public Outcome releaseNlm(String home, List<String> addresses, String localNode, Instant deadline) {
        return releaseEach(home, addresses, localNode, deadline, "the NFSv3 (NLM) clients of");
    }

    private Outcome releaseEach(String home, List<String> arguments, String localNode, Instant deadline, String what) {
        List<String> released = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String argument : arguments) {
            try {
                nfsd.grace(NotifyEvent.EVENT_RELEASE_IP, argument, remaining(deadline));
                released.add(argument);
                LOG.infof("fail-back to %s: nfsd on %s released %s '%s'", home, localNode, what, argument);
            } catch (NfsdGrace.GraceFailure | RuntimeException e) {
                String failure = "fail-back to " + home + ": could not release " + what + " '" + argument + "' on "
                        + localNode + ": " + e.getMessage();
                failures.add(failure);
                LOG.error(failure);
            }
        }
        return new Outcome(released, failures);
    }

    /** {@code peer} serves again (seen by {@link PeerLossWatch}): its next loss is a new takeover. */
    public void peerServes(String peer) {
        returned(peer);
    }

    private void returned(String peer) {
        takenOver.remove(peer);
        if (records != null) {
            records.forget(peer);
        }
    }

    /** Whether this nfsd took {@code peer}'s clients over and the peer was not seen back since. */
    public boolean tookOver(String peer) {
        return takenOver.contains(peer);
    }

    /**
     * What an acknowledgement of {@code peer}'s own epoch reads, queued on the ack writer before
     * the grace call: the epoch the peer published, and this node's acknowledgements (remembered
     * from then on: only this agent writes them).
     */
    private CompletableFuture<Optional<String>> readAhead(String peer) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    local.get(GraceAcks.ACK_ATTRIBUTE);
                    return attrd.query(GraceAcks.REQUEST_ATTRIBUTE, peer);
                } catch (PacemakerCommandException e) {
                    throw new CompletionException(e);
                }
            }, ackWriter);
        } catch (RejectedExecutionException e) {
            // No writer to read on: the grace call comes first, the acknowledgement reads for itself.
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    /** Acknowledges now, or, when deferred, on the ack writer, where a failure is logged. */
    private void acknowledge(String peer, Optional<String> requested,
            Optional<CompletableFuture<Optional<String>>> ahead, boolean deferred, String why)
            throws PacemakerCommandException {
        if (!deferred) {
            acknowledge(peer, requested);
            return;
        }
        try {
            ackWriter.execute(() -> {
                try {
                    acknowledge(peer, requested.isPresent() || ahead.isEmpty() ? requested
                            : epochReadAhead(peer, ahead.get()));
                } catch (PacemakerCommandException | RuntimeException e) {
                    LOG.errorf("%s: nfsd on %s is in grace for %s but the acknowledgement could not be written (%s): %s"
                            + " waits for it until its grace_delay runs out", why, local.localNode(), peer,
                            e.getMessage(), peer);
                }
            });
        } catch (RejectedExecutionException e) {
            acknowledge(peer, requested); // no writer left (the agent stopping): now, before answering
        }
    }

    /**
     * The epoch read ahead; on the ack writer, after the read it queued first. Empty when that read
     * failed: the acknowledgement then reads the epoch itself.
     */
    private static Optional<String> epochReadAhead(String peer, CompletableFuture<Optional<String>> ahead) {
        try {
            return ahead.join();
        } catch (CompletionException e) {
            LOG.debugf("reading the epoch of %s ahead failed (%s): read again", peer, e.getCause());
            return Optional.empty();
        }
    }

    /**
     * Adds {@code peer=epoch} to this node's ack attribute; the epoch is the one the peer published
     * (read now when not given). This node's acknowledgements are the ones it remembers: only this
     * agent writes them, so the write needs no read of them unless it would write nothing.
     */
    private void acknowledge(String peer, Optional<String> requested) throws PacemakerCommandException {
        synchronized (ackLock) {
            Optional<String> epoch = requested.isPresent() ? requested
                    : attrd.query(GraceAcks.REQUEST_ATTRIBUTE, peer);
            if (epoch.isEmpty()) {
                LOG.infof("%s published no grace request; nothing to acknowledge", peer);
                return;
            }
            String current = local.get(GraceAcks.ACK_ATTRIBUTE).orElse("");
            String updated = GraceAcks.with(current, peer, epoch.get());
            if (updated.equals(current)) {
                // Acknowledged already as remembered: attrd may have dropped this node's attributes
                // since (it left the membership and came back), so it is asked before nothing is written.
                current = local.reread(GraceAcks.ACK_ATTRIBUTE).orElse("");
                updated = GraceAcks.with(current, peer, epoch.get());
            }
            if (!updated.equals(current)) {
                local.set(GraceAcks.ACK_ATTRIBUTE, updated);
            }
        }
    }

    private Duration remaining(Instant deadline) throws NfsdGrace.GraceFailure {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw new NfsdGrace.GraceFailure("the notify deadline passed", null);
        }
        return left.compareTo(callTimeout) > 0 ? callTimeout : left;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
