package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.pacemaker.NodeAttributes;
import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * This node's view of its own transient attributes, so that a {@code ganesha_grace monitor} answers
 * in microseconds instead of a round trip to attrd (no heavyweight cluster query on a monitor path:
 * GlusterFS's `pcs status` in a monitor timed out during failovers). The agent writes through it; {@link #refresh()} re-reads every attribute it
 * has been asked about, so a change made by someone else is seen within one refresh period.
 */
public class LocalAttributes {

    private static final Logger LOG = Logger.getLogger(LocalAttributes.class);

    private final NodeAttributes attrd;
    private final LocalNode localNode;
    private final Map<String, Optional<String>> values = new ConcurrentHashMap<>();

    public LocalAttributes(NodeAttributes attrd, LocalNode localNode) {
        this.attrd = attrd;
        this.localNode = localNode;
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
        Optional<String> value = attrd.query(name, localNode.name());
        values.put(name, value);
        return value;
    }

    /** Reads the attribute from attrd now, and remembers it. */
    public Optional<String> reread(String name) throws PacemakerCommandException {
        Optional<String> value = attrd.query(name, localNode.name());
        values.put(name, value);
        return value;
    }

    /** Reads several attributes from attrd now, side by side, and remembers them. */
    public Map<String, Optional<String>> reread(Collection<String> names) throws PacemakerCommandException {
        Map<String, Optional<String>> fresh = attrd.query(names, localNode.name());
        values.putAll(fresh);
        return fresh;
    }

    public void set(String name, String value) throws PacemakerCommandException {
        attrd.update(name, value);
        values.put(name, Optional.of(value));
    }

    public void delete(String name) throws PacemakerCommandException {
        attrd.delete(name);
        values.put(name, Optional.empty());
    }

    /** Re-reads every known attribute from attrd; failures keep the last value and are logged. */
    public void refresh() {
        for (String name : values.keySet()) {
            try {
                Optional<String> fresh = attrd.query(name, localNode.name());
                Optional<String> old = values.put(name, fresh);
                if (old != null && !old.equals(fresh)) {
                    LOG.infof("node attribute %s on %s changed outside the agent: %s -> %s", name, localNode(),
                            old.orElse("(unset)"), fresh.orElse("(unset)"));
                }
            } catch (PacemakerCommandException e) {
                // Pacemaker not answering is logged once, by PacemakerReachability.
                LOG.debugf("cannot refresh node attribute %s on %s: %s", name, localNode(), e.getMessage());
            }
        }
    }
}
