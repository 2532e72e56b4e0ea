package io.ganeshaha.agent.pacemaker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.lang3.concurrent.BasicThreadFactory;

/**
 * Transient node attributes through Pacemaker's attribute daemon ({@code attrd_updater}). Only
 * transient attributes are ever written (a name written both as a permanent and a transient
 * attribute behaves unpredictably, as GlusterFS learned): they vanish when a node leaves the
 * cluster, which is exactly when its virtual IP must move.
 *
 * <p>Each call is an {@code attrd_updater} process: on a loaded host a few hundred milliseconds,
 * and a failover step reads several attributes before it acts. Those reads run side by side
 * ({@link #queryAll(Collection)}), so a step waits for the slowest of them, not for their sum.
 */
public class Attrd implements NodeAttributes {

    /** Threads for reads side by side; idle ones end after a minute. */
    private static final ExecutorService SIDE_BY_SIDE = Executors.newCachedThreadPool(
            BasicThreadFactory.builder().namingPattern("attrd-read-%d").daemon().build());

    private final CommandRunner runner;
    private final Duration timeout;
    private final PacemakerReachability reachability;

    public Attrd(CommandRunner runner, Duration timeout, PacemakerReachability reachability) {
        this.runner = runner;
        this.timeout = timeout;
        this.reachability = reachability;
    }

    @Override
    public void update(String name, String value) throws PacemakerCommandException {
        check(run(List.of("attrd_updater", "-n", name, "-U", value)), "set " + name + "=" + value);
    }

    @Override
    public void delete(String name) throws PacemakerCommandException {
        check(run(List.of("attrd_updater", "-n", name, "-D")), "delete " + name);
    }

    @Override
    public Optional<String> query(String name, String node) throws PacemakerCommandException {
        return Optional.ofNullable(queryOrEmpty(List.of("-N", node), name).get(node));
    }

    @Override
    public Map<String, String> queryAll(String name) throws PacemakerCommandException {
        return queryOrEmpty(List.of("-A"), name);
    }

    @Override
    public Map<String, Map<String, String>> queryAll(Collection<String> names) throws PacemakerCommandException {
        return sideBySide(names, this::queryAll);
    }

    @Override
    public Map<String, Optional<String>> query(Collection<String> names, String node) throws PacemakerCommandException {
        return sideBySide(names, name -> query(name, node));
    }

    private interface Read<T> {
        T read(String name) throws PacemakerCommandException;
    }

    /**
     * Every read on its own thread, each bounded by the call timeout; all are awaited, and the
     * first failure, in the order asked, is the answer.
     */
    private static <T> Map<String, T> sideBySide(Collection<String> names, Read<T> read)
            throws PacemakerCommandException {
        Map<String, Future<T>> reads = new LinkedHashMap<>();
        for (String name : names) {
            reads.putIfAbsent(name, SIDE_BY_SIDE.submit(() -> read.read(name)));
        }
        Map<String, T> values = new LinkedHashMap<>();
        PacemakerCommandException failure = null;
        for (Map.Entry<String, Future<T>> r : reads.entrySet()) {
            try {
                values.put(r.getKey(), r.getValue().get());
            } catch (InterruptedException e) {
                reads.values().forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                throw new PacemakerCommandException("interrupted while reading " + r.getKey(), e);
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof PacemakerCommandException p ? p
                            : new PacemakerCommandException("reading " + r.getKey() + " failed: " + e.getCause(),
                                    e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return values;
    }

    private Map<String, String> queryOrEmpty(List<String> scope, String name) throws PacemakerCommandException {
        List<String> argv = new ArrayList<>(List.of("attrd_updater", "-Q", "-n", name));
        argv.addAll(scope);
        CommandRunner.Result result = run(argv);
        if (result.exitCode() != 0) {
            // An attribute never set anywhere (Pacemaker 2.1: exit 78, "attribute does not
            // exist"; older: ENXIO) is absent, not a failure.
            if (isAbsent(result.stderr())) {
                reachability.answered();
                return Map.of();
            }
            throw failed("attrd_updater could not query " + name + ": exit " + result.exitCode() + ": "
                    + result.stderr().strip());
        }
        reachability.answered();
        return AttrdOutput.valuesByNode(result.stdout(), name);
    }

    private CommandRunner.Result run(List<String> argv) throws PacemakerCommandException {
        try {
            return runner.run(argv, timeout);
        } catch (PacemakerCommandException e) {
            // An interrupted call (the agent shutting down) says nothing about Pacemaker.
            if (!(e.getCause() instanceof InterruptedException)) {
                reachability.failed(e.getMessage());
            }
            throw e;
        }
    }

    private PacemakerCommandException failed(String message) {
        reachability.failed(message);
        return new PacemakerCommandException(message);
    }

    static boolean isAbsent(String stderr) {
        return stderr.contains("does not exist") || stderr.contains("No such device or address");
    }

    private void check(CommandRunner.Result result, String what) throws PacemakerCommandException {
        if (result.exitCode() != 0) {
            throw failed("attrd_updater could not " + what + ": exit " + result.exitCode() + ": "
                    + result.stderr().strip());
        }
        reachability.answered();
    }
}
