package io.ganeshaha.agent.pacemaker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Transient node attributes through Pacemaker's attribute daemon ({@code attrd_updater}). Only
 * transient attributes are ever written (a name written both as a permanent and a transient
 * attribute behaves unpredictably, as GlusterFS learned): they vanish when a node leaves the
 * cluster, which is exactly when its virtual IP must move.
 */
public class Attrd implements NodeAttributes {

    private final CommandRunner runner;
    private final Duration timeout;

    public Attrd(CommandRunner runner, Duration timeout) {
        this.runner = runner;
        this.timeout = timeout;
    }

    @Override
    public void update(String name, String value) throws PacemakerCommandException {
        check(runner.run(List.of("attrd_updater", "-n", name, "-U", value), timeout), "set " + name + "=" + value);
    }

    @Override
    public void delete(String name) throws PacemakerCommandException {
        check(runner.run(List.of("attrd_updater", "-n", name, "-D"), timeout), "delete " + name);
    }

    @Override
    public Optional<String> query(String name, String node) throws PacemakerCommandException {
        return Optional.ofNullable(queryOrEmpty(List.of("-N", node), name).get(node));
    }

    @Override
    public Map<String, String> queryAll(String name) throws PacemakerCommandException {
        return queryOrEmpty(List.of("-A"), name);
    }

    private Map<String, String> queryOrEmpty(List<String> scope, String name) throws PacemakerCommandException {
        List<String> argv = new ArrayList<>(List.of("attrd_updater", "-Q", "-n", name));
        argv.addAll(scope);
        CommandRunner.Result result = runner.run(argv, timeout);
        if (result.exitCode() != 0) {
            // An attribute never set anywhere (Pacemaker 2.1: exit 78, "attribute does not
            // exist"; older: ENXIO) is absent, not a failure.
            if (isAbsent(result.stderr())) {
                return Map.of();
            }
            throw new PacemakerCommandException("attrd_updater could not query " + name + ": exit "
                    + result.exitCode() + ": " + result.stderr().strip());
        }
        return AttrdOutput.valuesByNode(result.stdout(), name);
    }

    static boolean isAbsent(String stderr) {
        return stderr.contains("does not exist") || stderr.contains("No such device or address");
    }

    private static void check(CommandRunner.Result result, String what) throws PacemakerCommandException {
        if (result.exitCode() != 0) {
            throw new PacemakerCommandException("attrd_updater could not " + what + ": exit " + result.exitCode()
                    + ": " + result.stderr().strip());
        }
    }
}
