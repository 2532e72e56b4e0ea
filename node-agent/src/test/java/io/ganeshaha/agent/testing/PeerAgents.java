package io.ganeshaha.agent.testing;

import io.ganeshaha.agent.failover.AttributeWatch;
import io.ganeshaha.agent.failover.GraceNotifier;
import io.ganeshaha.agent.failover.LocalAttributes;
import io.ganeshaha.agent.failover.TakeoverRequestWatch;
import io.ganeshaha.agent.pacemaker.LocalNode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A peer's node agent in memory, as far as a test of one node needs it. */
public final class PeerAgents {

    private PeerAgents() {}

    /**
     * {@code node}'s agent answering takeover requests as its {@link TakeoverRequestWatch} does
     * (grace calls into the journal, acknowledgements into attrd), looking every 20 ms on
     * {@code schedule}; it refuses while {@code serving} says its nfsd does not serve.
     */
    public static void answerTakeoverRequests(InMemoryAttrd attrd, Journal journal, String node, BooleanSupplier serving,
            ScheduledExecutorService schedule) {
        LocalAttributes attributes = new LocalAttributes(attrd.node(node), LocalNode.named(node));
        GraceNotifier notifier = new GraceNotifier(new FakeNfsdGrace(node, journal), attrd.node(node), attributes,
                serving, Clock.systemUTC(), Duration.ofSeconds(1));
        AttributeWatch watch = new AttributeWatch(attrd.cib(), List.of(new TakeoverRequestWatch(attrd.node(node),
                LocalNode.named(node), notifier, serving, Clock.systemUTC(), Duration.ofSeconds(1))));
        schedule.scheduleWithFixedDelay(watch, 0, 20, TimeUnit.MILLISECONDS);
    }
}
