package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.ocf.OcfParameters;
import io.ganeshaha.agent.pacemaker.NodeAttributes;
import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
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
 * period. Runs on the agent's housekeeping thread, one attrd query per period.
 */
public final class PeerLossWatch implements Runnable {

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
    public void run() {
        try {
            String self = localNode.name();
            Set<String> now = new HashSet<>();
            attrd.queryAll(ganeshaActiveName.get()).forEach((node, value) -> {
                if ("1".equals(value)) {
                    now.add(node);
                }
            });
            Set<String> before = serving;
            serving = now;
            // Back in service (grace-active set again, which a failing node deletes first): its
            // next loss is a new takeover.
            attrd.queryAll(graceActiveName.get()).forEach((node, value) -> {
                if ("1".equals(value) && now.contains(node)) {
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
            // Pacemaker not answering is logged once, by PacemakerReachability.
            LOG.debugf("cannot read which peers serve: %s", e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "watching the peers failed");
        }
    }
}
