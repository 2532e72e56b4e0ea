package io.ganeshaha.agent.entrypoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

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
                .containsExactly(new MissedProbes.Missed("nfs-mon", "ganesha_mon"));
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
    void anAgentThatRanAndAnsweredNotInstalledItselfIsLeftAlone() throws IOException {
        // ganesha_nfsd's validate-all answers rc 5 without the shared storage: the executor ran it.
        String answered = status().replace("op-status=\"7\"", "op-status=\"0\"");
        assertThat(MissedProbes.missed(answered, "nfs-2.lab.example", "ganesha-ha", type -> true)).isEmpty();
    }

    @Test
    void aStatusThatIsNotXmlIsAnErrorNamingIt() {
        assertThatThrownBy(() -> MissedProbes.missed("cibadmin: Could not connect", "nfs-2.lab.example", "ganesha-ha",
                type -> true)).isInstanceOf(IOException.class).hasMessageContaining("status section is not XML");
    }
}
