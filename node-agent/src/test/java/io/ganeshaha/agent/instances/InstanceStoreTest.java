package io.ganeshaha.agent.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ganeshaha.agent.ocf.OcfAgent;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceStoreTest {

    @Test
    void remembersStartedInstancesWithTheirParametersPerAgent(@TempDir Path dir) {
        InstanceStore store = new InstanceStore(dir.resolve("resources"));
        store.markStarted(OcfAgent.MON, "nfs-mon:0", Map.of("grace_delay", "7"));
        store.markStarted(OcfAgent.GRACE, "nfs-grace", Map.of());

        InstanceStore afterRestart = new InstanceStore(dir.resolve("resources"));
        assertThat(afterRestart.isStarted(OcfAgent.MON, "nfs-mon:0")).isTrue();
        assertThat(afterRestart.isStarted(OcfAgent.GRACE, "nfs-mon:0")).as("another agent's instance").isFalse();
        assertThat(afterRestart.started(OcfAgent.MON)).isEqualTo(Map.of("nfs-mon:0", Map.of("grace_delay", "7")));

        afterRestart.markStopped(OcfAgent.MON, "nfs-mon:0");
        afterRestart.markStopped(OcfAgent.MON, "nfs-mon:0");
        assertThat(afterRestart.isStarted(OcfAgent.MON, "nfs-mon:0")).isFalse();
        assertThat(afterRestart.started(OcfAgent.MON)).isEmpty();
    }

    @Test
    void instanceNamesCannotEscapeTheDirectory(@TempDir Path dir) {
        InstanceStore store = new InstanceStore(dir);
        assertThatThrownBy(() -> store.markStarted(OcfAgent.MON, "../x", Map.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
