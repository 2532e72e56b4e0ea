package io.ganeshaha.agent.pacemaker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Transient node attributes through Pacemaker's attribute daemon ({@code attrd_updater}). Only
 * transient attributes are ever written (GlusterFS lesson 7): they vanish when a node leaves the
 * cluster, which is exactly when its virtual IP must move.
 */
public class Attrd {

    private final CommandRunner runner;
    private final Duration timeout;

    public Attrd(CommandRunner runner, Duration timeout) {
        this.runner = runner;
        this.timeout = timeout;
    }

    /** Sets the attribute on the local node. */
    public void update(String name, String value) throws PacemakerCommandException {
        check(runner.run(List.of("attrd_updater", "-n", name, "-U", value), timeout), "set " + name + "=" + value);
    }

    /** Deletes the attribute on the local node. */
    public void delete(String name) throws PacemakerCommandException {
        check(runner.run(List.of("attrd_updater", "-n", name, "-D"), timeout), "delete " + name);
    }

    /** The attribute's value on one node, empty when it is not set there. */
    public Optional<String> query(String name, String node) throws PacemakerCommandException {
        return Optional.ofNullable(queryOrEmpty(List.of("-N", node), name).get(node));
    }

    /** The attribute's value on every node where it is set. */
    public Map<String, String> queryAll(String name) throws PacemakerCommandException {
        return queryOrEmpty(List.of("-A"), name);
    }

    private Map<String, String> queryOrEmpty(List<String> scope, String name) throws PacemakerCommandException {
        List<String> argv = new ArrayList<>(List.of("attrd_updater", "-Q", "-n", name));
        argv.addAll(scope);
        CommandRunner.Result result = runner.run(argv, timeout);
        if (result.exitCode() != 0) {
            // attrd_updater exits non-zero (ENXIO, 105 or 6 depending on version) for an attribute
            // that was never set anywhere: that is "absent", not a failure.
            if (result.stderr().contains("No such device or address") || result.stderr().contains("not found")
                    || result.stdout().isBlank() && result.stderr().isBlank()) {
                return Map.of();
            }
            throw new PacemakerCommandException("attrd_updater could not query " + name + ": exit "
                    + result.exitCode() + ": " + result.stderr().strip());
        }
        return AttrdOutput.valuesByNode(result.stdout(), name);
    }

    private static void check(CommandRunner.Result result, String what) throws PacemakerCommandException {
        if (result.exitCode() != 0) {
            throw new PacemakerCommandException("attrd_updater could not " + what + ": exit " + result.exitCode()
                    + ": " + result.stderr().strip());
        }
    }
}
