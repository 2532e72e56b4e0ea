package io.ganeshaha.agent.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandbackTest {

    private static final String WRITER = "198.18.0.200-(20:Linux NFSv4.1 writer)";
    private static final String OTHER = "198.18.0.201-(19:Linux NFSv4.1 other)";
    /** A tag longer than a directory name: ganesha writes it as two nested directories. */
    private static final String LONG = "198.18.0.202-(300:" + "x".repeat(300) + ")";

    @TempDir
    Path root;

    /** The taker n1's RecoveryRoot, its link n2 standing for the home node's, which is {@link #home()}. */
    private Path home() throws Exception {
        return Files.createDirectories(root.resolve("n1/ganesha/n2"));
    }

    @Test
    void whatTheTakerWritesTheHomeNodeReadsAsGaneshaWouldIncludingALongTagSplitOverLevels() throws Exception {
        Path home = home();
        Handback taker = new Handback(root.resolve("n1/ganesha"));
        assertThat(taker.write("n2", "n1", List.of(WRITER, LONG))).isEmpty();

        assertThat(home.resolve(".handback/n1/v4recov").resolve(LONG.substring(0, 255)).resolve(LONG.substring(255)))
                .as("the directories ganesha's fs_add_clid would make").isDirectory();
        Handback atHome = new Handback(home);
        assertThat(atHome.pending()).containsOnlyKeys("n1");
        assertThat(atHome.pending().get("n1")).containsExactlyInAnyOrder(WRITER, LONG);
        assertThat(Handback.graceArgument("n1")).isEqualTo(".handback/n1");
    }

    @Test
    void aNewHandBackReplacesWhatAnEarlierOneOfTheSameTakerLeft() throws Exception {
        Path home = home();
        Handback taker = new Handback(root.resolve("n1/ganesha"));
        taker.write("n2", "n1", List.of(WRITER, OTHER));
        taker.write("n2", "n1", List.of(OTHER));
        assertThat(new Handback(home).pending().get("n1")).containsExactly(OTHER);
    }

    @Test
    void aTagThatIsNoRecordIsRefusedAndTheOthersWritten() throws Exception {
        home();
        Handback taker = new Handback(root.resolve("n1/ganesha"));
        List<String> refused = taker.write("n2", "n1", List.of("../../escape-(1:x)", WRITER, "node0"));
        assertThat(refused).hasSize(2).allMatch(r -> r.startsWith("not a client record's tag"));
        assertThat(new Handback(root.resolve("n1/ganesha/n2")).pending().get("n1")).containsExactly(WRITER);
        assertThat(root.resolve("n1/escape-(1:x)")).doesNotExist();
    }

    @Test
    void whatTheHomeNodeCouldNotLoadItKeepsAmongItsOwnRecordsAndTheHandBackGoes() throws Exception {
        Path home = home();
        new Handback(root.resolve("n1/ganesha")).write("n2", "n1", List.of(WRITER, LONG));
        Handback atHome = new Handback(home);
        atHome.keep(atHome.pending().get("n1"));
        atHome.clear("n1");
        assertThat(ClientRecords.tags(home.resolve("v4recov"))).containsExactlyInAnyOrder(WRITER, LONG);
        assertThat(atHome.pending()).isEmpty();
        assertThat(home.resolve(".handback/n1")).doesNotExist();
    }

    @Test
    void aLinkAmongTheHandBacksIsNone() throws Exception {
        Path home = home();
        ClientRecords.write(Files.createDirectories(home.resolve("v4recov")), WRITER);
        Files.createDirectories(home.resolve(".handback"));
        Files.createSymbolicLink(home.resolve(".handback/x"), home);
        Handback atHome = new Handback(home);
        assertThat(atHome.pending()).isEmpty();
        atHome.clear("x");
        assertThat(ClientRecords.tags(home.resolve("v4recov"))).as("the link went, not what it leads to")
                .containsExactly(WRITER);
    }

    @Test
    void withoutALinkToTheHomeNodesTreeNothingIsWrittenOnThisHost() throws Exception {
        Path n1 = Files.createDirectories(root.resolve("n1/ganesha"));
        assertThatThrownBy(() -> new Handback(n1).write("n9", "n1", List.of(WRITER)))
                .isInstanceOf(java.nio.file.NoSuchFileException.class).hasMessageContaining("no link to n9's tree");
        assertThat(n1.resolve("n9")).doesNotExist();
    }

    @Test
    void takeoverCallsRememberRecordsThatAreDeletedLaterUntilThePeerServesAgain() throws Exception {
        Path n1 = root.resolve("n1/ganesha");
        ClientRecords.write(Files.createDirectories(home().resolve("v4recov")), WRITER);
        java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            TakenOverRecords found = new TakenOverRecords(n1, reader);
            java.util.concurrent.CountDownLatch storageSlow = new java.util.concurrent.CountDownLatch(1);
            reader.execute(() -> {
                try {
                    storageSlow.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            found.taking("n2"); // queued behind the slow read
            storageSlow.countDown();
            assertThat(found.remembered("n2", java.time.Duration.ofSeconds(10))).as("waited for the read")
                    .containsExactly(WRITER);
            Files.delete(n1.resolve("n2/v4recov").resolve(WRITER));
            assertThat(found.read("n2")).isEmpty();
            assertThat(found.remembered("n2", java.time.Duration.ZERO)).containsExactly(WRITER);
            found.forget("n2");
            assertThat(found.remembered("n2", java.time.Duration.ZERO)).isEmpty();
        } finally {
            reader.shutdownNow();
        }
    }
}
