package io.ganeshaha.agent.pacemaker;

/**
 * Every node's transient attributes in one read. {@link CibAttributes} is the real one (one
 * cibadmin query); the failover core's unit tests read an in-memory cluster's.
 */
public interface AttributeSnapshots {

    TransientAttributes snapshot() throws PacemakerCommandException;
}
