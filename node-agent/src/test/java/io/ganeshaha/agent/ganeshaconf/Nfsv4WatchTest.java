package io.ganeshaha.agent.ganeshaconf;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.watch.NfsdProcess;
import io.ganeshaha.api.agent.HaConfigMap;
import io.ganeshaha.api.agent.Nfsv4Block;
import io.ganeshaha.api.v1alpha1.Nfsv4Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's NFSV4 block written beside the exports file, read back through ganesha.conf as
 * ganesha reads it, and a restart reported pending until nfsd starts after the change.
 */
class Nfsv4WatchTest {

    @TempDir
    Path dir;
    Path configDir;
    Path ganeshaConf;
    Path blockFile;
    final AtomicReference<Optional<NfsdProcess>> nfsd = new AtomicReference<>(Optional.empty());
    /** Process start times, by pid. */
    final java.util.Map<Long, Instant> starts = new java.util.HashMap<>();
    Nfsv4Watch watch;

    @BeforeEach
    void files() throws IOException {
        configDir = Files.createDirectories(dir.resolve("config"));
        Path etc = Files.createDirectories(dir.resolve("etc"));
        blockFile = etc.resolve("ganesha-ha-nfsv4.conf");
        ganeshaConf = Files.writeString(etc.resolve("ganesha.conf"), """
                NFSV4 { Grace_Period = 20; Lease_Lifetime = 20; Server_Scope = "host"; Minor_Versions = 1; }
                %include "ganesha-ha-nfsv4.conf"
                """);
        watch = newWatch();
    }

    /** An agent's watch over these files, as one that starts now. */
    Nfsv4Watch newWatch() {
        return new Nfsv4Watch(Optional.of(configDir), blockFile, ganeshaConf, nfsd::get,
                p -> Optional.ofNullable(starts.get(p.pid())));
    }

    void clusterWants(int grace, int lease) throws IOException {
        Nfsv4Spec spec = new Nfsv4Spec();
        spec.setGracePeriodSeconds(grace);
        spec.setLeaseLifetimeSeconds(lease);
        Files.writeString(configDir.resolve(HaConfigMap.NFSV4), Nfsv4Block.render(spec, "nfs", "test"));
    }

    void nfsdStarted(long pid, Instant at) {
        starts.put(pid, at);
        nfsd.set(Optional.of(new NfsdProcess(pid, pid)));
    }

    @Test
    void withoutTheKeyTheFileIsLeftAloneAndGaneshaConfSpeaks() throws IOException {
        Files.writeString(blockFile, "# the administrator's\n");
        nfsdStarted(10, Instant.now().plusSeconds(5));
        watch.run();
        assertThat(Files.readString(blockFile)).isEqualTo("# the administrator's\n");
        assertThat(watch.report()).contains(new Nfsv4Watch.Report(new Nfsv4Settings("host", 20, 20), false));
    }

    @Test
    void withoutTheKeyAMissingFileIsCreatedWithoutABlockSoTheIncludeCanGoFirst() throws IOException {
        nfsdStarted(10, Instant.now().minusSeconds(60));
        watch.run();
        assertThat(Files.readString(blockFile)).isEqualTo(Nfsv4Watch.NO_BLOCK).doesNotContain("NFSV4 {");
        assertThat(watch.report()).as("ganesha.conf's own block still speaks, and nothing waits for a restart")
                .contains(new Nfsv4Watch.Report(new Nfsv4Settings("host", 20, 20), false));

        Nfsv4Watch restarted = newWatch();
        restarted.run();
        assertThat(restarted.report()).as("an agent restarted later: a file without a block, though newer than "
                + "nfsd, changed nothing nfsd reads").contains(new Nfsv4Watch.Report(new Nfsv4Settings("host", 20, 20),
                        false));
    }

    @Test
    void theBlockIsWrittenAndTheRunningNfsdWaitsForARestartToRunWithIt() throws IOException {
        nfsdStarted(10, Instant.now().minusSeconds(60));
        watch.run();
        assertThat(watch.report()).contains(new Nfsv4Watch.Report(new Nfsv4Settings("host", 20, 20), false));

        clusterWants(40, 30);
        watch.run();
        assertThat(Files.readString(blockFile)).isEqualTo(Files.readString(configDir.resolve(HaConfigMap.NFSV4)));
        assertThat(watch.report()).as("included last: it wins whole; nfsd started with the old one")
                .contains(new Nfsv4Watch.Report(new Nfsv4Settings("nfs", 40, 30), true));

        nfsdStarted(11, Instant.now().plusSeconds(2));
        watch.run();
        assertThat(watch.report()).as("the next nfsd read it").contains(
                new Nfsv4Watch.Report(new Nfsv4Settings("nfs", 40, 30), false));

        FileTime written = Files.getLastModifiedTime(blockFile);
        watch.run();
        assertThat(Files.getLastModifiedTime(blockFile)).as("an unchanged block is not written again").isEqualTo(written);
    }

    @Test
    void aChangeOfAParameterAloneAlsoWaitsForTheNextStart() throws IOException {
        clusterWants(40, 30);
        nfsdStarted(20, Instant.now().plusSeconds(2));
        watch.run();
        assertThat(watch.report()).contains(new Nfsv4Watch.Report(new Nfsv4Settings("nfs", 40, 30), false));

        Nfsv4Spec spec = new Nfsv4Spec();
        spec.setGracePeriodSeconds(40);
        spec.setLeaseLifetimeSeconds(30);
        io.ganeshaha.api.v1alpha1.FsalOption minor = new io.ganeshaha.api.v1alpha1.FsalOption();
        minor.setName("Minor_Versions");
        minor.setValue("1, 2");
        spec.setParameters(java.util.List.of(minor));
        Files.writeString(configDir.resolve(HaConfigMap.NFSV4), Nfsv4Block.render(spec, "nfs", "test"));
        watch.run();
        assertThat(Files.readString(blockFile)).contains("Minor_Versions = 1, 2;");
        assertThat(watch.report()).as("same grace, lease and scope, yet nfsd read another block")
                .contains(new Nfsv4Watch.Report(new Nfsv4Settings("nfs", 40, 30), true));

        watch.run();
        assertThat(watch.report()).as("still pending on the next pass, with nothing written")
                .contains(new Nfsv4Watch.Report(new Nfsv4Settings("nfs", 40, 30), true));

        nfsdStarted(21, Instant.now().plusSeconds(4));
        watch.run();
        assertThat(watch.report()).as("the next nfsd read it").contains(
                new Nfsv4Watch.Report(new Nfsv4Settings("nfs", 40, 30), false));
    }

    @Test
    void anAgentRestartedAfterAChangeCannotKnowWhatAnOlderNfsdReadAndSaysPending() throws IOException {
        clusterWants(40, 30);
        watch.run();
        Files.setLastModifiedTime(blockFile, FileTime.from(Instant.now()));
        Nfsv4Watch restarted = newWatch();
        nfsdStarted(12, Instant.now().minusSeconds(300));
        restarted.run();
        assertThat(restarted.report()).contains(new Nfsv4Watch.Report(new Nfsv4Settings("nfs", 40, 30), true));

        nfsd.set(Optional.empty());
        restarted.run();
        assertThat(restarted.report()).as("no nfsd: nothing waits").contains(
                new Nfsv4Watch.Report(new Nfsv4Settings("nfs", 40, 30), false));
    }

    @Test
    void aGaneshaConfThatDoesNotIncludeTheBlockLastIsReportedAsItResolves() throws IOException {
        Files.writeString(ganeshaConf, """
                %include "ganesha-ha-nfsv4.conf"
                NFSV4 { Lease_Lifetime = 20; }
                """);
        clusterWants(40, 30);
        watch.run();
        assertThat(watch.report()).as("the later block wins whole: its unset Grace_Period is ganesha's default")
                .contains(new Nfsv4Watch.Report(new Nfsv4Settings(ServerScope.NONE, 90, 20), false));
    }

    @Test
    void anUnreadableGaneshaConfReportsNothingAndABlockThatCannotBeWrittenKeepsTheOldOne() throws IOException {
        clusterWants(40, 30);
        Files.delete(ganeshaConf);
        watch.run();
        assertThat(watch.report()).isEmpty();

        Files.writeString(ganeshaConf, "%include \"ganesha-ha-nfsv4.conf\"\n");
        Files.delete(blockFile);
        Files.createDirectory(blockFile);
        watch.run();
        assertThat(blockFile).isDirectory();
        assertThat(watch.report()).as("an included directory is no file: ganesha's defaults")
                .contains(new Nfsv4Watch.Report(Nfsv4Settings.DEFAULTS, false));
    }
}
