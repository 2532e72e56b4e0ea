package io.ganeshaha.agent.watch;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides the local ganesha.nfsd's health from what the agent observes, with no I/O of its own
 * (times are monotonic nanoseconds passed in), so every rule is unit-tested.
 *
 * <p>While nfsd owns its name on the system bus it is serving unless its {@code heartbeat} signal
 * stops (a hang). ganesha beats every {@code heartbeat_freq} ms (1 s by default, up to 5 s, 0 for
 * none), which the tracker learns from the beats themselves: nfsd hangs when no healthy beat came
 * for the hang timeout counted from when the next beat was due, so a short stall between two beats
 * is no hang whatever its phase. Until two beats have told the period, the longest ganesha allows
 * (5 s) is assumed. An nfsd that has sent no beat since it took its name (heartbeats off, as in
 * GPFS's sample configuration) cannot be judged: hang detection is off for it, reported as such,
 * never a hang. The bus daemon drops the name the instant the process
 * dies ({@code NameOwnerChanged}); the pid file and /proc then confirm the death. A dead bus, or a
 * restarted bus that the same nfsd process is no longer on, is never taken for a dead nfsd: that
 * would move virtual IPs off a node that serves perfectly well. Then death is still seen through
 * the pid file, a hang is not. A new process is serving only once it is on the bus. A hang lasts
 * as long as the silence: a stall that ends before the node gave its virtual IP away leaves it
 * where it is, and an nfsd that was hung when its virtual IP moved is ended by the agent (see
 * {@code MonController}), so a resumed one never pulls the address back.
 */
public final class NfsdHealthTracker {

    /** The longest heartbeat_freq ganesha accepts: the period assumed until two beats tell the real one. */
    static final long LONGEST_PERIOD_NANOS = 5_000_000_000L;

    private final long hangTimeoutNanos;

    private boolean busUp;
    private String owner = "";
    /** Start of the current heartbeat window: last healthy heartbeat, owner change or bus connect. */
    private long heartbeatAnchor;
    /** Beats of the current owner, healthy or not, and the time of the last one. */
    private long beats;
    private long lastBeat;
    /** The shortest interval between two beats of the current owner: a stall lengthens one, never shortens it. */
    private long periodNanos;
    private Optional<NfsdProcess> process = Optional.empty();
    /** The process last seen owning the bus name: it keeps serving if only its bus goes away. */
    private NfsdProcess ownerProcess;
    /** The process of the last HUNG verdict: a hang lasts while it stays silent, not longer. */
    private NfsdProcess hungProcess;

    /** A zero hang timeout turns hang detection off (for a ganesha built without heartbeats). */
    public NfsdHealthTracker(Duration hangTimeout) {
        this.hangTimeoutNanos = hangTimeout.toNanos();
    }

    public void busConnected(String currentOwner, long now) {
        busUp = true;
        newOwner(currentOwner, now);
    }

    /** The bus name's owner as last told (a bus connect, a NameOwnerChanged signal); empty for none. */
    public String owner() {
        return owner;
    }

    public void busLost() {
        busUp = false;
    }

    public void ownerChanged(String newOwner, long now) {
        newOwner(newOwner, now);
    }

    private void newOwner(String newOwner, long now) {
        String next = Objects.requireNonNullElse(newOwner, "");
        if (!next.equals(owner)) {
            beats = 0;
            periodNanos = 0;
        }
        owner = next;
        heartbeatAnchor = now;
    }

    public void heartbeat(boolean healthy, long now) {
        if (beats > 0 && now > lastBeat) {
            long interval = now - lastBeat;
            periodNanos = periodNanos == 0 ? interval : Math.min(periodNanos, interval);
        }
        beats++;
        lastBeat = now;
        // ganesha reports itself unhealthy when requests are queued but none is dequeued: such a
        // heartbeat does not extend the window, so a wedged daemon is found hung like a frozen one.
        if (healthy) {
            heartbeatAnchor = now;
        }
    }

    /** Whether hang detection judges the current nfsd, and from what: for health and status. */
    public String hangDetection() {
        if (hangTimeoutNanos <= 0) {
            return "off (hang timeout 0)";
        }
        if (beats == 0) {
            return "off (no heartbeat from ganesha.nfsd yet: heartbeat_freq 0?)";
        }
        return "on (heartbeat every " + (periodNanos > 0 ? periodNanos / 1_000_000 + " ms"
                : "5000 ms at most, until measured") + ", hung " + hangTimeoutNanos / 1_000_000
                + " ms after a missed beat)";
    }

    private long period() {
        return periodNanos > 0 ? periodNanos : LONGEST_PERIOD_NANOS;
    }

    public void processObserved(Optional<NfsdProcess> observed) {
        process = observed;
    }

    public NfsdHealth evaluate(long now) {
        if (!busUp || owner.isEmpty()) {
            if (process.isEmpty()) {
                hungProcess = null;
                return NfsdHealth.DOWN;
            }
            if (!busUp && process.get().equals(hungProcess)) {
                // Without the bus a resumed heartbeat cannot be seen: the verdict stands.
                return NfsdHealth.HUNG;
            }
            hungProcess = null;
            // Alive but off the bus: either the bus went away under a serving nfsd (serving), or a
            // new nfsd has not registered yet (not serving yet).
            boolean sameAsOwner = ownerProcess == null ? !busUp : process.get().equals(ownerProcess);
            return sameAsOwner ? NfsdHealth.SERVING : NfsdHealth.DOWN;
        }
        process.ifPresent(p -> ownerProcess = p);
        if (hangTimeoutNanos > 0 && beats > 0 && now - (heartbeatAnchor + period()) > hangTimeoutNanos) {
            hungProcess = process.orElse(null);
            return NfsdHealth.HUNG;
        }
        hungProcess = null;
        return NfsdHealth.SERVING;
    }

    /** The process found hung by the last evaluation, if any: the one to end once its virtual IP has moved. */
    public Optional<NfsdProcess> hungProcess() {
        return Optional.ofNullable(hungProcess);
    }
}
