package io.ganeshaha.agent.pacemaker;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pacemaker's transient node attributes as the failover core uses them: this node writes its own,
 * and reads anyone's. {@link Attrd} is the real one ({@code attrd_updater}); the failover core's
 * unit tests run against an in-memory cluster of these.
 */
public interface NodeAttributes {

    /** Sets the attribute on the local node. */
    void update(String name, String value) throws PacemakerCommandException;

    /** Deletes the attribute on the local node. */
    void delete(String name) throws PacemakerCommandException;

    /** The attribute's value on one node, empty when it is not set there. */
    Optional<String> query(String name, String node) throws PacemakerCommandException;

    /** The attribute's value on every node where it is set. */
    Map<String, String> queryAll(String name) throws PacemakerCommandException;

    /**
     * Several attributes on every node, for one decision: name to (node to value), in the order
     * asked. {@link Attrd} reads them side by side, since each read is a process and a failover
     * waits for every one; here, one after the other.
     */
    default Map<String, Map<String, String>> queryAll(Collection<String> names) throws PacemakerCommandException {
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        for (String name : names) {
            all.put(name, queryAll(name));
        }
        return all;
    }

    /** Several attributes on one node, read as {@link #queryAll(Collection)} reads them. */
    default Map<String, Optional<String>> query(Collection<String> names, String node)
            throws PacemakerCommandException {
        Map<String, Optional<String>> all = new LinkedHashMap<>();
        for (String name : names) {
            all.put(name, query(name, node));
        }
        return all;
    }
}
