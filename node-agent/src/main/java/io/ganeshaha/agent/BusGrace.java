package io.ganeshaha.agent;

import io.ganeshaha.agent.dbus.GaneshaDbus;
import io.ganeshaha.agent.dbus.GaneshaDbusException;
import io.ganeshaha.agent.failover.NfsdGrace;
import java.time.Duration;

/** The failover core's two grace calls, made over the agent's D-Bus session to ganesha.nfsd. */
final class BusGrace implements NfsdGrace {

    private final GaneshaDbus ganesha;

    BusGrace(GaneshaDbus ganesha) {
        this.ganesha = ganesha;
    }

    @Override
    public void grace(int event, String key, Duration timeout) throws GraceFailure {
        try {
            ganesha.grace(event, key, timeout);
        } catch (GaneshaDbusException e) {
            throw new GraceFailure(e.getMessage(), e);
        }
    }

    @Override
    public boolean inGrace(Duration timeout) throws GraceFailure {
        try {
            return ganesha.inGrace(timeout);
        } catch (GaneshaDbusException e) {
            throw new GraceFailure(e.getMessage(), e);
        }
    }
}
