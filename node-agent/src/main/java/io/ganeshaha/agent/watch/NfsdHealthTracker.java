package io.ganeshaha.agent.watch;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides the local ganesha.nfsd's health from what the agent observes, with no I/O of its own
 * (times are monotonic nanoseconds passed in), so every rule is unit-tested.
 *
 * <p>While nfsd owns its name on the system bus it is serving unless its once-a-second
 * {@code heartbeat} signal stops (a hang). The bus daemon drops the name the instant the process
 * dies ({@code NameOwnerChanged}); the pid file and /proc then confirm the death. A dead bus, or a
 * restarted bus that the same nfsd process is no longer on, is never taken for a dead nfsd: that
 * would move virtual IPs off a node that serves perfectly well. Then death is still seen through
 * the pid file, a hang is not. A new process is serving only once it is on the bus.
 */
public final class NfsdHealthTracker {

    private final long hangTimeoutNanos;

    private boolean busUp;
    private String owner = "";
    /** Start of the current heartbeat window: last healthy heartbeat, owner change or bus connect. */
    private long heartbeatAnchor;
    private Optional<NfsdProcess> process = Optional.empty();
    /** The process last seen owning the bus name: it keeps serving if only its bus goes away. */
    private NfsdProcess ownerProcess;
    private String hungOwner;
    private NfsdProcess hungProcess;

    /** A zero hang timeout turns hang detection off (for a ganesha built without heartbeats). */
    public NfsdHealthTracker(Duration hangTimeout) {
        this.hangTimeoutNanos = hangTimeout.toNanos();
    }

    public void busConnected(String currentOwner, long now) {
        busUp = true;
        owner = Objects.requireNonNullElse(currentOwner, "");
        heartbeatAnchor = now;
    }

    public void busLost() {
        busUp = false;
    }

    public void ownerChanged(String newOwner, long now) {
        owner = Objects.requireNonNullElse(newOwner, "");
        heartbeatAnchor = now;
    }

    public void heartbeat(boolean healthy, long now) {
        // ganesha reports itself unhealthy when requests are queued but none is dequeued: such a
        // heartbeat does not extend the window, so a wedged daemon is found hung like a frozen one.
        if (healthy) {
            heartbeatAnchor = now;
        }
    }

    public void processObserved(Optional<NfsdProcess> observed) {
        process = observed;
    }

    public NfsdHealth evaluate(long now) {
        if (isStillHung()) {
            return NfsdHealth.HUNG;
        }
        hungOwner = null;
        hungProcess = null;
        if (!busUp || owner.isEmpty()) {
            if (process.isEmpty()) {
                return NfsdHealth.DOWN;
            }
            // Alive but off the bus: either the bus went away under a serving nfsd (serving), or a
            // new nfsd has not registered yet (not serving yet).
            boolean sameAsOwner = ownerProcess == null ? !busUp : process.get().equals(ownerProcess);
            return sameAsOwner ? NfsdHealth.SERVING : NfsdHealth.DOWN;
        }
        process.ifPresent(p -> ownerProcess = p);
        if (hangTimeoutNanos > 0 && now - heartbeatAnchor > hangTimeoutNanos) {
            hungOwner = owner;
            hungProcess = process.orElse(null);
            return NfsdHealth.HUNG;
        }
        return NfsdHealth.SERVING;
    }

    /** A hung verdict holds until the daemon is gone or replaced by a new process. */
    private boolean isStillHung() {
        if (hungOwner == null) {
            return false;
        }
        if (busUp) {
            return owner.equals(hungOwner);
        }
        return process.isPresent() && (hungProcess == null || process.get().equals(hungProcess));
    }
}
