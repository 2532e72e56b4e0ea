package io.ganeshaha.agent.failover;

import io.ganeshaha.agent.ocf.NotifyEvent;
import io.ganeshaha.agent.ocf.OcfParameters;
import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.testing.FakeNfsdGrace;
import io.ganeshaha.agent.testing.InMemoryAttrd;
import io.ganeshaha.agent.testing.Journal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A cluster of nodes whose failover core runs for real (attributes, handshake, grace calls) with
 * attrd and ganesha.nfsd in memory, and a test double of Pacemaker that does what the CIB's rules
 * make it do: when a node's {@code grace-active} goes (comes), every other node whose agent answers
 * gets the post-stop (pre-start) notify, on its own thread as Pacemaker runs them; when a node's
 * {@code ganesha-active} goes (comes), its virtual IP moves away (home). Everything lands in one
 * {@link Journal}.
 */
final class InMemoryCluster implements AutoCloseable {

    static final String GRACE = OcfParameters.DEFAULT_GRACE_ACTIVE;
    static final String GANESHA = OcfParameters.DEFAULT_GANESHA_ACTIVE;

    final Journal journal = new Journal();
    final InMemoryAttrd attrd = new InMemoryAttrd(journal);
    final Map<String, Node> nodes = new LinkedHashMap<>();
    private final ExecutorService pacemaker = Executors.newCachedThreadPool();
    private final List<MonController> controllers = new ArrayList<>();
    private final Set<String> lost = ConcurrentHashMap.newKeySet();

    /** One node: its attributes as its agent sees them, its nfsd, and the survivor side of the handshake. */
    final class Node {
        final String name;
        final FakeNfsdGrace nfsd;
        final LocalAttributes attributes;
        final GraceNotifier notifier;
        volatile boolean serving = true;
        /** While false, Pacemaker's notifies reach no agent here (the agent is down). */
        volatile boolean agentAnswers = true;

        Node(String name) {
            this.name = name;
            this.nfsd = new FakeNfsdGrace(name, journal);
            this.attributes = new LocalAttributes(attrd.node(name), LocalNode.named(name));
            this.notifier = new GraceNotifier(nfsd, attrd.node(name), attributes, () -> serving, Clock.systemUTC(),
                    Duration.ofSeconds(1));
        }

        /** This node's ganesha_mon, started by Pacemaker with {@code params}; closed with the cluster. */
        MonController mon(OcfParameters.Mon params, LinkedBlockingQueue<FailoverTimeline> timelines) {
            return mon(params, timelines, Duration.ZERO);
        }

        /**
         * The same, ending a hung nfsd as the agent does (recorded in the journal as "end hung
         * nfsd") and waiting {@code hungSettle} after it published a hang.
         */
        MonController mon(OcfParameters.Mon params, LinkedBlockingQueue<FailoverTimeline> timelines,
                Duration hungSettle) {
            MonController mon = new MonController(attrd.node(name), attributes, Clock.systemUTC(),
                    Duration.ofMillis(10), Duration.ofMillis(200), timelines::add, () -> {
                        journal.add(name, "end hung nfsd");
                        return Optional.of("ended");
                    }, hungSettle);
            controllers.add(mon);
            mon.configure(Optional.of(params));
            mon.start();
            return mon;
        }

        /** Part of the state the test starts from: this node's attribute {@code name} holds {@code value}. */
        Node given(String attribute, String value) {
            attrd.given(name, attribute, Optional.of(value));
            return this;
        }

        Node without(String attribute) {
            attrd.given(name, attribute, Optional.empty());
            return this;
        }

        /** Serving, both attributes set: a node of a healthy cluster. */
        Node healthy() {
            given(GRACE, "1");
            given(GANESHA, "1");
            return this;
        }
    }

    InMemoryCluster(String... names) {
        for (String name : names) {
            nodes.put(name, new Node(name));
        }
        attrd.onChange(this::pacemakerReacts);
    }

    Node node(String name) {
        return nodes.get(name);
    }

    /**
     * {@code node} leaves the membership without fencing: attrd drops all its attributes, and
     * Pacemaker takes its clone instances as stopped with no stop action, so no notify runs.
     */
    void lose(String node) {
        lost.add(node);
        attrd.lose(node);
    }

    static OcfParameters.Mon mon(Duration graceDelay) {
        return new OcfParameters.Mon(GANESHA, GRACE, graceDelay);
    }

    private void pacemakerReacts(InMemoryAttrd.Change change) {
        if (change.name().equals(GANESHA)) {
            journal.add("pacemaker", change.value().isPresent() ? "vip of " + change.node() + " home"
                    : "vip of " + change.node() + " moves");
        }
        if (!change.name().equals(GRACE) || lost.contains(change.node())) {
            return;
        }
        boolean stopped = change.value().isEmpty();
        String list = change.node();
        for (Node peer : nodes.values()) {
            if (peer.name.equals(change.node()) || !peer.agentAnswers) {
                continue;
            }
            NotifyEvent event = new NotifyEvent(stopped ? "post" : "pre", stopped ? "stop" : "start",
                    stopped ? List.of(list) : List.of(), stopped ? List.of() : List.of(list), List.of(), List.of());
            pacemaker.execute(() -> peer.notifier.handle(event, peer.name,
                    java.time.Instant.now().plusSeconds(5)));
        }
    }

    @Override
    public void close() throws InterruptedException {
        controllers.forEach(MonController::close);
        pacemaker.shutdownNow();
        pacemaker.awaitTermination(5, TimeUnit.SECONDS);
    }
}
