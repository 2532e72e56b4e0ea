package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.watch.NfsdHealth;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What ganesha_mon does next, decided from nfsd's health and this node's two attributes as attrd
 * holds them now. Pure: the same inputs always give the same step, so every case is a unit test.
 *
 * @param kind what to do
 * @param direction where nfsd's health takes the attributes
 * @param moveGaneshaActive whether {@code ganesha-active} still has to move once the survivors are
 *     in grace (a begun step may find it already where the direction wants it)
 */
public record MonStep(Kind kind, Direction direction, boolean moveGaneshaActive) {

    public enum Kind {
        /** Both attributes are where nfsd's health wants them. */
        NOTHING,
        /**
         * {@code grace-active} is not where it should be: publish a new epoch, move
         * {@code grace-active}, await the survivors' acknowledgements, then move
         * {@code ganesha-active}.
         */
        BEGIN,
        /**
         * {@code grace-active} moved but {@code ganesha-active} did not: a sequence was interrupted
         * (agent restart) or attrd lost a value. Await the acknowledgements of the epoch already
         * published, then move {@code ganesha-active}.
         */
        FINISH,
        /**
         * nfsd is hung but no peer serves that could take this node's virtual IP: keep
         * {@code ganesha-active}, and set {@code grace-active} again if a failover begun when a
         * peer still served had deleted it. Giving the address away would leave it on no node, or
         * on another hung one; a shared backend stalling hangs every node at once. Decided again
         * at the next look, and over as soon as a peer serves (a failover begins afresh, with a
         * new epoch its survivors acknowledge) or nfsd beats again.
         */
        HOLD
    }

    /** This node's step when nfsd's health is not a hang (whether a peer serves does not matter then). */
    public static MonStep next(NfsdHealth health, Optional<String> graceActive, Optional<String> ganeshaActive) {
        return next(health, graceActive, ganeshaActive, true);
    }

    /**
     * @param servingPeer whether some other node serves and can take this node's virtual IP over
     *     (see {@link #servingPeers}); weighs only when nfsd is hung
     */
    public static MonStep next(NfsdHealth health, Optional<String> graceActive, Optional<String> ganeshaActive,
            boolean servingPeer) {
        MonStep step = nextIgnoringPeers(health, graceActive, ganeshaActive);
        if (health == NfsdHealth.HUNG && !servingPeer && step.kind() != Kind.NOTHING) {
            return new MonStep(Kind.HOLD, step.direction(), step.moveGaneshaActive());
        }
        return step;
    }

    /**
     * The peers that could take a virtual IP over: serving by their attributes (both set, as
     * {@link GraceAcks#survivors} counts them) and not marked hung in {@code hung} (the attribute
     * {@link #HUNG_ATTRIBUTE} a hung node's agent publishes before it decides).
     */
    public static Set<String> servingPeers(Map<String, String> ganeshaActive, Map<String, String> graceActive,
            Map<String, String> hung, String self) {
        Set<String> peers = new TreeSet<>(GraceAcks.survivors(ganeshaActive, graceActive, self));
        hung.forEach((node, value) -> {
            if ("1".equals(value)) {
                peers.remove(node);
            }
        });
        return peers;
    }

    /** Set to 1 on a node while its nfsd is hung, deleted once it is not. */
    public static final String HUNG_ATTRIBUTE = "ganesha-nfsd-hung";

    private static MonStep nextIgnoringPeers(NfsdHealth health, Optional<String> graceActive,
            Optional<String> ganeshaActive) {
        Direction direction = Direction.towards(health);
        boolean ganeshaPending = !direction.reached(ganeshaActive);
        if (!direction.reached(graceActive)) {
            return new MonStep(Kind.BEGIN, direction, ganeshaPending);
        }
        return new MonStep(ganeshaPending ? Kind.FINISH : Kind.NOTHING, direction, ganeshaPending);
    }
}
