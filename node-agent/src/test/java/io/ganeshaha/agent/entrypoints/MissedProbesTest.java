package io.ganeshaha.agent.entrypoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ganeshaha.agent.pacemaker.Cib;
import io.ganeshaha.agent.pacemaker.CommandRunner;
import io.ganeshaha.agent.pacemaker.LocalNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is cleaned up after Pacemaker probed a resource before its entry point was installed. The
 * status section is the one a real Pacemaker 2.1.5 wrote after a clone of ocf:ganesha-ha:ganesha_mon
 * was added while neither node's provider directory held it.
 */
class MissedProbesTest {

    static String status() throws IOException {
        try (InputStream in = MissedProbesTest.class.getResourceAsStream("/pacemaker/status-probes-not-installed.xml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aProbeThatFoundNoEntryPointIsCleanedUpOnceTheEntryPointIsThere() throws IOException {
        assertThat(MissedProbes.missed(status(), "nfs-2.lab.example", "ganesha-ha", Set.of("ganesha_mon")::contains))
                .as("the probe (monitor, interval 0) alone, once though recorded as last and as last failure")
                .containsExactly(new MissedProbes.Missed("nfs-mon", "ganesha_mon", "monitor", "0"));
    }

    @Test
    void nothingIsCleanedUpWhileTheEntryPointIsStillMissing() throws IOException {
        assertThat(MissedProbes.missed(status(), "nfs-2.lab.example", "ganesha-ha", type -> false)).isEmpty();
    }

    @Test
    void onlyThisNodesOperationsAndThisProvidersResourcesCount() throws IOException {
        assertThat(MissedProbes.missed(status(), "nfs-3.lab.example", "ganesha-ha", type -> true)).isEmpty();
        assertThat(MissedProbes.missed(status(), "nfs-2.lab.example", "heartbeat", type -> true)).isEmpty();
    }

    @Test
    void otherFailuresStay() throws IOException {
        // A grace monitor that failed (rc 7 once grace-active is gone) is part of the failover.
        String failedMonitor = status().replace("rc-code=\"5\"", "rc-code=\"7\"");
        assertThat(MissedProbes.missed(failedMonitor, "nfs-2.lab.example", "ganesha-ha", type -> true)).isEmpty();
    }

    @Test
    void anotherFailureOfTheSameResourceIsNotPartOfTheCleanUp() throws IOException {
        // The same resource's recurring monitor failed for a reason of its own (rc 7, op-status 0).
        String both = status().replaceFirst("(<lrm_rsc_op id=\"nfs-mon_last_failure_0\"[^>]*/>)",
                "$1<lrm_rsc_op id=\"nfs-mon_monitor_10000\" operation_key=\"nfs-mon_monitor_10000\" operation=\"monitor\" "
                        + "on_node=\"nfs-2.lab.example\" call-id=\"9\" rc-code=\"7\" op-status=\"0\" interval=\"10000\"/>");
        assertThat(both).contains("nfs-mon_monitor_10000");
        assertThat(MissedProbes.missed(both, "nfs-2.lab.example", "ganesha-ha", type -> true))
                .containsExactly(new MissedProbes.Missed("nfs-mon", "ganesha_mon", "monitor", "0"));
    }

    @Test
    void anAgentThatRanAndAnsweredNotInstalledItselfIsLeftAlone() throws IOException {
        // ganesha_nfsd's validate-all answers rc 5 without the shared storage: the executor ran it.
        String answered = status().replace("op-status=\"7\"", "op-status=\"0\"");
        assertThat(MissedProbes.missed(answered, "nfs-2.lab.example", "ganesha-ha", type -> true)).isEmpty();
    }

    /** Pacemaker's tools as the agent runs them: the status section read, the clean-ups recorded. */
    static final class FakePacemaker extends CommandRunner {
        final List<List<String>> cleanups = new ArrayList<>();
        final String status;
        int cleanupExit;

        FakePacemaker(String status) {
            this.status = status;
        }

        @Override
        public Result run(List<String> argv, Duration timeout) {
            if (argv.get(0).equals("cibadmin")) {
                return new Result(0, status, "");
            }
            cleanups.add(argv);
            return new Result(cleanupExit, "", cleanupExit == 0 ? "" : "crm_resource: Could not connect to the controller");
        }
    }

    @Test
    void theProbeIsCleanedUpAloneAndAtMostThreeTimesWhenPacemakerStillFindsNoEntryPoint(@TempDir Path dir)
            throws IOException {
        Path provider = Files.createDirectories(dir.resolve("ganesha-ha"));
        Files.writeString(provider.resolve("ganesha_mon"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(provider.resolve("ganesha_mon"), PosixFilePermissions.fromString("rwxr-xr-x"));
        // The status never changes: Pacemaker reads another directory than this one.
        FakePacemaker pacemaker = new FakePacemaker(status());
        MissedProbes probes = new MissedProbes(new Cib(pacemaker, Duration.ofSeconds(5)), pacemaker, Duration.ofSeconds(5),
                LocalNode.named("nfs-2.lab.example"), provider);
        for (int i = 0; i < 6; i++) {
            probes.run();
        }
        assertThat(pacemaker.cleanups).hasSize(MissedProbes.MAX_CLEANUPS_PER_RESOURCE).allSatisfy(argv ->
                assertThat(argv).containsExactly("crm_resource", "--cleanup", "--resource", "nfs-mon", "--node",
                        "nfs-2.lab.example", "--operation", "monitor", "--interval", "0ms"));
    }

    @Test
    void aCleanUpPacemakerRefusesIsRetriedNextTickWithoutThrowing(@TempDir Path dir) throws IOException {
        Path provider = Files.createDirectories(dir.resolve("ganesha-ha"));
        Files.writeString(provider.resolve("ganesha_mon"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(provider.resolve("ganesha_mon"), PosixFilePermissions.fromString("rwxr-xr-x"));
        FakePacemaker pacemaker = new FakePacemaker(status());
        pacemaker.cleanupExit = 102;
        MissedProbes probes = new MissedProbes(new Cib(pacemaker, Duration.ofSeconds(5)), pacemaker, Duration.ofSeconds(5),
                LocalNode.named("nfs-2.lab.example"), provider);
        probes.run();
        probes.run();
        assertThat(pacemaker.cleanups).as("a refused clean-up does not count against the three").hasSize(2);
    }

    @Test
    void aStatusThatIsNotXmlIsAnErrorNamingIt() {
        assertThatThrownBy(() -> MissedProbes.missed("cibadmin: Could not connect", "nfs-2.lab.example", "ganesha-ha",
                type -> true)).isInstanceOf(IOException.class).hasMessageContaining("status section is not XML");
    }
}
