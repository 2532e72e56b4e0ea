package io.ganeshaha.agent.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.ocf.NotifyEvent;
import io.ganeshaha.agent.pacemaker.LocalNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The survivor side of the handshake: grace over D-Bus, confirmed, then the acknowledgement. */
class GraceNotifierTest {

    private final InMemoryCluster cluster = new InMemoryCluster("n1", "n2", "n3");
    private final InMemoryCluster.Node n1 = cluster.node("n1");

    @AfterEach
    void close() throws InterruptedException {
        cluster.close();
    }

    private static NotifyEvent postStop(String... stopped) {
        return new NotifyEvent("post", "stop", List.of(stopped), List.of(), List.of(), List.of());
    }

    private static Instant soon() {
        return Instant.now().plusSeconds(5);
    }

    @Test
    void postStopTakesOverEachStoppedPeerAndAcknowledgesItsEpoch() {
        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "E2");
        cluster.node("n3").given(GraceAcks.REQUEST_ATTRIBUTE, "E3");
        n1.given(GraceAcks.ACK_ATTRIBUTE, "n4=OLD");

        GraceNotifier.Outcome outcome = n1.notifier.handle(postStop("n2", "n3", "n1"), "n1", soon());

        assertThat(outcome.acknowledged()).containsExactly("n2", "n3");
        assertThat(outcome.failures()).isEmpty();
        assertThat(cluster.journal.first("n1", "grace 5:n2")).isGreaterThanOrEqualTo(0)
                .isLessThan(cluster.journal.first("n1", "set ganesha-grace-ack=n4=OLD n2=E2"));
        assertThat(cluster.journal.contains("n1", "grace 5:n1")).as("never for itself").isFalse();
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).contains("n4=OLD n2=E2 n3=E3");
        assertThat(outcome.logLines("post-stop", "n1")).containsExactly("post-stop: nfsd on n1 in grace for n2",
                "post-stop: nfsd on n1 in grace for n3");
    }

    @Test
    void preStartJustEntersGrace() {
        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "E2");
        NotifyEvent preStart = new NotifyEvent("pre", "start", List.of(), List.of("n2"), List.of(), List.of());

        assertThat(n1.notifier.handle(preStart, "n1", soon()).acknowledged()).containsExactly("n2");
        assertThat(cluster.journal.contains("n1", "grace 0:n2")).isTrue();
    }

    /**
     * Its own VIPs coming home: an nfsd still in grace (restarted, its clients yet to reclaim)
     * starts its grace over, so the clients following their address home get a whole
     * Grace_Period; one out of grace gets no call.
     */
    @Test
    void homeComingStartsGraceOverOnlyWhileNfsdIsInGrace() throws Exception {
        assertThat(n1.notifier.homeComing("n1", soon()).acknowledged()).as("not in grace: nothing to reclaim")
                .isEmpty();
        assertThat(cluster.journal.contains("n1", "grace 0:n1")).isFalse();

        n1.nfsd.grace(5, "n9", java.time.Duration.ofSeconds(1)); // in grace, as a freshly started nfsd is
        GraceNotifier.Outcome outcome = n1.notifier.homeComing("n1", soon());
        assertThat(outcome.acknowledged()).containsExactly("n1");
        assertThat(cluster.journal.contains("n1", "grace 0:n1")).isTrue();

        n1.nfsd.refuse("org.freedesktop.DBus.Error.NoReply");
        assertThat(n1.notifier.homeComing("n1", soon()).failures()).as("the bus does not answer: no grace to start")
                .isEmpty();
    }

    /**
     * ganesha_nfsd pointed /var/lib/nfs at the shared storage under a running nfsd (a boot where
     * ganesha started first): event 3 makes it read its own records from there. A fresh nfsd reads
     * them at its start; a failed call is reported, never thrown.
     */
    @Test
    void aSwitchUnderARunningNfsdMakesItReadItsOwnRecordsAgain() {
        assertThat(n1.notifier.reloadOwnRecords("n1", soon()).acknowledged()).containsExactly("n1");
        assertThat(cluster.journal.contains("n1", "grace 3:n1")).isTrue();

        n1.nfsd.refuse("org.freedesktop.DBus.Error.NoReply");
        assertThat(n1.notifier.reloadOwnRecords("n1", soon()).failures()).singleElement().asString()
                .contains("could not make nfsd on n1 read its client records").contains("NoReply");

        n1.serving = false;
        int calls = cluster.journal.entries().size();
        assertThat(n1.notifier.reloadOwnRecords("n1", soon()).failures()).as("nothing to reload").isEmpty();
        assertThat(cluster.journal.entries()).hasSize(calls);
    }

    /**
     * A node lost whole: the peer-loss watch put n1 in grace for it; its fence comes (a slow or
     * retried power device) after n1's Grace_Period ran out. The lost node's locks vanish with the
     * fence, so the device's call is made again rather than taken as done.
     */
    @Test
    void aFenceAfterTheGraceOfTheTakeoverRanOutCallsGraceAgain() {
        n1.notifier.takeOverAfterLoss("n2", "n1", soon());
        n1.notifier.beforeFencing("n2", "n1", soon());
        assertThat(cluster.journal.matching(e -> e.what().equals("grace 5:n2"))).as("still in grace: one call")
                .hasSize(1);

        n1.nfsd.leaveGrace();
        GraceNotifier.Outcome outcome = n1.notifier.beforeFencing("n2", "n1", soon());
        assertThat(outcome.acknowledged()).containsExactly("n2");
        assertThat(cluster.journal.matching(e -> e.what().equals("grace 5:n2"))).as("out of grace: called again")
                .hasSize(2);
    }

    @Test
    void otherNotificationsAskForNothing() {
        NotifyEvent postStart = new NotifyEvent("post", "start", List.of(), List.of("n2"), List.of(), List.of());
        GraceNotifier.Outcome outcome = n1.notifier.handle(postStart, "n1", soon());
        assertThat(outcome.acknowledged()).isEmpty();
        assertThat(outcome.failures()).isEmpty();
        assertThat(cluster.journal.entries()).isEmpty();
    }

    @Test
    void aNodeWhoseNfsdIsNotServingIsNoSurvivorAndAcknowledgesNothing() {
        n1.serving = false;
        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "E2");

        GraceNotifier.Outcome outcome = n1.notifier.handle(postStop("n2"), "n1", soon());

        assertThat(outcome.acknowledged()).isEmpty();
        assertThat(outcome.failures()).singleElement().asString().contains("not serving");
        assertThat(cluster.journal.entries()).isEmpty();
    }

    @Test
    void aRefusedGraceCallIsReportedAndNotAcknowledged() {
        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "E2");
        n1.nfsd.refuse("org.freedesktop.DBus.Error.ServiceUnknown: org.ganesha.nfsd");

        GraceNotifier.Outcome outcome = n1.notifier.handle(postStop("n2"), "n1", soon());

        assertThat(outcome.acknowledged()).isEmpty();
        assertThat(outcome.failures()).singleElement().asString()
                .contains("could not put nfsd on n1 in grace for n2").contains("ServiceUnknown");
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).isEmpty();
    }

    @Test
    void graceThatGetGraceNeverConfirmsIsNotAcknowledged() {
        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "E2");
        n1.nfsd.neverConfirm(true);

        GraceNotifier.Outcome outcome = n1.notifier.handle(postStop("n2"), "n1", soon());

        assertThat(outcome.failures()).singleElement().asString().contains("get_grace does not report grace");
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).isEmpty();
    }

    @Test
    void aPassedDeadlineMakesNoCall() {
        GraceNotifier.Outcome outcome = n1.notifier.handle(postStop("n2"), "n1", Instant.now().minusMillis(1));
        assertThat(outcome.failures()).singleElement().asString().contains("deadline passed");
        assertThat(cluster.journal.entries()).isEmpty();
    }

    @Test
    void aPeerWithoutAGraceRequestGetsGraceButNoAcknowledgement() {
        GraceNotifier.Outcome outcome = n1.notifier.handle(postStop("n2"), "n1", soon());
        assertThat(outcome.acknowledged()).containsExactly("n2");
        assertThat(cluster.journal.contains("n1", "grace 5:n2")).isTrue();
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).isEmpty();
    }

    @Test
    void attrdDownAfterTheGraceCallIsAFailureNamingIt() {
        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "E2");
        cluster.attrd.down(true);

        GraceNotifier.Outcome outcome = n1.notifier.handle(postStop("n2"), "n1", soon());

        assertThat(cluster.journal.contains("n1", "grace 5:n2")).as("grace first, whatever attrd does").isTrue();
        assertThat(outcome.failures()).singleElement().asString().contains("Could not connect to the CIB manager");
    }

    /** n1's notifier with an ack writer: its acknowledgements go to {@code ackWriter}. */
    private GraceNotifier deferring(java.util.concurrent.Executor ackWriter) {
        return new GraceNotifier(n1.nfsd, cluster.attrd.node("n1"),
                new LocalAttributes(cluster.attrd.node("n1"), LocalNode.named("n1")), () -> true, Clock.systemUTC(),
                Duration.ofSeconds(1), ackWriter, null);
    }

    /**
     * With an ack writer, a notify answers once nfsd is in grace, and its acknowledgement is
     * written after: the next survivor's notify, which Pacemaker may hold until this one answers,
     * does not wait for the attribute calls; so does a takeover start. A grace call made for a
     * takeover request is acknowledged before it answers: the taker's gate waits for that.
     */
    @Test
    void aNotifyAnswersOnceInGraceAndItsAcknowledgementFollows() {
        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "E2");
        List<Runnable> queued = new ArrayList<>();
        GraceNotifier deferring = deferring(task -> {
            cluster.journal.add("n1", "ack writer task " + queued.size());
            queued.add(task);
        });

        GraceNotifier.Outcome outcome = deferring.handle(postStop("n2"), "n1", soon());
        assertThat(cluster.journal.first("n1", "ack writer task 0"))
                .as("the reads are queued before the grace call").isNotNegative().isLessThan(cluster.journal.first("n1", "grace 5:n2"));

        assertThat(outcome.acknowledged()).containsExactly("n2");
        assertThat(cluster.journal.contains("n1", "grace 5:n2")).as("in grace when the notify answers").isTrue();
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).as("not acknowledged yet").isEmpty();
        assertThat(queued).as("the reads, queued before the grace call, and the write").hasSize(2);

        queued.remove(0).run();
        int reads = cluster.attrd.queries();
        queued.remove(0).run();
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).contains("n2=E2");
        assertThat(cluster.attrd.queries()).as("after the grace call, only the write is left").isEqualTo(reads);

        deferring.takeOverRequested("n3", "T3", "n2", "n1", soon());
        assertThat(queued).as("a takeover request is answered by its acknowledgement").isEmpty();
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).contains("n2=E2 n3=T3");

        // The takeover start the virtual IPs wait for: in grace already, its acknowledgement follows.
        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "E2b");
        assertThat(deferring.takeOver("n2", "n1", soon()).acknowledged()).containsExactly("n2");
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).contains("n2=E2 n3=T3");
        queued.remove(0).run();
        queued.remove(0).run();
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).contains("n2=E2b n3=T3");
    }

    /** A read ahead that fails costs the notify nothing: the acknowledgement reads the epoch itself. */
    @Test
    void aFailedReadAheadIsReadAgainByTheAcknowledgement() {
        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "E2");
        List<Runnable> queued = new ArrayList<>();
        GraceNotifier deferring = deferring(queued::add);

        assertThat(deferring.handle(postStop("n2"), "n1", soon()).acknowledged()).containsExactly("n2");
        cluster.attrd.queriesFail(true);
        queued.remove(0).run();
        cluster.attrd.queriesFail(false);
        queued.remove(0).run();
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).contains("n2=E2");
    }

    /** No ack writer left to read on (the agent stopping): the grace call is made all the same. */
    @Test
    void aRejectedReadAheadStillMakesTheGraceCall() {
        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "E2");
        GraceNotifier deferring = deferring(task -> {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        });
        assertThat(deferring.handle(postStop("n2"), "n1", soon()).acknowledged()).containsExactly("n2");
        assertThat(cluster.journal.contains("n1", "grace 5:n2")).isTrue();
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).as("written before answering").contains("n2=E2");
    }

    /**
     * attrd dropped this node's attributes (it left the membership and came back) while the agent
     * still remembers its acknowledgement: a repeated notify for the same epoch writes it again.
     */
    @Test
    void anAcknowledgementRememberedButGoneFromAttrdIsWrittenAgain() {
        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "E2");
        assertThat(n1.notifier.handle(postStop("n2"), "n1", soon()).acknowledged()).containsExactly("n2");
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).contains("n2=E2");
        cluster.attrd.given("n1", GraceAcks.ACK_ATTRIBUTE, Optional.empty());
        n1.notifier.handle(postStop("n2"), "n1", soon());
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).contains("n2=E2");
    }

    @Test
    void takeOverIsTheGraceOfAPostStopForTheHomeNode() {
        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "E2");
        assertThat(n1.notifier.takeOver("n2", "n1", soon()).acknowledged()).containsExactly("n2");
        assertThat(cluster.journal.contains("n1", "grace 5:n2")).isTrue();
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).contains("n2=E2");
    }

    /**
     * ganesha loads a taken-over peer's records again on every event 5: the post-stop notify, the
     * takeover gate and the peer-loss watch make one grace call per loss between them, each still
     * acknowledged; once the peer is back (pre-start, or serving again), its next loss is a new one.
     */
    @Test
    void onePeerLossIsOneTakeoverWhoeverAsks() {
        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "E2");
        assertThat(n1.notifier.handle(postStop("n2"), "n1", soon()).acknowledged()).containsExactly("n2");
        assertThat(n1.notifier.takeOver("n2", "n1", soon()).acknowledged()).containsExactly("n2");
        assertThat(n1.notifier.takeOverAfterLoss("n2", "n1", soon()).acknowledged()).containsExactly("n2");
        assertThat(n1.notifier.takeOverRequested("n2", "T1", "n3", "n1", soon()).acknowledged()).containsExactly("n2");
        assertThat(cluster.journal.matching(e -> e.node().equals("n1") && e.what().equals("grace 5:n2"))).hasSize(1);
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).contains("n2=T1");

        NotifyEvent preStart = new NotifyEvent("pre", "start", List.of(), List.of("n2"), List.of(), List.of());
        n1.notifier.handle(preStart, "n1", soon());
        n1.notifier.handle(postStop("n2"), "n1", soon());
        assertThat(cluster.journal.matching(e -> e.node().equals("n1") && e.what().equals("grace 5:n2")))
                .as("back and lost again: a new takeover").hasSize(2);

        n1.notifier.peerServes("n2");
        n1.notifier.takeOver("n2", "n1", soon());
        assertThat(cluster.journal.matching(e -> e.node().equals("n1") && e.what().equals("grace 5:n2"))).hasSize(3);
    }

    /**
     * Every grace call restarts ganesha's Grace_Period: the pre-start notifies Pacemaker repeats
     * for one return (its transitions aborted) make one call while nfsd stays in grace, each still
     * acknowledged; once grace is over, or for the peer's next return (a new epoch), a new call.
     */
    @Test
    void oneReturnIsOneGraceCallWhileGraceLasts() {
        NotifyEvent preStart = new NotifyEvent("pre", "start", List.of(), List.of("n2"), List.of(), List.of());
        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "R1");
        for (int repeat = 0; repeat < 3; repeat++) {
            assertThat(n1.notifier.handle(preStart, "n1", soon()).acknowledged()).containsExactly("n2");
        }
        assertThat(cluster.journal.matching(e -> e.node().equals("n1") && e.what().equals("grace 0:n2"))).hasSize(1);
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).contains("n2=R1");

        n1.nfsd.leaveGrace();
        n1.notifier.handle(preStart, "n1", soon());
        assertThat(cluster.journal.matching(e -> e.node().equals("n1") && e.what().equals("grace 0:n2")))
                .as("grace over: the call is needed again").hasSize(2);

        cluster.node("n2").given(GraceAcks.REQUEST_ATTRIBUTE, "R2");
        assertThat(n1.notifier.handle(preStart, "n1", soon()).acknowledged()).containsExactly("n2");
        assertThat(cluster.journal.matching(e -> e.node().equals("n1") && e.what().equals("grace 0:n2")))
                .as("the next return: a new call").hasSize(3);
        assertThat(cluster.attrd.value("n1", GraceAcks.ACK_ATTRIBUTE)).contains("n2=R2");
    }
}
