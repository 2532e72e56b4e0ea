package io.ganeshaha.agent.pacemaker;

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
}
