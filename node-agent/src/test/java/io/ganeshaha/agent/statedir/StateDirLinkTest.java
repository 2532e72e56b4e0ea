package io.ganeshaha.agent.statedir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real renames and links in a temporary directory standing in for /var/lib. */
class StateDirLinkTest {

    @TempDir
    Path tmp;

    private Path varLibNfs;
    private Path backup;
    private StateLayout layout;
    private StateDirLink link;

    @BeforeEach
    void hostWithItsOwnNfsState() throws Exception {
        varLibNfs = tmp.resolve("var-lib/nfs");
        Files.createDirectories(varLibNfs.resolve("ganesha"));
        Files.writeString(varLibNfs.resolve("ganesha/host-record"), "keep me");
        backup = tmp.resolve("var-lib/nfs.backup");
        layout = new StateLayout(tmp.resolve("shared"));
        Files.createDirectories(layout.haVolMnt());
        link = new StateDirLink(varLibNfs);
    }

    @Test
    void startLinksTheSharedTreeWithPeerLinksAndStopRestoresTheHostDirectory() throws Exception {
        link.link(layout, "nfs-1.lab.example", List.of("nfs-2.lab.example", "nfs-1.lab.example"));

        Path mine = layout.nodeDir("nfs-1.lab.example");
        assertThat(Files.readSymbolicLink(varLibNfs)).isEqualTo(mine);
        assertThat(link.status(layout, "nfs-1.lab.example")).isEqualTo(StateDirLink.Status.LINKED);
        for (String d : StateLayout.DIRECTORIES) {
            assertThat(mine.resolve(d)).isDirectory();
        }
        assertThat(mine.resolve("statd/state")).isRegularFile();
        assertThat(Files.readSymbolicLink(mine.resolve("ganesha/nfs-2.lab.example")))
                .isEqualTo(layout.nodeDir("nfs-2.lab.example").resolve("ganesha"));
        assertThat(Files.readSymbolicLink(mine.resolve("statd/nfs-2.lab.example")))
                .isEqualTo(layout.nodeDir("nfs-2.lab.example").resolve("statd"));
        assertThat(mine.resolve("ganesha/nfs-1.lab.example")).as("no link to itself").doesNotExist();
        assertThat(backup.resolve("ganesha/host-record")).hasContent("keep me");

        link.unlink();
        assertThat(varLibNfs).isDirectory();
        assertThat(Files.isSymbolicLink(varLibNfs)).isFalse();
        assertThat(varLibNfs.resolve("ganesha/host-record")).hasContent("keep me");
        assertThat(backup).doesNotExist();
        assertThat(link.status(layout, "nfs-1.lab.example")).isEqualTo(StateDirLink.Status.UNLINKED);
    }

    @Test
    void startAndStopAreIdempotent() throws Exception {
        link.link(layout, "n1", List.of("n2"));
        link.link(layout, "n1", List.of("n2"));
        assertThat(Files.readSymbolicLink(varLibNfs)).isEqualTo(layout.nodeDir("n1"));
        link.unlink();
        link.unlink();
        assertThat(varLibNfs.resolve("ganesha/host-record")).hasContent("keep me");
    }

    @Test
    void aStartInterruptedAfterTheRenameIsFinishedByTheNextStartOrStop() throws Exception {
        Files.move(varLibNfs, backup); // crash between rename and symlink
        link.link(layout, "n1", List.of());
        assertThat(Files.readSymbolicLink(varLibNfs)).isEqualTo(layout.nodeDir("n1"));

        Files.delete(varLibNfs); // crash in stop between unlink and rename
        link.unlink();
        assertThat(varLibNfs.resolve("ganesha/host-record")).hasContent("keep me");
    }

    @Test
    void theSharedStateOfAnEarlierRunIsKept() throws Exception {
        link.link(layout, "n1", List.of());
        Files.writeString(layout.nodeDir("n1").resolve("ganesha/v4recov/client-1"), "record");
        Files.writeString(layout.nodeDir("n1").resolve("statd/state"), "nsm-state");
        link.unlink();
        link.link(layout, "n1", List.of());
        assertThat(varLibNfs.resolve("ganesha/v4recov/client-1")).hasContent("record");
        assertThat(varLibNfs.resolve("statd/state")).hasContent("nsm-state");
    }

    @Test
    void aLinkFromAnotherConfigurationIsRepointedWithoutLosingTheHostDirectory() throws Exception {
        link.link(layout, "old-name", List.of());
        assertThat(link.status(layout, "n1")).isEqualTo(StateDirLink.Status.LINKED_ELSEWHERE);
        link.link(layout, "n1", List.of());
        assertThat(Files.readSymbolicLink(varLibNfs)).isEqualTo(layout.nodeDir("n1"));
        link.unlink();
        assertThat(varLibNfs.resolve("ganesha/host-record")).hasContent("keep me");
    }

    @Test
    void bothTheHostDirectoryAndABackupAreKept() throws Exception {
        Files.createDirectories(backup);
        Files.writeString(backup.resolve("older"), "older state");
        link.link(layout, "n1", List.of());
        assertThat(backup.resolve("older")).hasContent("older state");
        try (var siblings = Files.list(varLibNfs.getParent())) {
            Path displaced = siblings.filter(p -> p.getFileName().toString().startsWith("nfs.displaced-")).findFirst().orElseThrow();
            assertThat(displaced.resolve("ganesha/host-record")).hasContent("keep me");
        }
    }

    @Test
    void missingSharedStorageFailsWithItsPathAndTouchesNothing() {
        StateLayout unmounted = new StateLayout(tmp.resolve("not-mounted"));
        assertThatThrownBy(() -> link.link(unmounted, "n1", List.of()))
                .isInstanceOf(StateDirException.class).hasMessageContaining(tmp.resolve("not-mounted").toString());
        assertThat(Files.isSymbolicLink(varLibNfs)).isFalse();
        assertThat(varLibNfs.resolve("ganesha/host-record")).hasContent("keep me");
    }

    @Test
    void aPeerDirectoryInTheWayOfALinkIsLeftAlone() throws Exception {
        Files.createDirectories(layout.nodeDir("n1").resolve("ganesha/n2"));
        assertThatThrownBy(() -> link.link(layout, "n1", List.of("n2")))
                .isInstanceOf(StateDirException.class).hasMessageContaining("is not a link");
        assertThat(layout.nodeDir("n1").resolve("ganesha/n2")).isDirectory();
    }

    @Test
    void nodeNamesCannotEscapeTheTree() {
        assertThatThrownBy(() -> layout.nodeDir("../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> layout.nodeDir("..")).isInstanceOf(IllegalArgumentException.class);
    }
}
