package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.ocf.OcfParameters;
import io.ganeshaha.agent.pacemaker.NodeAttributes;
import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.pacemaker.TransientAttributes;
import java.time.Clock;
import java.time.Duration;
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
 * period. It looks at each {@link AttributeWatch} snapshot; when a node that served is missing
 * there, it asks attrd itself before it acts: the CIB's copy may lack a value attrd holds (written
 * behind it, rewritten after an election), and a grace call on a healthy cluster refuses new locks
 * for a whole grace period.
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
            Set<String> now = serving(cib.all(ganeshaActive));
            Set<String> before = serving;
            if (before != null && !now.containsAll(before)) {
                // Someone who served is missing from the CIB's copy: attrd's answer decides.
                now = serving(attrd.queryAll(ganeshaActive));
            }
            serving = now;
            // Back in service (grace-active set again, which a failing node deletes first): its
            // next loss is a new takeover.
            Set<String> back = now;
            cib.all(graceActiveName.get()).forEach((node, value) -> {
                if ("1".equals(value) && back.contains(node)) {
                    notifier.peerServes(node);
                }
            });
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
