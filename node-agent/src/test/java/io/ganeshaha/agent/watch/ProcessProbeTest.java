package io.ganeshaha.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessProbeTest {

    private static final String STAT_REST = " 1 1 1 0 -1 4194560 100 0 0 0 1 1 0 0 20 0 9 0 %d 1000 100";

    @Test
    void findsTheProcessNamedByThePidFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pid"), "42\n");
        Files.createDirectories(dir.resolve("proc/42"));
        Files.writeString(dir.resolve("proc/42/stat"), "42 (ganesha.nfsd) S" + STAT_REST.formatted(777));
        assertThat(new ProcessProbe(dir.resolve("pid"), dir.resolve("proc")).probe()).contains(new NfsdProcess(42, 777));
    }

    @Test
    void onlyThePidFilesFirstLineCounts(@TempDir Path dir) throws Exception {
        // ganesha 4.3 after the pid counter wrapped: "914\n" written over "32751\n", not truncated
        Files.writeString(dir.resolve("pid"), "914\n1\n");
        Files.createDirectories(dir.resolve("proc/914"));
        Files.writeString(dir.resolve("proc/914/stat"), "914 (ganesha.nfsd) S" + STAT_REST.formatted(5));
        assertThat(new ProcessProbe(dir.resolve("pid"), dir.resolve("proc")).probe()).contains(new NfsdProcess(914, 5));
    }

    @Test
    void anyDoubtReadsAsGone(@TempDir Path dir) throws Exception {
        ProcessProbe probe = new ProcessProbe(dir.resolve("pid"), dir.resolve("proc"));
        assertThat(probe.probe()).as("no pid file").isEmpty();
        Files.writeString(dir.resolve("pid"), "");
        assertThat(probe.probe()).as("pid file being rewritten").isEmpty();
        Files.writeString(dir.resolve("pid"), "42 43");
        assertThat(probe.probe()).as("garbage").isEmpty();
        Files.writeString(dir.resolve("pid"), "42");
        assertThat(probe.probe()).as("process gone").isEmpty();
        Files.createDirectories(dir.resolve("proc/42"));
        Files.writeString(dir.resolve("proc/42/stat"), "42 (sshd) S" + STAT_REST.formatted(1));
        assertThat(probe.probe()).as("pid recycled by another program").isEmpty();
    }

    @Test
    void parsesCommWithParenthesesAndRejectsZombies() {
        assertThat(ProcessProbe.parseStat(7, "7 (ganesha.nfsd) Z" + STAT_REST.formatted(3))).isEmpty();
        assertThat(ProcessProbe.parseStat(7, "7 (a) (b) S" + STAT_REST.formatted(3))).isEqualTo(Optional.empty());
        assertThat(ProcessProbe.parseStat(7, "7 (ganesha.nfsd) R" + STAT_REST.formatted(3)))
                .contains(new NfsdProcess(7, 3));
    }
}
