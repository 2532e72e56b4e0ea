package io.ganeshaha.agent.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ganeshaha.agent.failover.GraceNotifier;
import io.ganeshaha.agent.failover.TakeoverGate;
import io.ganeshaha.agent.failover.LocalAttributes;
import io.ganeshaha.agent.failover.MonController;
import io.ganeshaha.agent.instances.InstanceStore;
import io.ganeshaha.agent.nlm.NlmRelease;
import io.ganeshaha.agent.nlm.StatdRecords;
import io.ganeshaha.agent.ocf.OcfAgent;
import io.ganeshaha.agent.ocf.OcfConfigurationException;
import io.ganeshaha.agent.ocf.OcfExitCode;
import io.ganeshaha.agent.ocf.OcfResponse;
import io.ganeshaha.agent.ocf.OcfParameters;
import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.recovery.ClientRecords;
import io.ganeshaha.agent.recovery.TakenOverRecords;
import io.ganeshaha.agent.statedir.StateDirLink;
import io.ganeshaha.agent.testing.FakeNfsdGrace;
import io.ganeshaha.agent.testing.InMemoryAttrd;
import io.ganeshaha.agent.testing.Journal;
import io.ganeshaha.agent.testing.OcfRequests;
import io.ganeshaha.agent.testing.PeerAgents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ganesha_mon, ganesha_takeover and ganesha_nfsd: what each OCF action does to the agent's state. */
class MonTakeoverNfsdActionsTest {

    private final Journal journal = new Journal();
    private final InMemoryAttrd attrd = new InMemoryAttrd(journal);
    private final LocalAttributes attributes = new LocalAttributes(attrd.node("n1"), LocalNode.named("n1"));
    @TempDir
    Path run;

    @Nested
    class Mon {
        private final MonController controller = new MonController(attrd.node("n1"), attributes, Clock.systemUTC(),
                Duration.ofMillis(10), Duration.ofSeconds(10), timeline -> {});

        @AfterEach
        void close() {
            controller.close();
        }

        private MonActions actions() {
            return new MonActions(new InstanceStore(run), controller, attributes);
        }

        @Test
        void startHandsTheParametersToTheControllerAndStopTakesThemBack() throws Exception {
            MonActions mon = actions();
            assertThat(mon.handle(OcfRequests.call(OcfAgent.MON, "monitor", "n1", "nfs-mon:0"), "nfs-mon:0")
                    .exitCode()).isEqualTo(OcfExitCode.NOT_RUNNING);
            mon.handle(OcfRequests.call(OcfAgent.MON, "start", "n1", "nfs-mon:0", "grace_delay=7"), "nfs-mon:0");
            assertThat(controller.parameters()).contains(new OcfParameters.Mon("ganesha-active", "grace-active",
                    Duration.ofSeconds(7)));
            assertThat(mon.handle(OcfRequests.call(OcfAgent.MON, "monitor", "n1", "nfs-mon:0", "grace_delay=9"),
                    "nfs-mon:0").exitCode()).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(controller.parameters()).as("a changed parameter arrives with the monitor")
                    .hasValueSatisfying(p -> assertThat(p.graceDelay()).hasSeconds(9));

            mon.handle(OcfRequests.call(OcfAgent.MON, "stop", "n1", "nfs-mon:0"), "nfs-mon:0");
            assertThat(controller.parameters()).isEmpty();
        }

        @Test
        void anAgentRestartResumesTheMonPacemakerHadStarted() throws Exception {
            actions().handle(OcfRequests.call(OcfAgent.MON, "start", "n1", "nfs-mon:0", "grace_delay=3"), "nfs-mon:0");
            MonController afterRestart = new MonController(attrd.node("n1"), attributes, Clock.systemUTC(),
                    Duration.ofMillis(10), Duration.ofSeconds(10), timeline -> {});
            new MonActions(new InstanceStore(run), afterRestart, attributes).resume();
            assertThat(afterRestart.parameters()).hasValueSatisfying(p -> assertThat(p.graceDelay()).hasSeconds(3));
        }

        @Test
        void noStartWherePacemakerDoesNotAnswer() {
            attrd.down(true);
            assertThatThrownBy(() -> actions().handle(OcfRequests.call(OcfAgent.MON, "start", "n1", "nfs-mon:0"),
                    "nfs-mon:0")).isInstanceOf(PacemakerCommandException.class)
                    .hasMessageContaining("Could not connect to the CIB manager");
            assertThat(controller.parameters()).as("nothing started").isEmpty();
        }

        @Test
        void aBadParameterIsAConfigurationErrorNamingIt() {
            assertThatThrownBy(() -> actions().handle(OcfRequests.call(OcfAgent.MON, "start", "n1", "nfs-mon:0",
                    "grace_delay=soon"), "nfs-mon:0")).isInstanceOf(OcfConfigurationException.class)
                    .hasMessageContaining("grace_delay");
            assertThat(controller.parameters()).isEmpty();
        }
    }

    @Nested
    class Takeover {
        private final FakeNfsdGrace nfsd = new FakeNfsdGrace("n1", journal);
        /** What n1's takeover grace calls found: one agent's, shared by its notifier and its actions. */
        private TakenOverRecords found;
        /** The addresses n1's CIB gives the takeover instance's group. */
        private List<String> nlmAddresses = List.of("192.0.2.2");
        /** When set, n1's CIB query waits for it. */
        private java.util.concurrent.CountDownLatch cibAnswers;

        private TakeoverActions actions() {
            if (found == null) {
                found = new TakenOverRecords(recoveryRoot(), Runnable::run);
            }
            GraceNotifier notifier = new GraceNotifier(nfsd, attrd.node("n1"), attributes,
                    () -> true, Clock.systemUTC(), Duration.ofSeconds(1), null, found);
            return new TakeoverActions(new InstanceStore(run), notifier, LocalNode.named("n1"),
                    new TakeoverGate(attrd.node("n1"), attributes, Clock.systemUTC(), Duration.ofMillis(10)),
                    OcfParameters::defaultMon, Clock.systemUTC(), recoveryRoot(), () -> { }, found,
                    new NlmRelease(run.resolve("varlib-nfs/statd"), instance -> {
                        if (cibAnswers != null) {
                            try {
                                cibAnswers.await(); // a CIB, or a shared storage, that does not answer
                            } catch (InterruptedException e) {
                                throw new java.io.IOException("interrupted", e);
                            }
                        }
                        if (nlmAddresses == null) {
                            throw new java.io.IOException("cibadmin: connection refused");
                        }
                        return nlmAddresses;
                    }, notifier));
        }

        private final FakeNfsdGrace homeNfsd = new FakeNfsdGrace("n2", journal);
        private volatile boolean homeServing = true;

        /** n2's agent, the home node: its RecoveryRoot is where n1's peer link n2 leads. */
        private TakeoverActions homeActions() {
            Path homeRoot = recoveryRoot().resolve("n2");
            TakenOverRecords homeFound = new TakenOverRecords(homeRoot, Runnable::run);
            GraceNotifier homeNotifier = new GraceNotifier(homeNfsd,
                    attrd.node("n2"), new LocalAttributes(attrd.node("n2"), LocalNode.named("n2")), () -> homeServing,
                    Clock.systemUTC(), Duration.ofSeconds(1), null, homeFound);
            return new TakeoverActions(new InstanceStore(run.resolve("n2-run")), homeNotifier, LocalNode.named("n2"),
                    new TakeoverGate(attrd.node("n2"), attributes, Clock.systemUTC(), Duration.ofMillis(10)),
                    OcfParameters::defaultMon, Clock.systemUTC(), homeRoot, () -> { }, homeFound,
                    new NlmRelease(run.resolve("n2-statd"), instance -> List.of(), homeNotifier));
        }

        private OcfResponse startAtHome() throws Exception {
            return homeActions().handle(OcfRequests.call(OcfAgent.TAKEOVER, "start", "n2", "n2-takeover",
                    "home_node=n2"), "n2-takeover", Instant.now().plusSeconds(5));
        }

        private static final String WRITER = "198.18.0.200-(20:Linux NFSv4.1 writer)";

        /** n1's RecoveryRoot: its own records in v4recov, n2's through the peer link n2/v4recov. */
        private Path recoveryRoot() {
            return run.resolve("varlib-nfs/ganesha");
        }

        private void record(String dir, String address, String owner) throws Exception {
            Files.createDirectories(recoveryRoot().resolve(dir).resolve(address + "-(" + owner.length() + ":" + owner + ")"));
        }

        private OcfResponse respond(String action, String node) throws Exception {
            return actions().handle(OcfRequests.call(OcfAgent.TAKEOVER, action, node, "n2-takeover", "home_node=n2"),
                    "n2-takeover", Instant.now().plusSeconds(5));
        }

        private OcfExitCode call(String action, String node) throws Exception {
            return respond(action, node).exitCode();
        }

        @Test
        void startAwayFromHomePutsNfsdInGraceForTheHomeNodeBeforeAnswering() throws Exception {
            attrd.put("n2", "ganesha-grace-request", "E");
            assertThat(call("start", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(journal.contains("n1", "grace 5:n2")).isTrue();
            assertThat(attrd.value("n1", "ganesha-grace-ack")).contains("n2=E");
            assertThat(call("monitor", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(call("stop", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(call("monitor", "n1")).isEqualTo(OcfExitCode.NOT_RUNNING);
        }

        @Test
        void recordsInGaneshasClusteredLayoutAreAnErrorInTheTakeoversLog() throws Exception {
            record("n2/v4recov/node0", "198.18.0.200", "Linux NFSv4.1 writer");
            var response = respond("start", "n1");
            assertThat(response.exitCode()).as("the addresses still come up").isEqualTo(OcfExitCode.SUCCESS);
            assertThat(response.log()).anyMatch(l -> l.startsWith("ERROR: takeover: n2's client records are under "
                    + "v4recov/node0") && l.contains("set Clustered = false on every node"));
        }

        @Test
        void recordsWhereTheTakeoverReadsThemAreNoError() throws Exception {
            record("n2/v4recov", "198.18.0.200", "Linux NFSv4.1 writer");
            var response = respond("start", "n1");
            assertThat(response.log()).noneMatch(l -> l.contains("Clustered"));
        }

        @Test
        void stopAwayFromHomeReleasesTheClientsThatCameOverEachByItsOwner() throws Exception {
            record("n2/v4recov", "198.18.0.200", "Linux NFSv4.1 writer");
            record("n2/v4recov", "198.18.0.201", "Linux NFSv4.1 c1");
            record("v4recov", "198.18.0.202", "Linux NFSv4.1 c10"); // a client of n1's own
            assertThat(call("start", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            // Records written after the takeover are not clients that came over.
            record("n2/v4recov", "198.18.0.203", "Linux NFSv4.1 later");

            var response = respond("stop", "n1");
            assertThat(response.exitCode()).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(journal.contains("n1", "grace 2:Linux NFSv4.1 writer")).isTrue();
            assertThat(journal.entries()).as("c1 is inside n1's own c10: releasing it would drop c10 too")
                    .noneMatch(e -> e.what().equals("grace 2:Linux NFSv4.1 c1")).noneMatch(e -> e.what().contains("later"));
            assertThat(response.log()).anyMatch(l -> l.startsWith("WARNING") && l.contains("c10"));
            assertThat(call("monitor", "n1")).isEqualTo(OcfExitCode.NOT_RUNNING);
        }

        @Test
        void stopReleasesTheNfsV3ClientsOfTheAddressesThatLeftWhenStatdMonitorsAny() throws Exception {
            Path sm = run.resolve("varlib-nfs/statd/sm");
            Files.createDirectories(sm);
            // ganesha's NLM had statd monitor the client that reclaimed its lock here
            Files.writeString(sm.resolve("198.18.0.201"), "0100007f 000186b5 00000004 00000010 00 198.18.0.201 n1\n");
            nlmAddresses = List.of("192.0.2.2", "192.0.2.22");
            assertThat(call("start", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            var response = respond("stop", "n1");
            assertThat(response.exitCode()).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(journal.contains("n1", "grace 2:192.0.2.2")).isTrue();
            assertThat(journal.contains("n1", "grace 2:192.0.2.22")).isTrue();
            assertThat(response.log()).anyMatch(l -> l.contains("released the NFSv3 (NLM) clients of 192.0.2.22"));
            // handed back first: the release has nfsd unmonitor the client, and n2 must notify it
            assertThat(run.resolve("varlib-nfs/statd/n2").resolve(StatdRecords.HANDBACK).resolve("sm/198.18.0.201"))
                    .hasContent("0100007f 000186b5 00000004 00000010 00 198.18.0.201 n1");
        }

        @Test
        void withoutAnNfsV3ClientMonitoredHereTheStopReleasesNoAddress() throws Exception {
            // event 2 puts nfsd in grace, a whole Grace_Period with NLM on: not for nothing
            Files.createDirectories(run.resolve("varlib-nfs/statd/sm"));
            assertThat(call("start", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(call("stop", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(journal.entries()).noneMatch(e -> e.what().startsWith("grace 2:"));
        }

        @Test
        void addressesTheCibCannotGiveAreAnErrorInTheLogAndTheStopStillSucceeds() throws Exception {
            Path sm = run.resolve("varlib-nfs/statd/sm");
            Files.createDirectories(sm);
            Files.writeString(sm.resolve("198.18.0.201"), "record\n");
            nlmAddresses = null; // the CIB query fails
            assertThat(call("start", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            var response = respond("stop", "n1");
            assertThat(response.exitCode()).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(response.log()).anyMatch(l -> l.startsWith("ERROR") && l.contains("cannot read the addresses of"));
            assertThat(call("monitor", "n1")).isEqualTo(OcfExitCode.NOT_RUNNING);
        }

        @Test
        void aReleaseThatHangsEndsWithTheStopsTimeAndTheStopStillSucceeds() throws Exception {
            Path sm = run.resolve("varlib-nfs/statd/sm");
            Files.createDirectories(sm);
            Files.writeString(sm.resolve("198.18.0.201"), "record\n");
            assertThat(call("start", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            cibAnswers = new java.util.concurrent.CountDownLatch(1);
            try {
                Instant deadline = Instant.now().plusMillis(1500);
                var response = actions().handle(OcfRequests.call(OcfAgent.TAKEOVER, "stop", "n1", "n2-takeover",
                        "home_node=n2"), "n2-takeover", deadline);
                Instant answered = Instant.now();
                assertThat(response.exitCode()).as("a failed stop would fence n1").isEqualTo(OcfExitCode.SUCCESS);
                assertThat(answered).as("answered by the deadline, not when the CIB answers")
                        .isBefore(deadline.plusMillis(500));
                assertThat(response.log()).anyMatch(l -> l.startsWith("ERROR") && l.contains("did not end within"));
                assertThat(call("monitor", "n1")).isEqualTo(OcfExitCode.NOT_RUNNING);
                assertThat(journal.entries()).as("the release still waits for the CIB")
                        .noneMatch(e -> e.what().startsWith("grace 2:"));
            } finally {
                cibAnswers.countDown();
            }
            Path handedBack = run.resolve("varlib-nfs/statd/n2").resolve(StatdRecords.HANDBACK).resolve("sm/198.18.0.201");
            await("the hand-back went on once the CIB answered").atMost(Duration.ofSeconds(5))
                    .until(() -> Files.exists(handedBack));
            Thread.sleep(200);
            assertThat(journal.entries()).as("no grace call after the stop's deadline").noneMatch(
                    e -> e.what().startsWith("grace 2:"));
        }

        @Test
        void aClientTheHomeNodeMovedToItsOldRecordsAtARestartIsReleasedToo() throws Exception {
            // The home nfsd, hung, was ended and started again before this takeover started: its
            // start moved its records from v4recov to v4old.
            record("n2/v4old", "198.18.0.200", "Linux NFSv4.1 writer");
            assertThat(call("start", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(call("stop", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(journal.contains("n1", "grace 2:Linux NFSv4.1 writer")).isTrue();
        }

        @Test
        void aFailedReleaseStillStopsAndLogsWhy() throws Exception {
            record("n2/v4recov", "198.18.0.200", "Linux NFSv4.1 writer");
            assertThat(call("start", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            nfsd.refuse("no nfsd on the bus");
            var response = respond("stop", "n1");
            assertThat(response.exitCode()).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(response.log()).anyMatch(l -> l.startsWith("ERROR") && l.contains("no nfsd on the bus"));
            assertThat(call("monitor", "n1")).isEqualTo(OcfExitCode.NOT_RUNNING);
        }

        @Test
        void aReleaseThatThrowsStillStopsSinceAFailedStopGetsTheNodeFenced() throws Exception {
            record("n2/v4recov", "198.18.0.200", "Linux NFSv4.1 writer");
            assertThat(call("start", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            nfsd.throwOn(2, new IllegalArgumentException("grace key refused"));
            var response = respond("stop", "n1");
            assertThat(response.exitCode()).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(response.log()).anyMatch(l -> l.startsWith("ERROR") && l.contains("grace key refused"));
            assertThat(call("monitor", "n1")).isEqualTo(OcfExitCode.NOT_RUNNING);
        }

        /** n2's lease reaper, still running while n2 is cut off, deletes a record from its tree. */
        private void reaped(String tag) throws Exception {
            Files.delete(recoveryRoot().resolve("n2/v4recov").resolve(tag));
        }

        private Path handedBack() {
            return recoveryRoot().resolve("n2/.handback/n1/v4recov");
        }

        @Test
        void aRecordTheCutOffHomeNodeDeletedAfterTheFenceGraceIsHandedBackAndLoadedAtHome() throws Exception {
            record("n2/v4recov", "198.18.0.200", "Linux NFSv4.1 writer");
            n2LostWithN1AndN3Serving();
            n3AnswersRequests();
            fence("n1", Duration.ofSeconds(5)); // n1 in grace for n2: its nfsd loaded the writer's record
            reaped(WRITER); // before the takeover's start reads n2's records
            assertThat(call("start", "n1")).isEqualTo(OcfExitCode.SUCCESS);

            nfsd.onGrace(2, () -> assertThat(tags(handedBack())).as("handed back before the release")
                    .containsExactly(WRITER));
            OcfResponse stop = respond("stop", "n1");
            assertThat(journal.contains("n1", "grace 2:Linux NFSv4.1 writer")).as("released: %s", stop.log()).isTrue();

            // n2 booted, its state directory switched (event 3: in grace, without the writer's record).
            homeNfsd.grace(3, "n2", Duration.ofSeconds(1));
            homeNfsd.onGrace(5, () -> assertThat(tags(handedBack())).as("what nfsd reads").containsExactly(WRITER));
            OcfResponse home = startAtHome();
            assertThat(home.exitCode()).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(journal.entries()).as("log: %s", home.log()).filteredOn(e -> e.node().equals("n2"))
                    .extracting(e -> e.what()).containsExactly("grace 3:n2", "grace 0:n2", "grace 5:.handback/n1");
            assertThat(recoveryRoot().resolve("n2/.handback/n1")).as("cleared once loaded").doesNotExist();
            assertThat(home.log()).anyMatch(l -> l.contains("loaded 1 client record(s) n1 handed back"));
        }

        private List<String> tags(Path dir) {
            try {
                return ClientRecords.tags(dir);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Test
        void aHomeNodeOutOfGraceEntersGraceKeepingWhatItHoldsBeforeItLoadsTheRecordsHandedBack() throws Exception {
            record("n2/v4recov", "198.18.0.200", "Linux NFSv4.1 writer");
            assertThat(call("start", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(call("stop", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            // The home nfsd's grace ended before its addresses came home. Event 5 out of grace
            // would drop the records it holds; event 0 first keeps them.
            assertThat(startAtHome().exitCode()).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(journal.entries()).filteredOn(e -> e.node().equals("n2")).extracting(e -> e.what())
                    .containsExactly("grace 0:n2", "grace 5:.handback/n1");
        }

        @Test
        void aHomeNodeLoadsEveryRecordHandedBackEvenOnesItMayHold() throws Exception {
            record("n2/v4recov", "198.18.0.200", "Linux NFSv4.1 writer");
            record("n2/v4recov", "198.18.0.201", "Linux NFSv4.1 other");
            assertThat(call("start", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            reaped(WRITER);
            assertThat(call("stop", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            homeNfsd.grace(0, "restarted", Duration.ofSeconds(1)); // in grace, "other" in v4recov
            homeNfsd.onGrace(5, () -> assertThat(tags(handedBack())).containsExactlyInAnyOrder(WRITER,
                    "198.18.0.201-(19:Linux NFSv4.1 other)"));
            assertThat(startAtHome().exitCode()).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(journal.contains("n2", "grace 5:.handback/n1")).isTrue();
        }

        /** n1 took the writer over, n2's reaper deleted its record, and n1's fail-back handed it back. */
        private void writerTakenOverReapedAtHomeAndHandedBack() throws Exception {
            record("n2/v4recov", "198.18.0.200", "Linux NFSv4.1 writer");
            assertThat(call("start", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            reaped(WRITER);
            assertThat(call("stop", "n1")).isEqualTo(OcfExitCode.SUCCESS);
        }

        @Test
        void recordsTheHomeNfsdCouldNotLoadAreKeptInItsOwnRecordsForItsNextStart() throws Exception {
            writerTakenOverReapedAtHomeAndHandedBack();
            homeNfsd.throwOn(5, new IllegalStateException("grace handler refused the key"));
            OcfResponse home = startAtHome();
            assertThat(home.exitCode()).as("the addresses come home anyway").isEqualTo(OcfExitCode.SUCCESS);
            assertThat(home.log()).anyMatch(l -> l.startsWith("ERROR") && l.contains("grace handler refused the key"))
                    .anyMatch(l -> l.startsWith("WARNING") && l.contains("kept in n2's own records"));
            assertThat(tags(recoveryRoot().resolve("n2/v4recov"))).containsExactly(WRITER);
            assertThat(recoveryRoot().resolve("n2/.handback/n1")).doesNotExist();
        }

        @Test
        void aHomeNfsdNotServingGetsNoGraceCallAndTheRecordsWaitInItsOwnForItsStart() throws Exception {
            writerTakenOverReapedAtHomeAndHandedBack();
            homeServing = false;
            OcfResponse home = startAtHome();
            assertThat(home.exitCode()).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(journal.entries()).filteredOn(e -> e.node().equals("n2")).isEmpty();
            assertThat(home.log()).anyMatch(l -> l.startsWith("ERROR") && l.contains("not serving"));
            assertThat(tags(recoveryRoot().resolve("n2/v4recov"))).containsExactly(WRITER);
        }

        @Test
        void aHandBackThatCannotBeWrittenStillReleasesAndSaysSo() throws Exception {
            record("n2/v4recov", "198.18.0.200", "Linux NFSv4.1 writer");
            assertThat(call("start", "n1")).isEqualTo(OcfExitCode.SUCCESS);
            Files.writeString(recoveryRoot().resolve("n2/.handback"), "a file where the directory goes");
            OcfResponse stop = respond("stop", "n1");
            assertThat(stop.exitCode()).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(stop.log()).anyMatch(l -> l.startsWith("ERROR: fail-back to n2: cannot hand the client records back"));
            assertThat(journal.contains("n1", "grace 2:Linux NFSv4.1 writer")).isTrue();
        }

        @Test
        void aHomeNodeNameThatCouldNameARecoveryDirectoryIsAConfigurationError() {
            for (String home : List.of(".", "..", ".handback")) {
                assertThatThrownBy(() -> actions().handle(OcfRequests.call(OcfAgent.TAKEOVER, "start", "n1", "x",
                        "home_node=" + home), "x", Instant.now().plusSeconds(5)))
                        .isInstanceOf(OcfConfigurationException.class).hasMessageContaining("home_node");
            }
        }

        @Test
        void stopAtHomeReleasesNothing() throws Exception {
            record("n2/v4recov", "198.18.0.200", "Linux NFSv4.1 writer");
            assertThat(call("start", "n2")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(call("stop", "n2")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(journal.entries()).isEmpty();
        }

        @Test
        void startAtHomeCallsNoGrace() throws Exception {
            assertThat(call("start", "n2")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(journal.entries()).isEmpty();
        }

        @Test
        void aFailedGraceStillStartsTheAddressesAndLogsWhy() throws Exception {
            nfsd.refuse("no nfsd on the bus");
            var response = respond("start", "n1");
            assertThat(response.exitCode()).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(response.log()).first().asString().contains("no nfsd on the bus");
            assertThat(response.log()).last().asString().contains("no other serving peer to put in grace for n2");
        }

        /** n2 lost whole, n1 (where the fencer runs the device) and n3 serving. */
        private void n2LostWithN1AndN3Serving() {
            for (String node : List.of("n1", "n3")) {
                attrd.put(node, "ganesha-active", "1");
                attrd.put(node, "grace-active", "1");
            }
        }

        /** n3's agent, answering takeover requests (the gate's) as its TakeoverRequestWatch does. */
        private void n3AnswersRequests() {
            PeerAgents.answerTakeoverRequests(attrd, journal, "n3", () -> true, n3Schedule);
        }

        private final ScheduledExecutorService n3Schedule = Executors.newSingleThreadScheduledExecutor();

        @AfterEach
        void stopN3() {
            n3Schedule.shutdownNow();
        }

        private OcfResponse fence(String node, Duration within) throws Exception {
            OcfResponse response = actions().handle(OcfRequests.call(OcfAgent.TAKEOVER, "fence", node, "",
                    "home_node=n2"), "", Instant.now().plus(within));
            journal.add(node, "fence device answered");
            return response;
        }

        @Test
        void fencingWaitsUntilThisNodeAndEveryOtherServingPeerAreInGraceForTheNodeFenced() throws Exception {
            n2LostWithN1AndN3Serving();
            n3AnswersRequests();

            OcfResponse response = fence("n1", Duration.ofSeconds(5));

            assertThat(response.exitCode()).isEqualTo(OcfExitCode.SUCCESS);
            long answered = journal.first("n1", "fence device answered");
            assertThat(journal.first("n1", "grace 5:n2")).as("journal:%n%s", journal).isNotNegative().isLessThan(answered);
            assertThat(journal.first("n3", "grace 5:n2")).as("journal:%n%s", journal).isNotNegative().isLessThan(answered);
            assertThat(response.log()).anyMatch(l -> l.equals("before fencing n2: every serving peer [n3] is in grace for n2"));
            assertThat(attrd.value("n1", TakeoverGate.REQUEST_ATTRIBUTE)).as("the request is withdrawn").isEmpty();
            assertThat(call("monitor", "n1")).as("fencing starts no takeover instance").isEqualTo(OcfExitCode.NOT_RUNNING);
        }

        @Test
        void aPeerThatNeverAnswersHoldsTheFenceOnlyUntilTheDeadlineAndTheLevelGoesOn() throws Exception {
            n2LostWithN1AndN3Serving(); // n3's agent is gone: nobody answers the request
            long started = System.nanoTime();

            OcfResponse response = fence("n1", Duration.ofMillis(500));

            assertThat(response.exitCode()).as("the power device must still run").isEqualTo(OcfExitCode.SUCCESS);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(3));
            assertThat(journal.contains("n1", "grace 5:n2")).isTrue();
            assertThat(response.log()).anyMatch(l -> l.startsWith("WARNING: before fencing n2: no grace acknowledgement "
                    + "for n2 from [n3]"));
        }

        @Test
        void aFenceRunOnTheNodeBeingFencedCallsNoGrace() throws Exception {
            n2LostWithN1AndN3Serving();
            OcfResponse response = fence("n2", Duration.ofSeconds(5));
            assertThat(response.exitCode()).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(journal.entries()).extracting(e -> e.what()).noneMatch(w -> w.startsWith("grace"));
            assertThat(response.log()).singleElement().asString().contains("this is the node being fenced");
        }

        @Test
        void homeNodeIsRequired() {
            assertThatThrownBy(() -> actions().handle(OcfRequests.call(OcfAgent.TAKEOVER, "start", "n1", "x"), "x",
                    Instant.now().plusSeconds(5))).isInstanceOf(OcfConfigurationException.class)
                    .hasMessageContaining("home_node");
        }
    }

    @Nested
    class Nfsd {
        @TempDir
        Path host;

        private NfsdActions actions(NfsdActions.ClusterNodes nodes) {
            return actions(nodes, Optional.empty());
        }

        private NfsdActions actions(NfsdActions.ClusterNodes nodes, Optional<String> hostName) {
            return new NfsdActions(new StateDirLink(host.resolve("var-lib-nfs")), LocalNode.named("n1"), nodes,
                    () -> hostName, () -> nfsdStart, node -> {
                        switches.add(node);
                        return List.of("switched on " + node);
                    });
        }

        /** When the running nfsd started, in /proc's clock ticks since boot. */
        private volatile java.util.OptionalLong nfsdStart = java.util.OptionalLong.of(1);

        /** The nodes whose start switched the state directory to the shared storage, in order. */
        private final List<String> switches = new java.util.ArrayList<>();

        @Test
        void onlyAStartThatSwitchesTheDirectoryMakesARunningNfsdReadItsRecordsAgain() throws Exception {
            Files.createDirectories(host.resolve("var-lib-nfs"));
            Files.createDirectories(host.resolve("shared/nfs-ganesha"));
            NfsdActions actions = actions(() -> List.of("n1", "n2"));
            OcfResponse first = respond(actions, "start");
            assertThat(first.exitCode()).as("%s", first.reason()).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(switches).containsExactly("n1");
            assertThat(first.log()).contains("switched on n1");

            // An agent restart, or Pacemaker's start repeated: the link is there already.
            assertThat(respond(actions, "start").log()).doesNotContain("switched on n1");
            assertThat(switches).hasSize(1);

            // A restart of the clone under the same nfsd: it read its records from the shared storage.
            assertThat(call(actions, "stop")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(respond(actions, "start").log()).as("an nfsd older than the stop")
                    .contains("state directory: nfsd on n1 read its client records from the shared storage at its"
                            + " start; no grace call");
            assertThat(switches).hasSize(1);

            // An nfsd started while the directory was the host's own.
            assertThat(call(actions, "stop")).isEqualTo(OcfExitCode.SUCCESS);
            nfsdStart = java.util.OptionalLong.of(Long.MAX_VALUE);
            assertThat(call(actions, "start")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(switches).as("stopped and started again under a newer nfsd: switched again")
                    .containsExactly("n1", "n1");
        }

        private OcfResponse respond(NfsdActions actions, String action) throws Exception {
            return actions.handle(OcfRequests.call(OcfAgent.NFSD, action, "n1", "nfs_setup:0",
                    "ha_vol_mnt=" + host.resolve("shared")));
        }

        private OcfExitCode call(NfsdActions actions, String action) throws Exception {
            return respond(actions, action).exitCode();
        }

        private Path tree(String name) {
            return host.resolve("shared/nfs-ganesha").resolve(name).resolve("nfs");
        }

        @Test
        void startAdoptsTheTreeGlusterFsNamedAfterTheHostNameInsteadOfCreatingAnEmptyOne() throws Exception {
            Path record = Files.createDirectories(tree("n1.example.org").resolve("ganesha/v4recov/node0"))
                    .resolve("client-a");
            Files.writeString(record, "reclaimable");
            NfsdActions actions = actions(() -> List.of("n1", "n2"), Optional.of("n1.example.org"));

            OcfResponse start = respond(actions, "start");

            assertThat(start.exitCode()).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(start.log()).anySatisfy(l -> assertThat(l).contains("adopted the existing tree n1.example.org"));
            assertThat(host.resolve("var-lib-nfs").toRealPath()).isEqualTo(tree("n1.example.org").toRealPath());
            assertThat(host.resolve("var-lib-nfs/ganesha/v4recov/node0/client-a")).hasContent("reclaimable");
            assertThat(host.resolve("shared/nfs-ganesha/n1")).as("no empty tree beside it").doesNotExist();
            assertThat(call(actions, "monitor")).isEqualTo(OcfExitCode.SUCCESS);
        }

        @Test
        void aShortNamedTreeIsAdoptedByItsFqdnNode() throws Exception {
            Files.createDirectories(tree("n1"));
            NfsdActions actions = new NfsdActions(new StateDirLink(host.resolve("var-lib-nfs")),
                    LocalNode.named("n1.lab.example"), () -> List.of("n1.lab.example"), () -> Optional.of("n1.lab.example"),
                    java.util.OptionalLong::empty, node -> List.of());
            OcfResponse start = actions.handle(OcfRequests.call(OcfAgent.NFSD, "start", "n1.lab.example",
                    "nfs_setup:0", "ha_vol_mnt=" + host.resolve("shared")));
            assertThat(start.exitCode()).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(host.resolve("var-lib-nfs").toRealPath()).isEqualTo(tree("n1").toRealPath());
            assertThat(host.resolve("shared/nfs-ganesha/n1.lab.example")).doesNotExist();
        }

        @Test
        void theTreeNamedAfterThePacemakerNodeWinsOverAHostNamedOne() throws Exception {
            Files.createDirectories(tree("n1"));
            Files.createDirectories(tree("n1.example.org"));
            assertThat(call(actions(List::of, Optional.of("n1.example.org")), "start")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(host.resolve("var-lib-nfs").toRealPath()).isEqualTo(tree("n1").toRealPath());
        }

        @Test
        void twoTreesThatCouldBeThisNodesAreRefusedNamingThem() throws Exception {
            Files.createDirectories(tree("n1.example.org"));
            Files.createDirectories(tree("n1.old.example.org"));
            OcfResponse start = respond(actions(List::of, Optional.of("n1.example.org")), "start");
            assertThat(start.exitCode()).isEqualTo(OcfExitCode.ERR_CONFIGURED);
            assertThat(start.reason()).hasValueSatisfying(r -> assertThat(r)
                    .contains("n1.example.org").contains("n1.old.example.org").contains("rename"));
            assertThat(host.resolve("var-lib-nfs")).doesNotExist();
        }

        @Test
        void startLinksTheStateDirectoryAndEveryPeerStopRestoresIt() throws Exception {
            Files.createDirectories(host.resolve("var-lib-nfs"));
            Files.writeString(host.resolve("var-lib-nfs/host-state"), "kept");
            Files.createDirectories(host.resolve("shared/nfs-ganesha/n9/nfs")); // a node removed from the cluster
            NfsdActions actions = actions(() -> List.of("n1", "n2", "n3"));

            assertThat(call(actions, "monitor")).isEqualTo(OcfExitCode.NOT_RUNNING);
            assertThat(call(actions, "start")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(call(actions, "monitor")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(host.resolve("var-lib-nfs").toRealPath())
                    .isEqualTo(host.resolve("shared/nfs-ganesha/n1/nfs").toRealPath());
            for (String peer : List.of("n2", "n3", "n9")) {
                assertThat(Files.isSymbolicLink(host.resolve("shared/nfs-ganesha/n1/nfs/ganesha/" + peer))).as(peer)
                        .isTrue();
            }

            assertThat(call(actions, "stop")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(host.resolve("var-lib-nfs/host-state")).hasContent("kept");
            assertThat(call(actions, "monitor")).isEqualTo(OcfExitCode.NOT_RUNNING);
        }

        @Test
        void pacemakerUnreachableStillLinksThePeersFoundOnSharedStorage() throws Exception {
            Files.createDirectories(host.resolve("shared/nfs-ganesha/n2/nfs"));
            NfsdActions actions = actions(() -> {
                throw new PacemakerCommandException("crm_node did not answer within 5000 ms and was killed");
            });
            assertThat(call(actions, "start")).isEqualTo(OcfExitCode.SUCCESS);
            assertThat(Files.isSymbolicLink(host.resolve("shared/nfs-ganesha/n1/nfs/ganesha/n2"))).isTrue();
        }

        @Test
        void aRelativeSharedStoragePathIsAConfigurationError() {
            assertThatThrownBy(() -> actions(List::of).handle(OcfRequests.call(OcfAgent.NFSD, "start", "n1",
                    "nfs_setup:0", "ha_vol_mnt=shared"))).isInstanceOf(OcfConfigurationException.class)
                    .hasMessageContaining("ha_vol_mnt");
            assertThat(Optional.of(host.resolve("var-lib-nfs")).filter(Files::exists)).isEmpty();
        }
    }
}
