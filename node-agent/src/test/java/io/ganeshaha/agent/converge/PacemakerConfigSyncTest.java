package io.ganeshaha.agent.converge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ganeshaha.agent.pacemaker.Cib;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The convergence decisions and their effects, on a CIB held in memory. */
class PacemakerConfigSyncTest {

    static final String RESOURCES_V1 = "<resources><primitive id=\"a\" class=\"ocf\" provider=\"ganesha-ha\" type=\"ganesha_mon\"/></resources>";
    static final String RESOURCES_V2 = "<resources><primitive id=\"a\" class=\"ocf\" provider=\"ganesha-ha\" type=\"ganesha_mon\"/>"
            + "<primitive id=\"b\" class=\"ocf\" provider=\"heartbeat\" type=\"IPaddr2\"/></resources>";
    static final String CONSTRAINTS = "<constraints/>";

    /** A CIB in memory, recording writes; {@code down} makes every call fail like a stopped Pacemaker. */
    static final class MemoryCib extends Cib {
        final Map<String, String> sections = new HashMap<>(Map.of("resources", "<resources/>", "constraints", "<constraints/>"));
        final Map<String, String> properties = new HashMap<>();
        final List<String> writes = new ArrayList<>();
        boolean down;

        MemoryCib() {
            super(null, Duration.ZERO);
        }

        void check() throws PacemakerCommandException {
            if (down) {
                throw new PacemakerCommandException("cibadmin --query --scope resources failed with 102: Not connected");
            }
        }

        @Override
        public String query(String scope) throws PacemakerCommandException {
            check();
            return sections.get(scope);
        }

        @Override
        public void replace(String scope, String xml) throws PacemakerCommandException {
            check();
            writes.add(scope);
            sections.put(scope, xml);
        }

        @Override
        public Optional<String> property(String name) throws PacemakerCommandException {
            check();
            return Optional.ofNullable(properties.get(name));
        }

        @Override
        public void setProperty(String name, String value) throws PacemakerCommandException {
            check();
            writes.add(name + "=" + value);
            properties.put(name, value);
        }
    }

    static Path rendering(Path dir, long generation, String resources) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("resources.xml"), resources);
        Files.writeString(dir.resolve("constraints.xml"), CONSTRAINTS);
        Files.writeString(dir.resolve("cib-generation"), generation + "\n");
        return dir;
    }

    @Test
    void appliesResourcesThenConstraintsThenTheMarkerAndThenLeavesTheCibAlone(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        PacemakerConfigSync sync = new PacemakerConfigSync(rendering(dir, 3, RESOURCES_V1), cib);
        sync.run();
        assertThat(cib.writes).containsExactly("resources", "constraints", "ganesha-ha-cib-generation=3");
        assertThat(sync.appliedGeneration()).contains(3L);
        assertThat(sync.state()).isEqualTo("generation 3 (APPLY)");

        cib.writes.clear();
        // Pacemaker hands the section back indented: the same content.
        cib.sections.put("resources", RESOURCES_V1.replace("><", ">\n  <"));
        sync.run();
        assertThat(cib.writes).isEmpty();
        assertThat(sync.state()).isEqualTo("generation 3 (UP_TO_DATE)");
    }

    @Test
    void aHandEditedCibIsRewritten(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        PacemakerConfigSync sync = new PacemakerConfigSync(rendering(dir, 3, RESOURCES_V1), cib);
        sync.run();
        cib.sections.put("resources", "<resources/>");
        cib.writes.clear();
        sync.run();
        assertThat(cib.writes).containsExactly("resources", "constraints", "ganesha-ha-cib-generation=3");
        assertThat(cib.sections.get("resources")).isEqualTo(RESOURCES_V1);
    }

    @Test
    void anAgentWithAnOlderCopyOfTheConfigMapNeverRollsTheCibBack(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        // Another node's agent already wrote generation 4.
        new PacemakerConfigSync(rendering(dir.resolve("new"), 4, RESOURCES_V2), cib).run();
        cib.writes.clear();
        PacemakerConfigSync lagging = new PacemakerConfigSync(rendering(dir.resolve("old"), 3, RESOURCES_V1), cib);
        lagging.run();
        assertThat(cib.writes).isEmpty();
        assertThat(cib.sections.get("resources")).isEqualTo(RESOURCES_V2);
        assertThat(lagging.appliedGeneration()).contains(4L);
        assertThat(lagging.state()).isEqualTo("generation 4 (STALE_VIEW)");
    }

    @Test
    void aSpecChangeRenderingTheSameSectionsOnlyMovesTheMarker(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        new PacemakerConfigSync(rendering(dir.resolve("g3"), 3, RESOURCES_V1), cib).run();
        cib.writes.clear();
        new PacemakerConfigSync(rendering(dir.resolve("g5"), 5, RESOURCES_V1), cib).run();
        assertThat(cib.writes).containsExactly("ganesha-ha-cib-generation=5");
    }

    @Test
    void aStoppedPacemakerOrAnIncompleteMountIsAReportedFailureNotAnException(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        PacemakerConfigSync incomplete = new PacemakerConfigSync(dir.resolve("empty"), cib);
        incomplete.run();
        assertThat(incomplete.state()).startsWith("failing: no complete rendering in");

        PacemakerConfigSync sync = new PacemakerConfigSync(rendering(dir.resolve("r"), 3, RESOURCES_V1), cib);
        cib.down = true;
        sync.run();
        assertThat(sync.state()).isEqualTo("failing: cibadmin --query --scope resources failed with 102: Not connected");
        cib.down = false;
        sync.run();
        assertThat(sync.state()).isEqualTo("generation 3 (APPLY)");
    }

    @Test
    void badRenderingsAreNamed(@TempDir Path dir) throws Exception {
        rendering(dir, 3, RESOURCES_V1);
        Files.writeString(dir.resolve("cib-generation"), "three");
        assertThatThrownBy(() -> DesiredConfiguration.read(dir)).hasMessageContaining("cib-generation")
                .hasMessageContaining("not a generation number");

        rendering(dir, 3, "<resources><primitive></resources>");
        MemoryCib cib = new MemoryCib();
        PacemakerConfigSync sync = new PacemakerConfigSync(dir, cib);
        sync.run();
        assertThat(sync.state()).startsWith("failing: not well-formed XML");
        assertThat(cib.writes).isEmpty();
    }

    @Test
    void decisions() {
        assertThat(ConvergeDecision.decide(3, Optional.empty(), false)).isEqualTo(ConvergeDecision.APPLY);
        assertThat(ConvergeDecision.decide(3, Optional.empty(), true)).isEqualTo(ConvergeDecision.MARK);
        assertThat(ConvergeDecision.decide(3, Optional.of(2L), false)).isEqualTo(ConvergeDecision.APPLY);
        assertThat(ConvergeDecision.decide(3, Optional.of(3L), true)).isEqualTo(ConvergeDecision.UP_TO_DATE);
        assertThat(ConvergeDecision.decide(3, Optional.of(3L), false)).isEqualTo(ConvergeDecision.APPLY);
        assertThat(ConvergeDecision.decide(3, Optional.of(4L), false)).isEqualTo(ConvergeDecision.STALE_VIEW);
    }
}
