package io.ganeshaha.agent.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.pacemaker.TransientAttributes;
import io.ganeshaha.agent.testing.InMemoryAttrd;
import io.ganeshaha.agent.testing.Journal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One snapshot per period for every look, in order; a look that fails costs the others nothing. */
class AttributeWatchTest {

    private final InMemoryAttrd attrd = new InMemoryAttrd(new Journal());
    private final List<String> seen = new ArrayList<>();

    private AttributeWatch.Look look(String name, boolean fails) {
        return new AttributeWatch.Look() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void look(TransientAttributes cib) {
                seen.add(name + ":" + cib.all("ganesha-active"));
                if (fails) {
                    throw new IllegalStateException(name + " broke");
                }
            }
        };
    }

    @Test
    void everyLookSeesTheSameSnapshotInOrderEvenAfterOneFails() {
        attrd.put("n1", "ganesha-active", "1");
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        AttributeWatch watch = new AttributeWatch(() -> {
            reads.incrementAndGet();
            return attrd.cib().snapshot();
        }, List.of(look("requests", true), look("peers", false)));
        watch.run();
        assertThat(seen).containsExactly("requests:{n1=1}", "peers:{n1=1}");
        assertThat(reads).as("one read for both").hasValue(1);
    }

    @Test
    void noSnapshotNoLook() {
        attrd.put("n1", "ganesha-active", "1");
        attrd.down(true);
        new AttributeWatch(attrd.cib(), List.of(look("requests", false))).run();
        assertThat(seen).isEmpty();
    }
}
