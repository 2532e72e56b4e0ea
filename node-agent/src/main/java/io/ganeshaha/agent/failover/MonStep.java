package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.watch.NfsdHealth;
import java.util.Optional;

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
        FINISH
    }

    public static MonStep next(NfsdHealth health, Optional<String> graceActive, Optional<String> ganeshaActive) {
        Direction direction = Direction.towards(health);
        boolean ganeshaPending = !direction.reached(ganeshaActive);
        if (!direction.reached(graceActive)) {
            return new MonStep(Kind.BEGIN, direction, ganeshaPending);
        }
        return new MonStep(ganeshaPending ? Kind.FINISH : Kind.NOTHING, direction, ganeshaPending);
    }
}
