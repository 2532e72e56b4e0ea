package io.ganeshaha.agent.actions;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.failover.GraceNotifier;
import io.ganeshaha.agent.failover.LocalAttributes;
import io.ganeshaha.agent.instances.InstanceStore;
import io.ganeshaha.agent.ocf.GraceDecisions;
import io.ganeshaha.agent.ocf.OcfAgent;
import io.ganeshaha.agent.ocf.OcfExitCode;
import io.ganeshaha.agent.ocf.OcfResponse;
import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.testing.FakeNfsdGrace;
import io.ganeshaha.agent.testing.InMemoryAttrd;
import io.ganeshaha.agent.testing.Journal;
import io.ganeshaha.agent.testing.MutableClock;
import io.ganeshaha.agent.testing.OcfRequests;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ganesha_grace's answers, from this node's grace-active as the agent knows it. */
class GraceActionsTest {

    private static final String INSTANCE = "nfs-grace:0";

    private final Journal journal = new Journal();
    private final InMemoryAttrd attrd = new InMemoryAttrd(journal);
    private final LocalAttributes attributes = new LocalAttributes(attrd.node("n1"), LocalNode.named("n1"));
    private final FakeNfsdGrace nfsd = new FakeNfsdGrace("n1", journal);
    private final MutableClock clock = MutableClock.running();
    private volatile boolean serving = true;
    private volatile boolean monStarted = true;
    @TempDir
    Path run;

    private GraceActions actions() {
        GraceNotifier notifier = new GraceNotifier(nfsd, attrd.node("n1"), attributes, () -> serving,
                Clock.systemUTC(), Duration.ofSeconds(1));
        return new GraceActions(new InstanceStore(run), attributes, notifier, () -> serving, () -> monStarted,
                clock);
    }

    private OcfResponse call(GraceActions actions, String action, Duration within, String... parameters)
            throws Exception {
        return actions.handle(OcfRequests.call(OcfAgent.GRACE, action, "n1", INSTANCE, parameters), INSTANCE,
                Instant.now().plus(within));
    }

    private OcfResponse call(GraceActions actions, String action, String... parameters) throws Exception {
        return call(actions, action, Duration.ofSeconds(5), parameters);
    }

    @Test
    void monitorFollowsGraceActiveOnceStarted() throws Exception {
        GraceActions actions = actions();
        assertThat(call(actions, "monitor").exitCode()).as("probe before start").isEqualTo(OcfExitCode.NOT_RUNNING);
        attrd.put("n1", "grace-active", "1");
        assertThat(call(actions, "start").exitCode()).isEqualTo(OcfExitCode.SUCCESS);
        assertThat(call(actions, "monitor").exitCode()).isEqualTo(OcfExitCode.SUCCESS);

        attributes.delete("grace-active");
        assertThat(call(actions, "monitor").exitCode())
                .as("just gone: the location rule's stop is on its way, a failure here would be a failed action")
                .isEqualTo(OcfExitCode.SUCCESS);
        clock.advance(GraceDecisions.STOP_PENDING.minusSeconds(1));
        assertThat(call(actions, "monitor").exitCode()).isEqualTo(OcfExitCode.SUCCESS);
        clock.advance(Duration.ofSeconds(1));
        OcfResponse gone = call(actions, "monitor");
        assertThat(gone.exitCode()).as("no stop came: the known state, not an error (GlusterFS after BZ 1394224)")
                .isEqualTo(OcfExitCode.NOT_RUNNING);
        assertThat(gone.reason()).hasValueSatisfying(r -> assertThat(r).contains("grace-active is gone on n1 for 10 s"));

        assertThat(call(actions, "stop").exitCode()).isEqualTo(OcfExitCode.SUCCESS);
        assertThat(call(actions, "monitor").exitCode()).isEqualTo(OcfExitCode.NOT_RUNNING);
    }

    @Test
    void monitorReadsTheAttributeNamedByTheParameter() throws Exception {
        GraceActions actions = actions();
        attrd.put("n1", "my-grace", "1");
        assertThat(call(actions, "start", "grace_active=my-grace").exitCode()).isEqualTo(OcfExitCode.SUCCESS);
        assertThat(call(actions, "monitor", "grace_active=my-grace").exitCode()).isEqualTo(OcfExitCode.SUCCESS);
        call(actions, "monitor");
        clock.advance(GraceDecisions.STOP_PENDING);
        assertThat(call(actions, "monitor").exitCode()).as("grace-active itself is not set")
                .isEqualTo(OcfExitCode.NOT_RUNNING);
    }

    @Test
    void startWithoutTheAttributeAndNoServingNfsdIsNotRunningSoPacemakerStopsRetrying() throws Exception {
        serving = false;
        OcfResponse start = call(actions(), "start");
        assertThat(start.exitCode()).isEqualTo(OcfExitCode.NOT_RUNNING);
        assertThat(start.reason()).hasValueSatisfying(r -> assertThat(r).contains("grace-active is not set on n1"));
    }

    @Test
    void startWaitsForTheAttributeWhileMonIsAboutToSetIt() throws Exception {
        GraceActions actions = actions();
        CompletableFuture<OcfResponse> start = CompletableFuture.supplyAsync(() -> {
            try {
                return call(actions, "start", Duration.ofSeconds(10));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertThat(start).as("still waiting: nfsd serves and ganesha_mon runs").isNotDone();
        attrd.put("n1", "grace-active", "1");
        assertThat(start.get().exitCode()).isEqualTo(OcfExitCode.SUCCESS);
    }

    @Test
    void startGivesUpWaitingAtTheDeadline() throws Exception {
        OcfResponse start = call(actions(), "start", Duration.ofMillis(300));
        assertThat(start.exitCode()).isEqualTo(OcfExitCode.NOT_RUNNING);
    }

    @Test
    void notifySucceedsEvenWhenGraceFailsAndSaysWhyInTheClusterLog() throws Exception {
        nfsd.refuse("org.freedesktop.DBus.Error.NoReply");
        OcfResponse notify = call(actions(), "notify", "meta:notify_type=post", "meta:notify_operation=stop",
                "meta:notify_stop_uname=n2");
        assertThat(notify.exitCode()).isEqualTo(OcfExitCode.SUCCESS);
        assertThat(notify.log()).singleElement().asString().startsWith("ERROR: post-stop: could not put nfsd on n1")
                .contains("NoReply");
    }

    @Test
    void notifyOfAPeersStopPutsNfsdInGrace() throws Exception {
        OcfResponse notify = call(actions(), "notify", "meta:notify_type=post", "meta:notify_operation=stop",
                "meta:notify_stop_uname=n2 n3");
        assertThat(notify.log()).containsExactly("post-stop: nfsd on n1 in grace for n2",
                "post-stop: nfsd on n1 in grace for n3");
        assertThat(journal.contains("n1", "grace 5:n3")).isTrue();
    }

    @Test
    void pacemakerUnreachableIsAnException() {
        attrd.down(true);
        GraceActions actions = actions();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> call(actions, "start"))
                .hasMessageContaining("Could not connect to the CIB manager");
        assertThat(attrd.value("n1", "grace-active")).isEqualTo(Optional.empty());
    }
}
