package io.ganeshaha.agent.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.pacemaker.NodeAttributes;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.testing.InMemoryAttrd;
import io.ganeshaha.agent.testing.Journal;
import io.ganeshaha.agent.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent's view of its own attributes follows changes made by someone else, seen in the CIB's
 * copy and read again from attrd, without a process per attribute and look while nothing changes,
 * and a read never undoes a write the agent made while it ran.
 */
class LocalAttributesTest {

    private static final String GRACE = "grace-active";

    private final InMemoryAttrd attrd = new InMemoryAttrd(new Journal());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T07:00:00Z"));
    private final LocalAttributes attributes = new LocalAttributes(attrd.node("n1"), LocalNode.named("n1"), clock,
            Duration.ofSeconds(2));

    private void look() throws PacemakerCommandException {
        attributes.look(attrd.cib().snapshot());
    }

    @Test
    void whatTheCibShowsAsRememberedAsksAttrdNothing() throws Exception {
        attributes.set(GRACE, "1");
        attributes.get("ganesha-active"); // remembered as unset: one query
        int before = attrd.queries();
        for (int i = 0; i < 5; i++) {
            look();
            clock.advance(Duration.ofSeconds(3));
        }
        assertThat(attrd.queries()).isEqualTo(before);
    }

    @Test
    void aChangeMadeBySomeoneElseIsSeenAtTheNextLook() throws Exception {
        attributes.set(GRACE, "1");
        clock.advance(Duration.ofSeconds(2));
        attrd.remove("n1", GRACE); // an administrator's attrd_updater -D
        look();
        assertThat(attributes.get(GRACE)).isEmpty();
        attrd.put("n1", GRACE, "1");
        clock.advance(Duration.ofMillis(250));
        look();
        assertThat(attributes.get(GRACE)).as("one re-read per attribute and period").isEmpty();
        clock.advance(Duration.ofMillis(1750));
        look();
        assertThat(attributes.get(GRACE)).contains("1");
    }

    /**
     * Right after the agent's own write the CIB's copy still shows the old value, and attrd itself
     * may not have applied the write yet: no read then, which could undo it. A copy that stays
     * behind is asked about once per period.
     */
    @Test
    void aCibBehindTheAgentsWriteIsAskedAboutOnlyAfterAPeriodAndOncePerPeriod() throws Exception {
        attributes.set(GRACE, "1");
        attrd.cibShows("n1", GRACE, Optional.empty()); // the write not in the CIB's copy yet
        int before = attrd.queries();
        look();
        clock.advance(Duration.ofMillis(1999));
        look();
        assertThat(attrd.queries()).as("no re-read within a period of the write").isEqualTo(before);
        clock.advance(Duration.ofMillis(1));
        look();
        look();
        assertThat(attrd.queries()).as("one re-read per period").isEqualTo(before + 1);
        assertThat(attributes.get(GRACE)).contains("1");
        clock.advance(Duration.ofSeconds(2));
        look();
        assertThat(attrd.queries()).isEqualTo(before + 2);
        assertThat(attributes.get(GRACE)).contains("1");
    }

    @Test
    void aReadThatOverlapsTheAgentsWriteDoesNotUndoIt() throws Exception {
        NodeAttributes real = attrd.node("n1");
        CountDownLatch readDone = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        NodeAttributes slowReads = new NodeAttributes() {
            @Override
            public void update(String name, String value) throws PacemakerCommandException {
                real.update(name, value);
            }

            @Override
            public void delete(String name) throws PacemakerCommandException {
                real.delete(name);
            }

            @Override
            public Optional<String> query(String name, String node) throws PacemakerCommandException {
                Optional<String> value = real.query(name, node);
                readDone.countDown();
                try {
                    written.await(5, TimeUnit.SECONDS); // the answer arrives after the agent's write
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return value;
            }

            @Override
            public Map<String, String> queryAll(String name) throws PacemakerCommandException {
                return real.queryAll(name);
            }
        };
        LocalAttributes view = new LocalAttributes(slowReads, LocalNode.named("n1"), clock, Duration.ofSeconds(2));
        attrd.put("n1", GRACE, "1");
        CompletableFuture<Optional<String>> read = CompletableFuture.supplyAsync(() -> {
            try {
                return view.reread(GRACE);
            } catch (PacemakerCommandException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(readDone.await(5, TimeUnit.SECONDS)).isTrue();
        view.delete(GRACE); // nfsd died: grace-active goes
        written.countDown();
        assertThat(read.get(5, TimeUnit.SECONDS)).as("what attrd answered").contains("1");
        assertThat(view.get(GRACE)).as("the agent's own write stands").isEmpty();
    }

    @Test
    void beforeTheNodeIsNamedNothingIsCompared() throws Exception {
        LocalAttributes unnamed = new LocalAttributes(attrd.node("n1"), new LocalNode(() -> {
            throw new PacemakerCommandException("crm_node: not connected");
        }), clock, Duration.ofSeconds(2));
        unnamed.set(GRACE, "1");
        attrd.remove("n1", GRACE);
        unnamed.look(attrd.cib().snapshot());
        assertThat(attrd.queries()).isZero();
        assertThat(unnamed.get(GRACE)).as("as remembered").contains("1");
    }
}
