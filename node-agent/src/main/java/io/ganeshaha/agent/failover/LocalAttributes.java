package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.pacemaker.NodeAttributes;
import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.pacemaker.TransientAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * This node's view of its own transient attributes, so that a {@code ganesha_grace monitor} answers
 * in microseconds instead of a round trip to attrd (no heavyweight cluster query on a monitor path:
 * GlusterFS's `pcs status` in a monitor timed out during failovers). The agent writes through it.
 * A change made by someone else (an administrator's attrd_updater, an entry point's fallback) is
 * seen in the {@link AttributeWatch} snapshots: a value the CIB shows differently from the one
 * remembered is read again from attrd, which decides, at most once per {@code rereadEvery} per
 * attribute, and not within {@code rereadEvery} of the agent's own write of it: the CIB's copy
 * lags behind that write, and attrd itself may not have applied it yet when attrd_updater returns
 * (it applies an update once corosync delivered it back), so a read then could undo it.
 */
public class LocalAttributes implements AttributeWatch.Look {

    private static final Logger LOG = Logger.getLogger(LocalAttributes.class);
    /** How often, at most, one attribute the CIB shows differently is read again from attrd. */
    public static final Duration DEFAULT_REREAD_EVERY = Duration.ofSeconds(2);

    private final NodeAttributes attrd;
    private final LocalNode localNode;
    private final Clock clock;
    private final Duration rereadEvery;
    private final Map<String, Optional<String>> values = new ConcurrentHashMap<>();
    /** Per attribute, how many writes the agent made: a read started before a write must not undo it. */
    private final Map<String, Long> writes = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastReread = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastWrite = new ConcurrentHashMap<>();

    public LocalAttributes(NodeAttributes attrd, LocalNode localNode) {
        this(attrd, localNode, Clock.systemUTC(), DEFAULT_REREAD_EVERY);
    }

    public LocalAttributes(NodeAttributes attrd, LocalNode localNode, Clock clock, Duration rereadEvery) {
        this.attrd = attrd;
        this.localNode = localNode;
        this.clock = clock;
        this.rereadEvery = rereadEvery;
    }

    /** This node's name; before Pacemaker answered once, a placeholder fit for log lines only. */
    public String localNode() {
        return localNode.known().orElse("this node");
    }

    public String nodeName() throws PacemakerCommandException {
        return localNode.name();
    }

    /** The attribute's value on this node; the first ask for a name queries attrd. */
    public Optional<String> get(String name) throws PacemakerCommandException {
        Optional<String> cached = values.get(name);
        if (cached != null) {
            return cached;
        }
        return reread(name);
    }

    /** Reads the attribute from attrd now, and remembers it unless the agent wrote it meanwhile. */
    public Optional<String> reread(String name) throws PacemakerCommandException {
        long seen = writes.getOrDefault(name, 0L);
        Optional<String> value = attrd.query(name, localNode.name());
        remember(name, value, seen);
        return value;
    }

    /** Reads several attributes from attrd now, side by side, and remembers them as {@link #reread(String)}. */
    public Map<String, Optional<String>> reread(Collection<String> names) throws PacemakerCommandException {
        Map<String, Long> seen = new HashMap<>();
        names.forEach(name -> seen.put(name, writes.getOrDefault(name, 0L)));
        Map<String, Optional<String>> fresh = attrd.query(names, localNode.name());
        fresh.forEach((name, value) -> remember(name, value, seen.get(name)));
        return fresh;
    }

    public void set(String name, String value) throws PacemakerCommandException {
        written(name, Optional.of(value), () -> attrd.update(name, value));
    }

    public void delete(String name) throws PacemakerCommandException {
        written(name, Optional.empty(), () -> attrd.delete(name));
    }

    private interface Write {
        void run() throws PacemakerCommandException;
    }

    private void written(String name, Optional<String> value, Write write) throws PacemakerCommandException {
        // Counted before the write too: a read that overlaps it in any way is not remembered.
        writes.merge(name, 1L, Long::sum);
        write.run();
        synchronized (this) {
            writes.merge(name, 1L, Long::sum);
            values.put(name, value);
            lastWrite.put(name, clock.instant());
        }
    }

    /**
     * {@code value}, read from attrd, becomes the remembered one unless the agent wrote since
     * {@code seen}: the value it replaced (null if none), or null when it was not remembered.
     */
    private synchronized Optional<String> remember(String name, Optional<String> value, long seen) {
        if (writes.getOrDefault(name, 0L) != seen) {
            return null;
        }
        return values.put(name, value);
    }

    private boolean recent(Instant when, Instant now) {
        return when != null && now.isBefore(when.plus(rereadEvery));
    }

    @Override
    public String name() {
        return "re-reading this node's attributes";
    }

    /**
     * Compares every remembered attribute with the snapshot's value on this node, and reads the
     * ones that differ again from attrd (not within {@code rereadEvery} of the last such read, nor
     * of the agent's own write); failures keep the remembered value and are logged.
     */
    @Override
    public void look(TransientAttributes cib) {
        if (values.isEmpty()) {
            return;
        }
        String self;
        try {
            self = localNode.name();
        } catch (PacemakerCommandException e) {
            LOG.debugf("cannot name this node to compare its attributes: %s", e.getMessage());
            return;
        }
        Instant now = clock.instant();
        for (Map.Entry<String, Optional<String>> remembered : values.entrySet()) {
            String name = remembered.getKey();
            if (cib.value(self, name).equals(remembered.getValue())) {
                continue;
            }
            if (recent(lastReread.get(name), now) || recent(lastWrite.get(name), now)) {
                continue;
            }
            lastReread.put(name, now);
            try {
                long seen = writes.getOrDefault(name, 0L);
                Optional<String> fresh = attrd.query(name, self);
                Optional<String> old = remember(name, fresh, seen);
                if (old != null && !old.equals(fresh)) {
                    LOG.infof("node attribute %s on %s changed outside the agent: %s -> %s", name, localNode(),
                            old.orElse("(unset)"), fresh.orElse("(unset)"));
                }
            } catch (PacemakerCommandException e) {
                // Pacemaker not answering is logged once, by PacemakerReachability.
                LOG.debugf("cannot re-read node attribute %s on %s: %s", name, localNode(), e.getMessage());
            }
        }
    }
}
