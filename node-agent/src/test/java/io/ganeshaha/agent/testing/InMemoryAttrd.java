package io.ganeshaha.agent.testing;

import io.ganeshaha.agent.pacemaker.AttributeSnapshots;
import io.ganeshaha.agent.pacemaker.NodeAttributes;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.pacemaker.TransientAttributes;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * attrd for a whole cluster in memory, for the failover core's unit tests: every node writes its
 * own transient attributes through {@link #node(String)} and reads everyone's. Each change goes
 * into the shared {@link Journal} (so a test asserts the order of what every node did) and to the
 * listeners (so a test can play Pacemaker: run the survivors' notifies when a grace-active goes).
 * {@link #down} makes every call fail as attrd_updater does when Pacemaker is not running.
 * {@link #cib()} reads everything in one snapshot, as cibadmin reads the CIB's copy; the copy can
 * be made to differ from attrd ({@link #cibShows}), as the real one does while it lags behind.
 */
public final class InMemoryAttrd {

    /** One attribute change, as seen by a listener. */
    public record Change(String node, String name, Optional<String> value) {}

    private final Map<String, Map<String, String>> values = new TreeMap<>();
    private final Journal journal;
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean down;
    /** (node, name) to what the CIB's copy shows instead of attrd's value. */
    private final Map<List<String>, Optional<String>> cibDiffers = new HashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private volatile boolean queriesFail;

    public InMemoryAttrd(Journal journal) {
        this.journal = journal;
    }

    /** While down, every query and write fails with a PacemakerCommandException. */
    public void down(boolean down) {
        this.down = down;
    }

    public void onChange(Consumer<Change> listener) {
        listeners.add(listener);
    }

    /**
     * The state a test starts from: sets ({@code value} present) or removes an attribute of
     * {@code node} without telling the listeners and without a journal entry.
     */
    public void given(String node, String name, Optional<String> value) {
        synchronized (values) {
            Map<String, String> byNode = values.computeIfAbsent(name, n -> new TreeMap<>());
            value.ifPresentOrElse(v -> byNode.put(node, v), () -> byNode.remove(node));
        }
    }

    /** Sets an attribute of {@code node} directly, as another party would. */
    public void put(String node, String name, String value) {
        change(node, name, Optional.of(value));
    }

    /** Removes an attribute of {@code node}, as a node leaving the cluster loses all of them. */
    public void remove(String node, String name) {
        change(node, name, Optional.empty());
    }

    /** Removes every attribute of {@code node}: what attrd does when the node leaves the membership. */
    public void lose(String node) {
        List<String> names;
        synchronized (values) {
            names = values.entrySet().stream().filter(e -> e.getValue().containsKey(node)).map(Map.Entry::getKey)
                    .toList();
        }
        names.forEach(name -> remove(node, name));
    }

    public Optional<String> value(String node, String name) {
        synchronized (values) {
            return Optional.ofNullable(values.getOrDefault(name, Map.of()).get(node));
        }
    }

    /**
     * From now on the CIB's copy shows {@code value} (absent: nothing) for this attribute,
     * whatever attrd holds, until {@link #cibCatchesUp()}.
     */
    public void cibShows(String node, String name, Optional<String> value) {
        synchronized (values) {
            cibDiffers.put(List.of(node, name), value);
        }
    }

    public void cibCatchesUp() {
        synchronized (values) {
            cibDiffers.clear();
        }
    }

    /** While true, attrd queries fail (and nothing else): the CIB answers, attrd_updater does not. */
    public void queriesFail(boolean fail) {
        this.queriesFail = fail;
    }

    /** How many attrd queries were made so far, by every node. */
    public int queries() {
        return queries.get();
    }

    /** Every node's attributes in one read (one cibadmin query), differing where {@link #cibShows} says. */
    public AttributeSnapshots cib() {
        return () -> {
            check("query the CIB");
            Map<String, Map<String, String>> byNode = new TreeMap<>();
            synchronized (values) {
                values.forEach((name, nodes) -> nodes.forEach(
                        (node, value) -> byNode.computeIfAbsent(node, n -> new TreeMap<>()).put(name, value)));
                cibDiffers.forEach((at, value) -> {
                    Map<String, String> of = byNode.computeIfAbsent(at.get(0), n -> new TreeMap<>());
                    value.ifPresentOrElse(v -> of.put(at.get(1), v), () -> of.remove(at.get(1)));
                });
            }
            return new TransientAttributes(byNode);
        };
    }

    /** This node's view: writes go to its own attributes. */
    public NodeAttributes node(String self) {
        return new NodeAttributes() {
            @Override
            public void update(String name, String value) throws PacemakerCommandException {
                check("set " + name);
                change(self, name, Optional.of(value));
            }

            @Override
            public void delete(String name) throws PacemakerCommandException {
                check("delete " + name);
                change(self, name, Optional.empty());
            }

            @Override
            public Optional<String> query(String name, String node) throws PacemakerCommandException {
                checkQuery(name);
                return value(node, name);
            }

            @Override
            public Map<String, String> queryAll(String name) throws PacemakerCommandException {
                checkQuery(name);
                synchronized (values) {
                    return new TreeMap<>(values.getOrDefault(name, Map.of()));
                }
            }
        };
    }

    private void checkQuery(String name) throws PacemakerCommandException {
        check("query " + name);
        queries.incrementAndGet();
        if (queriesFail) {
            throw new PacemakerCommandException("attrd_updater could not query " + name + ": timed out");
        }
    }

    private void check(String what) throws PacemakerCommandException {
        if (down) {
            throw new PacemakerCommandException("attrd_updater could not " + what
                    + ": exit 102: Could not connect to the CIB manager");
        }
    }

    private void change(String node, String name, Optional<String> value) {
        Optional<String> before;
        synchronized (values) {
            Map<String, String> byNode = values.computeIfAbsent(name, n -> new TreeMap<>());
            before = Optional.ofNullable(value.isPresent() ? byNode.put(node, value.get()) : byNode.remove(node));
            if (before.equals(value)) {
                return;
            }
            journal.add(node, value.map(v -> "set " + name + "=" + v).orElse("delete " + name));
        }
        Change change = new Change(node, name, value);
        for (Consumer<Change> listener : new ArrayList<>(listeners)) {
            listener.accept(change);
        }
    }
}
