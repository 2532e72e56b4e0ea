package io.ganeshaha.agent.tickle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionRecorderTest {

    @TempDir
    Path dir;

    @Test
    void recordsTheClientsOnTheSharedStorageOnlyWhileLinkedAndOnlyWhenTheyChanged() throws Exception {
        Path procNetTcp = dir.resolve("tcp");
        Files.write(procNetTcp, NfsConnectionsTest.PROC_NET_TCP);
        Files.write(dir.resolve("tcp6"), NfsConnectionsTest.PROC_NET_TCP6);
        Path stateDir = dir.resolve("var-lib-nfs");
        Files.createDirectories(stateDir.resolve("ganesha"));
        ConnectionRecorder recorder = new ConnectionRecorder(stateDir, List.of(procNetTcp,
                dir.resolve("tcp6")), 2049);

        recorder.run();
        assertThat(stateDir.resolve("ganesha").resolve(ConnectionRecorder.FILE)).as("the host's own directory")
                .doesNotExist();

        Path tree = Files.createDirectories(dir.resolve("shared/nfs-ganesha/n2/nfs/ganesha")).getParent();
        Files.delete(stateDir.resolve("ganesha"));
        Files.delete(stateDir);
        Files.createSymbolicLink(stateDir, tree);
        recorder.run();
        Path record = tree.resolve("ganesha").resolve(ConnectionRecorder.FILE);
        assertThat(record).hasContent("198.18.0.102:2049\t198.18.0.201:812\n198.18.0.11:2049\t198.18.0.201:806\n");
        assertThat(ConnectionRecorder.read(record)).extracting(NfsConnections.Connection::line)
                .containsExactly("198.18.0.102:2049\t198.18.0.201:812", "198.18.0.11:2049\t198.18.0.201:806");

        FileTime old = FileTime.fromMillis(0);
        Files.setLastModifiedTime(record, old);
        recorder.run();
        assertThat(Files.getLastModifiedTime(record)).as("unchanged: not written again").isEqualTo(old);

        Files.delete(record); // someone cleaned the tree: written again though nothing changed
        recorder.run();
        assertThat(record).hasContent("198.18.0.102:2049\t198.18.0.201:812\n198.18.0.11:2049\t198.18.0.201:806\n");

        Files.write(procNetTcp, NfsConnectionsTest.PROC_NET_TCP.subList(0, 2)); // the clients went away
        Files.write(dir.resolve("tcp6"), NfsConnectionsTest.PROC_NET_TCP6.subList(0, 2));
        recorder.run();
        assertThat(record).hasContent("");
    }
}
