package io.ganeshaha.agent.nlm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatdRecordsTest {

    @TempDir
    Path shared;

    /** The GlusterFS layout: n1's statd directory, with a link to each peer's. */
    private Path n1() throws Exception {
        for (String node : new String[] {"n1", "n2", "n3"}) {
            Files.createDirectories(shared.resolve(node).resolve("statd/sm"));
            Files.createDirectories(shared.resolve(node).resolve("statd/sm.bak"));
        }
        Path statd = shared.resolve("n1/statd");
        Files.createSymbolicLink(statd.resolve("n2"), shared.resolve("n2/statd"));
        Files.createSymbolicLink(statd.resolve("n3"), shared.resolve("n3/statd"));
        Files.createSymbolicLink(statd.resolve("n4"), shared.resolve("n4/statd")); // a peer not started yet
        return statd;
    }

    @Test
    void everyNodesMonitoredAndPendingClientsAreFoundOnce() throws Exception {
        Path statd = n1();
        Files.writeString(shared.resolve("n1/statd/sm/198.18.0.201"), "n1's record");
        Files.writeString(shared.resolve("n2/statd/sm/198.18.0.201"), "n2's record of the same client");
        Files.writeString(shared.resolve("n2/statd/sm.bak/198.18.0.202"), "a notification pending");
        Files.writeString(shared.resolve("n3/statd/sm/198.18.0.203"), "n3's");
        Files.writeString(shared.resolve("n3/statd/sm/.198.18.0.204.new"), "statd writing it");
        Files.writeString(statd.resolve("state"), "\u0003\u0000\u0000\u0000");

        StatdRecords.Found found = StatdRecords.everyNode(statd);

        assertThat(found.clients()).containsOnlyKeys("198.18.0.201", "198.18.0.202", "198.18.0.203");
        assertThat(new String(found.clients().get("198.18.0.201"))).isEqualTo("n1's record");
        assertThat(found.problems()).isEmpty();
    }

    @Test
    void onlyThisNodesOwnRecordsTellWhetherItMonitorsAnyClient() throws Exception {
        Path statd = n1();
        Files.writeString(shared.resolve("n2/statd/sm/198.18.0.201"), "a peer's client");
        assertThat(StatdRecords.anyMonitored(statd)).isFalse();
        Files.writeString(shared.resolve("n1/statd/sm/198.18.0.202"), "its own");
        assertThat(StatdRecords.anyMonitored(statd)).isTrue();
        assertThat(StatdRecords.anyMonitored(shared.resolve("none"))).isFalse();
    }

    @Test
    void anOversizedRecordIsSkippedAndReported() throws Exception {
        Path statd = n1();
        Files.write(shared.resolve("n1/statd/sm/huge"), new byte[(int) StatdRecords.MAX_RECORD + 1]);
        Files.writeString(shared.resolve("n1/statd/sm/198.18.0.201"), "fine");
        StatdRecords.Found found = StatdRecords.everyNode(statd);
        assertThat(found.clients()).containsOnlyKeys("198.18.0.201");
        assertThat(found.problems()).singleElement().asString().contains("huge").contains("larger than a statd record");
    }

    @Test
    void aMissingStatdDirectoryIsAProblemNotAFailure() {
        StatdRecords.Found found = StatdRecords.everyNode(shared.resolve("not-mounted/statd"));
        assertThat(found.clients()).isEmpty();
        assertThat(found.problems()).singleElement().asString().contains("cannot list");
    }

    @Test
    void theClientsMonitoredHereAreHandedBackIntoHomesDirectoryWhereHomeReadsThemOnce() throws Exception {
        Path n1 = n1();
        Files.writeString(shared.resolve("n1/statd/sm/198.18.0.201"), "the writer, reclaimed on n1");
        assertThat(StatdRecords.handBack(n1, "n2")).isEqualTo(1);
        Path handedBack = shared.resolve("n2/statd").resolve(StatdRecords.HANDBACK).resolve("sm");
        assertThat(handedBack.resolve("198.18.0.201")).hasContent("the writer, reclaimed on n1");
        try (var left = Files.list(handedBack)) {
            assertThat(left).as("no temporary file left").hasSize(1);
        }

        // n2, its addresses coming home, finds it, even after n1's nfsd unmonitored the writer
        Files.delete(shared.resolve("n1/statd/sm/198.18.0.201"));
        Path n2 = shared.resolve("n2/statd");
        StatdRecords.Found found = StatdRecords.everyNode(n2);
        assertThat(found.clients()).containsKey("198.18.0.201");
        StatdRecords.clearHandedBack(n2, found.clients().keySet());
        assertThat(handedBack).isEmptyDirectory();
    }

    @Test
    void withoutAnSmDirectoryNothingIsHandedBack() throws Exception {
        assertThat(StatdRecords.handBack(shared.resolve("none"), "n2")).isZero();
    }
}
