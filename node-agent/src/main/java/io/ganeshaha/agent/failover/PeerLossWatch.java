package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.ocf.OcfParameters;
import io.ganeshaha.agent.pacemaker.NodeAttributes;
import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.pacemaker.TransientAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Puts this node's nfsd into grace when a peer that was serving stops serving, whatever the
 * reason. In a normal failover the post-stop notify has done it already (a repeated grace call
 * is harmless); this watch is for the case no notify covers: a whole node lost without fencing,
 * whose clone instances stop with no stop action. The survivor taking the virtual IPs over is put
 * in grace before they arrive by ganesha_takeover; the other survivors by this watch, within one
 * period. It looks at each {@link AttributeWatch} snapshot, and lets attrd decide what it acts
 * on: the CIB's copy may lack a value attrd holds (written behind it, rewritten after an election)
 * and may keep a lost node's values for a while, and a grace call on a healthy cluster refuses new
 * locks for a whole grace period. So a node that served and is missing from the snapshot is put
 * in grace only once attrd confirms it; every {@link #RECONCILE_EVERY} the serving nodes are read
 * from attrd anyway (a lost node the CIB's copy still shows); and a peer this node took over is
 * taken as serving again only when attrd says so.
 */
public final class PeerLossWatch implements AttributeWatch.Look {

    private static final Logger LOG = Logger.getLogger(PeerLossWatch.class);

    private final NodeAttributes attrd;
    private final LocalNode localNode;
    private final GraceNotifier notifier;
    private final BooleanSupplier nfsdServing;
    private final Supplier<String> ganeshaActiveName;
    private final Supplier<String> graceActiveName;
    private final Clock clock;
    private final Duration callBudget;
    private Set<String> serving;
    private Instant lastReconciled = Instant.MIN;

    /** How often the serving nodes are read from attrd whatever the snapshots show. */
    static final Duration RECONCILE_EVERY = Duration.ofSeconds(4);

    public PeerLossWatch(NodeAttributes attrd, LocalNode localNode, GraceNotifier notifier, BooleanSupplier nfsdServing,
            Supplier<String> ganeshaActiveName, Supplier<String> graceActiveName, Clock clock, Duration callBudget) {
        this.graceActiveName = graceActiveName;
        this.attrd = attrd;
        this.localNode = localNode;
        this.notifier = notifier;
        this.nfsdServing = nfsdServing;
        this.ganeshaActiveName = ganeshaActiveName;
        this.clock = clock;
        this.callBudget = callBudget;
    }

    /** ganesha_mon's attribute name, or the GlusterFS default before any mon started here. */
    public static Supplier<String> ganeshaActiveOf(MonController mon) {
        return () -> mon.parameters().map(OcfParameters.Mon::ganeshaActive).orElse(OcfParameters.DEFAULT_GANESHA_ACTIVE);
    }

    public static Supplier<String> graceActiveOf(MonController mon) {
        return () -> mon.parameters().map(OcfParameters.Mon::graceActive).orElse(OcfParameters.DEFAULT_GRACE_ACTIVE);
    }

    @Override
    public String name() {
        return "watching the peers";
    }

    @Override
    public void look(TransientAttributes cib) {
        try {
            String self = localNode.name();
            String ganeshaActive = ganeshaActiveName.get();
            String graceActive = graceActiveName.get();
            Set<String> now = serving(cib.all(ganeshaActive));
            Set<String> before = serving;
            Instant at = clock.instant();
            if (before != null && (!now.containsAll(before) || !at.isBefore(lastReconciled.plus(RECONCILE_EVERY)))) {
                // Someone who served is missing from the CIB's copy, or it is time: attrd decides.
                now = serving(attrd.queryAll(ganeshaActive));
                lastReconciled = at;
            }
            serving = now;
            backInService(cib.all(graceActive), now, graceActive);
            if (before == null || !nfsdServing.getAsBoolean() || !now.contains(self)) {
                return; // first look, or this node is no survivor
            }
            for (String peer : before) {
                if (!peer.equals(self) && !now.contains(peer)) {
                    LOG.infof("%s no longer serves: putting nfsd on %s into grace for it", peer, self);
                    GraceNotifier.Outcome outcome = notifier.takeOverAfterLoss(peer, self, clock.instant().plus(callBudget));
                    outcome.failures().forEach(LOG::error);
                }
            }
        } catch (PacemakerCommandException e) {
            // Pacemaker not answering is logged once, by PacemakerReachability. What was seen
            // before stays, so a loss is acted on at the next look attrd answers.
            LOG.debugf("cannot read which peers serve: %s", e.getMessage());
        }
    }

    /**
     * A peer this node took over that serves again (grace-active set again, which a failing node
     * deletes first): its next loss is a new takeover. Only when attrd says so: the CIB's copy may
     * still show a lost node's attributes, and a takeover forgotten too early is a second grace
     * call for the same loss.
     */
    private void backInService(Map<String, String> graceActiveInCib, Set<String> serving, String graceActive)
            throws PacemakerCommandException {
        Set<String> candidates = new HashSet<>();
        graceActiveInCib.forEach((node, value) -> {
            if ("1".equals(value) && serving.contains(node) && notifier.tookOver(node)) {
                candidates.add(node);
            }
        });
        if (candidates.isEmpty()) {
            return;
        }
        Map<String, String> confirmed = attrd.queryAll(graceActive);
        for (String node : candidates) {
            if ("1".equals(confirmed.get(node))) {
                notifier.peerServes(node);
            }
        }
    }

    private static Set<String> serving(Map<String, String> ganeshaActive) {
        Set<String> serving = new HashSet<>();
        ganeshaActive.forEach((node, value) -> {
            if ("1".equals(value)) {
                serving.add(node);
            }
        });
        return serving;
    }
}
