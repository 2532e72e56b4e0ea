package io.ganeshaha.agent.exports;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.testing.MutableClock;
import io.ganeshaha.agent.watch.NfsdProcess;
import io.ganeshaha.api.agent.ExportBlocks;
import io.ganeshaha.api.agent.HaConfigMap;
import io.ganeshaha.api.v1alpha1.ExportAccess;
import io.ganeshaha.api.v1alpha1.ExportClientSpecBuilder;
import io.ganeshaha.api.v1alpha1.ExportSpec;
import io.ganeshaha.api.v1alpha1.ExportSpecBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportSyncTest {

    @TempDir
    Path tmp;

    Path configDir;
    Path exportsFile;
    InMemoryGanesha ganesha;
    AtomicReference<Optional<NfsdProcess>> nfsd = new AtomicReference<>(Optional.of(new NfsdProcess(100, 1)));
    MutableClock clock = new MutableClock(Instant.parse("2026-12-02T04:00:00Z"));
    ExportSync sync;

    @BeforeEach
    void setUp() throws IOException {
        configDir = Files.createDirectories(tmp.resolve("config"));
        exportsFile = tmp.resolve("etc/ganesha-ha-exports.conf");
        ganesha = new InMemoryGanesha(new HashSet<>(Set.of("/srv/a", "/srv/b", "/srv/c", "/srv/a2")));
        sync = newAgent();
    }

    ExportSync newAgent() {
        return new ExportSync(configDir, new ExportFiles(exportsFile), ganesha, nfsd::get, clock);
    }

    static ExportSpec export(int id, String path, String pseudo) {
        return new ExportSpecBuilder().withExportId(id).withPath(path).withPseudo(pseudo).build();
    }

    void specify(long generation, ExportSpec... exports) throws IOException {
        Files.writeString(configDir.resolve(HaConfigMap.EXPORTS), ExportBlocks.toJson(List.of(exports)));
        Files.writeString(configDir.resolve(HaConfigMap.EXPORTS_GENERATION), "uid-1/" + generation);
    }

    @Test
    void addsTheSpecifiedExportsAndRecordsThemInTheFileGaneshaIncludes() throws IOException {
        specify(3, export(1, "/srv/a", "/a"), export(2, "/srv/b", "/b"));
        sync.run();

        assertThat(ganesha.served).containsOnlyKeys(1, 2);
        assertThat(ganesha.served.get(1)).isEqualTo(ExportBlocks.render(export(1, "/srv/a", "/a")));
        assertThat(Files.readString(exportsFile)).contains(ExportBlocks.render(export(1, "/srv/a", "/a")))
                .contains(ExportBlocks.render(export(2, "/srv/b", "/b")));
        assertThat(sync.report()).isEqualTo(new ExportsReport(Optional.of(3L), Optional.of(3L), 2,
                new java.util.TreeMap<>(), Optional.empty()));

        ganesha.calls.clear();
        sync.run();
        assertThat(ganesha.calls).as("an unchanged cluster costs no call").isEmpty();
    }

    @Test
    void anUpdateTouchesOnlyTheExportThatChanged() throws IOException {
        specify(1, export(1, "/srv/a", "/a"), export(2, "/srv/b", "/b"));
        sync.run();
        ganesha.calls.clear();

        ExportSpec readOnly = export(2, "/srv/b", "/b");
        readOnly.setAccessType(ExportAccess.RO);
        readOnly.setClients(List.of(new ExportClientSpecBuilder().withClients("192.0.2.7").withAccessType(ExportAccess.RW)
                .build()));
        specify(2, export(1, "/srv/a", "/a"), readOnly);
        sync.run();

        assertThat(ganesha.calls).containsExactly("update 2");
        assertThat(ganesha.served.get(2)).contains("Access_Type = RO;").contains("Clients = 192.0.2.7;");
        assertThat(sync.report().appliedGeneration()).contains(2L);
    }

    @Test
    void removalsComeFirstDeepestPseudoPathFirstThenAdditionsShallowestFirst() throws IOException {
        specify(1, export(1, "/srv/a", "/a"), export(2, "/srv/b", "/a/b"));
        sync.run();
        ganesha.calls.clear();

        specify(2, export(3, "/srv/c", "/c"), export(4, "/srv/a2", "/c/d"));
        sync.run();

        assertThat(ganesha.calls).containsExactly("remove 2", "remove 1", "add 3", "add 4");
        assertThat(ganesha.served).containsOnlyKeys(3, 4);
        assertThat(Files.readString(exportsFile)).doesNotContain("Export_Id = 1;").contains("Export_Id = 4;");
    }

    @Test
    void aRefusedAdditionIsReportedInGaneshasWordsAndTheOthersAreApplied() throws IOException {
        specify(5, export(1, "/srv/a", "/a"), export(2, "/srv/missing", "/m"));
        sync.run();

        assertThat(ganesha.served).containsOnlyKeys(1);
        ExportsReport report = sync.report();
        assertThat(report.appliedGeneration()).as("not every export is served as specified").isEmpty();
        assertThat(report.desiredGeneration()).contains(5L);
        assertThat(report.served()).isEqualTo(1);
        assertThat(report.refused()).containsOnlyKeys(2);
        assertThat(report.refused().get(2)).startsWith("InvalidFileContent: 0 export entries in ")
                .contains("added because (block validation) errors");
        assertThat(Files.readString(exportsFile)).as("a restart brings up only what was accepted")
                .doesNotContain("/srv/missing");

        ganesha.calls.clear();
        sync.run();
        assertThat(ganesha.calls).as("not retried at once").isEmpty();
        ganesha.existingPaths.add("/srv/missing");
        clock.advance(ExportSync.RETRY_REFUSED);
        sync.run();
        assertThat(ganesha.calls).containsExactly("add 2");
        assertThat(sync.report().refused()).isEmpty();
        assertThat(sync.report().appliedGeneration()).contains(5L);
    }

    @Test
    void aRefusedUpdateLeavesThePreviousVersionServedAndInTheFile() throws IOException {
        specify(1, export(1, "/srv/a", "/a"));
        sync.run();
        String before = ganesha.served.get(1);

        ExportSpec broken = export(1, "/srv/a", "/a");
        broken.setClients(List.of(new ExportClientSpecBuilder().withClients("192.0.2.9").build()));
        ganesha.existingPaths.remove("/srv/a"); // ganesha re-validates the path on update
        specify(2, broken);
        sync.run();

        assertThat(ganesha.served.get(1)).isEqualTo(before);
        assertThat(Files.readString(exportsFile)).contains(before).doesNotContain("192.0.2.9");
        assertThat(sync.report().refused()).containsOnlyKeys(1);
        assertThat(sync.report().appliedGeneration()).contains(1L);
    }

    @Test
    void aChangedPathIsAReplacementAndARefusedOnePutsThePreviousVersionBack() throws IOException {
        specify(1, export(1, "/srv/a", "/a"));
        sync.run();
        ganesha.calls.clear();

        specify(2, export(1, "/srv/a2", "/a"));
        sync.run();
        assertThat(ganesha.calls).containsExactly("remove 1", "add 1");
        assertThat(InMemoryGanesha.path(ganesha.served.get(1))).isEqualTo("/srv/a2");
        ganesha.calls.clear();

        specify(3, export(1, "/srv/nowhere", "/a"));
        sync.run();
        assertThat(ganesha.calls).containsExactly("remove 1", "add 1", "add 1");
        assertThat(InMemoryGanesha.path(ganesha.served.get(1))).as("the previous version is back").isEqualTo("/srv/a2");
        assertThat(Files.readString(exportsFile)).contains("/srv/a2").doesNotContain("/srv/nowhere");
        assertThat(sync.report().refused()).containsOnlyKeys(1);

        specify(4, export(1, "/srv/a2", "/a"));
        sync.run();
        assertThat(sync.report().refused()).as("the spec is served again: nothing stands refused").isEmpty();
        assertThat(sync.report().appliedGeneration()).contains(4L);
    }

    @Test
    void nothingIsCalledWhileNfsdDoesNotServeAndARestartedNfsdIsLookedAtAgain() throws IOException {
        specify(1, export(1, "/srv/a", "/a"), export(2, "/srv/b", "/b"));
        nfsd.set(Optional.empty());
        sync.run();
        assertThat(ganesha.calls).isEmpty();
        assertThat(sync.report().pending()).contains("ganesha.nfsd is not serving: the exports are applied once it is");

        nfsd.set(Optional.of(new NfsdProcess(100, 1)));
        sync.run();
        assertThat(ganesha.served).containsOnlyKeys(1, 2);

        // A restart: ganesha comes back with what the exports file held, one export missing.
        ganesha.served.remove(2);
        nfsd.set(Optional.of(new NfsdProcess(200, 9)));
        ganesha.calls.clear();
        sync.run();
        assertThat(ganesha.calls).containsExactly("display 1", "display 2", "add 2");
        assertThat(sync.report().served()).isEqualTo(2);
    }

    @Test
    void anAgentRestartKnowsItsExportsFromTheRecordAndLeavesForeignOnesAlone() throws IOException {
        specify(1, export(1, "/srv/a", "/a"));
        sync.run();
        ganesha.served.put(7, ExportBlocks.render(export(7, "/srv/c", "/admin"))); // from ganesha.conf

        specify(2, export(1, "/srv/a", "/a"), export(7, "/srv/c", "/c"));
        ExportSync restarted = newAgent();
        ganesha.calls.clear();
        restarted.run();

        assertThat(ganesha.calls).containsExactly("display 1", "display 7");
        assertThat(ganesha.served.get(7)).contains("/admin");
        assertThat(restarted.report().refused().get(7)).contains("that ganesha-ha did not add");
        assertThat(restarted.report().appliedGeneration()).isEmpty();
    }

    @Test
    void aGaneshaThatStopsAnsweringMidwayLosesNothingAndIsLookedAtAgain() throws IOException {
        specify(1, export(1, "/srv/a", "/a"));
        sync.run();
        specify(2, export(1, "/srv/a", "/a"), export(2, "/srv/b", "/b"));
        ganesha.gone = true;
        sync.run();
        assertThat(sync.report().pending()).hasValueSatisfying(p -> assertThat(p).startsWith("ganesha.nfsd did not answer"));
        assertThat(sync.report().appliedGeneration()).contains(1L);

        ganesha.gone = false;
        ganesha.calls.clear();
        sync.run();
        assertThat(ganesha.calls).containsExactly("display 1", "display 2", "add 2");
        assertThat(sync.report().appliedGeneration()).contains(2L);
    }

    @Test
    void withoutExportsInTheConfigMapGaneshasExportsAreLeftAloneButTheIncludedFileExists() throws IOException {
        sync.run();
        assertThat(ganesha.calls).isEmpty();
        assertThat(exportsFile).exists();
        assertThat(sync.report().pending()).hasValueSatisfying(p -> assertThat(p).startsWith("no exports in "));
    }

    @Test
    void anUnreadableExportsJsonIsReportedNamingTheFile() throws IOException {
        Files.writeString(configDir.resolve(HaConfigMap.EXPORTS), "{not json");
        Files.writeString(configDir.resolve(HaConfigMap.EXPORTS_GENERATION), "uid-1/1");
        sync.run();
        assertThat(ganesha.calls).isEmpty();
        assertThat(sync.report().pending()).hasValueSatisfying(p -> assertThat(p)
                .contains(configDir.resolve(HaConfigMap.EXPORTS).toString()).contains("not a list of exports"));
    }

    @Test
    void settleAppliesAtOnceAndIsTrueOnlyForTheNfsdThatServesNow() throws IOException {
        assertThat(sync.settle()).as("no exports in the ConfigMap: nothing to wait for").isTrue();

        specify(1, export(1, "/srv/a", "/a"), export(2, "/srv/missing", "/m"));
        assertThat(sync.settle()).as("every call made; a refusal is reported, not waited out").isTrue();
        assertThat(ganesha.served).containsOnlyKeys(1);

        ganesha.gone = true;
        nfsd.set(Optional.of(new NfsdProcess(300, 5)));
        assertThat(sync.settle()).as("a new nfsd that does not answer yet").isFalse();
        nfsd.set(Optional.empty());
        assertThat(sync.settle()).isFalse();

        ganesha.gone = false;
        nfsd.set(Optional.of(new NfsdProcess(300, 5)));
        assertThat(sync.settle()).isTrue();
    }

    @Test
    void anAdditionWhoseAnswerWasLostIsTheAgentsOwnAndIsGivenItsSpecAgain() throws IOException {
        specify(1, export(1, "/srv/a", "/a"));
        ganesha.loseNextAnswer = true;
        sync.run();
        assertThat(sync.report().pending()).hasValueSatisfying(p -> assertThat(p).contains("TIMEOUT"));

        ganesha.calls.clear();
        sync.run();
        assertThat(ganesha.calls).as("looked at again, then given its spec: not another configuration's")
                .containsExactly("display 1", "update 1");
        assertThat(sync.report().refused()).isEmpty();
        assertThat(sync.report().appliedGeneration()).contains(1L);
    }

    @Test
    void aLostRecordIsMendedFromTheStagedFiles() throws IOException {
        specify(1, export(1, "/srv/a", "/a"));
        sync.run();
        Files.writeString(exportsFile.resolveSibling(exportsFile.getFileName() + ".d").resolve(ExportFiles.RECORD),
                "{broken");
        ExportSync restarted = newAgent();
        ganesha.calls.clear();
        restarted.run();
        assertThat(ganesha.calls).containsExactly("display 1", "update 1");
        assertThat(restarted.report().refused()).isEmpty();
        assertThat(restarted.report().appliedGeneration()).contains(1L);
    }

    @Test
    void aRefusedReplacementIsNotTriedAgainUntilItsSpecChanges() throws IOException {
        specify(1, export(1, "/srv/a", "/a"));
        sync.run();
        specify(2, export(1, "/srv/nowhere", "/a"));
        sync.run();
        assertThat(sync.report().refused()).containsOnlyKeys(1);

        ganesha.calls.clear();
        clock.advance(ExportSync.RETRY_REFUSED.multipliedBy(3));
        sync.run();
        assertThat(ganesha.calls).as("each try would drop the served export's clients").isEmpty();

        specify(3, export(1, "/srv/a2", "/a"));
        sync.run();
        assertThat(ganesha.calls).containsExactly("remove 1", "add 1");
    }

    @Test
    void anExportThatCannotBeWrittenInGaneshasSyntaxIsLeftAsServedAndTheOthersApplied() throws IOException {
        specify(1, export(1, "/srv/a", "/a"));
        sync.run();
        String served = ganesha.served.get(1);

        // As an API server that checked no schema would let through: a client with a space.
        ExportSpec bad = export(1, "/srv/a", "/a");
        bad.setClients(List.of(new ExportClientSpecBuilder().withClients("a b").build()));
        specify(2, bad, export(2, "/srv/b", "/b"));
        sync.run();

        assertThat(ganesha.served.get(1)).as("left as it was served").isEqualTo(served);
        assertThat(ganesha.served).containsKey(2);
        assertThat(sync.report().refused().get(1)).startsWith("the spec cannot be written in ganesha's configuration: "
                + "export 1: \"a b\" is not a client");
        assertThat(sync.report().appliedGeneration()).contains(1L);
    }
}
