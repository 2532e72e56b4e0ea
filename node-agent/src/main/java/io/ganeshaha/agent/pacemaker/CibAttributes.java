package io.ganeshaha.agent.pacemaker;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every node's transient attributes read from the local CIB replica in one {@code cibadmin} query.
 * A process costs the same whatever it reads (about 35 ms of CPU, most of it the tool's start), so
 * one read of everything per period replaces the process per attribute and period the watches
 * made with {@code attrd_updater}: that polling, on every node all the time, was a good part of the
 * load a loaded host throttles Pacemaker's transitions on.
 */
public final class CibAttributes implements AttributeSnapshots {

    /** The transient attributes of every node, and the configured nodes that name their ids. */
    static final String XPATH = "/cib/status/node_state/transient_attributes|/cib/configuration/nodes/node";

    private final CommandRunner runner;
    private final Duration timeout;

    /**
     * Its failures are the caller's to report: {@link PacemakerReachability} follows attrd, which
     * every failover step needs, and a CIB that does not answer while attrd does would make it flap.
     */
    public CibAttributes(CommandRunner runner, Duration timeout) {
        this.runner = runner;
        this.timeout = timeout;
    }

    @Override
    public TransientAttributes snapshot() throws PacemakerCommandException {
        CommandRunner.Result r = runner.run(List.of("cibadmin", "--query", "--xpath", XPATH), timeout);
        if (r.exitCode() == Cib.NO_SUCH_OBJECT) {
            return new TransientAttributes(Map.of()); // no node configured yet
        }
        if (r.exitCode() != 0) {
            throw new PacemakerCommandException("cibadmin could not read the transient attributes: exit " + r.exitCode()
                    + ": " + r.stderr().strip());
        }
        try {
            return TransientAttributes.parse(r.stdout());
        } catch (IOException e) {
            throw new PacemakerCommandException("cibadmin answered the transient attributes with " + e.getMessage(), e);
        }
    }
}
