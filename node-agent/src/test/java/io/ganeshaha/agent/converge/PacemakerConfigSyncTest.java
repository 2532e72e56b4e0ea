package io.ganeshaha.agent.converge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ganeshaha.agent.pacemaker.Cib;
import io.ganeshaha.agent.pacemaker.CibXml;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.testing.CapturedLog;
import io.ganeshaha.api.v1alpha1.CibGeneration;
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

    /**
     * A CIB in memory, recording writes; {@code down} makes every call fail like a stopped
     * Pacemaker, {@code crmAttributeHangs} only crm_attribute's, killed at the tools' timeout.
     */
    static final class MemoryCib extends Cib {
        final Map<String, String> sections = new HashMap<>(Map.of("resources", "<resources/>", "constraints", "<constraints/>"));
        Optional<String> marker = Optional.empty();
        final Map<String, String> properties = new HashMap<>();
        final List<String> writes = new ArrayList<>();
        boolean down;
        boolean crmAttributeHangs;
        /** Runs between an agent's read of the marker and its compare-and-set: another writer. */
        Runnable meanwhile = () -> { };

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
        public void replaceResourcesAndConstraints(String resources, String constraints)
                throws PacemakerCommandException {
            check();
            writes.add("resources+constraints");
            sections.put("resources", resources);
            sections.put("constraints", constraints);
        }

        @Override
        public Optional<String> marker(String name) throws PacemakerCommandException {
            check();
            return marker;
        }

        @Override
        public boolean compareAndSetMarker(String name, Optional<String> expected, String value)
                throws PacemakerCommandException {
            check();
            meanwhile.run();
            if (!marker.equals(expected)) {
                return false;
            }
            writes.add(name + "=" + value);
            marker = Optional.of(value);
            return true;
        }

        void crmAttribute(String name) throws PacemakerCommandException {
            check();
            if (crmAttributeHangs) {
                throw new PacemakerCommandException("crm_attribute --type crm_config --name " + name
                        + " --query did not answer within 5000 ms and was killed");
            }
        }

        @Override
        public Optional<String> clusterProperty(String name) throws PacemakerCommandException {
            crmAttribute(name);
            return Optional.ofNullable(properties.get(name));
        }

        @Override
        public void setClusterProperty(String name, String value) throws PacemakerCommandException {
            crmAttribute(name);
            writes.add("property " + name + "=" + value);
            properties.put(name, value);
        }
    }

    /** What an operator older than the cluster-properties key renders. */
    static Path rendering(Path dir, long generation, String resources) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("resources.xml"), resources);
        Files.writeString(dir.resolve("constraints.xml"), CONSTRAINTS);
        Files.writeString(dir.resolve("cib-generation"), "u1/" + generation + "\n");
        return dir;
    }

    /** A rendering with cluster properties, as the operator writes them ({@code name=value} lines). */
    static Path rendering(Path dir, long generation, String resources, String properties) throws Exception {
        rendering(dir, generation, resources);
        Files.writeString(dir.resolve("cluster-properties"), "# Rendered by ganesha-ha-operator.\n" + properties + "\n");
        return dir;
    }

    @Test
    void appliesResourcesThenConstraintsThenTheMarkerAndThenLeavesTheCibAlone(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        PacemakerConfigSync sync = new PacemakerConfigSync(rendering(dir, 3, RESOURCES_V1), cib);
        sync.run();
        assertThat(cib.writes).containsExactly("ganesha-ha-cib-generation=u1/3", "resources+constraints");
        assertThat(sync.generation()).contains(3L);
        assertThat(sync.state()).isEqualTo("u1/3 (APPLY)");

        cib.writes.clear();
        // Pacemaker hands the section back indented: the same content.
        cib.sections.put("resources", RESOURCES_V1.replace("><", ">\n  <"));
        sync.run();
        assertThat(cib.writes).isEmpty();
        assertThat(sync.state()).isEqualTo("u1/3 (UP_TO_DATE)");
    }

    @Test
    void aHandEditedCibIsRewritten(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        PacemakerConfigSync sync = new PacemakerConfigSync(rendering(dir, 3, RESOURCES_V1), cib);
        sync.run();
        cib.sections.put("resources", "<resources/>");
        cib.writes.clear();
        sync.run();
        assertThat(cib.writes).containsExactly("ganesha-ha-cib-generation=u1/3", "resources+constraints");
        assertThat(cib.sections.get("resources")).isEqualTo(RESOURCES_V1);
    }

    @Test
    void theAdministratorsFenceDevicesAndTheirPlacementSurviveEveryRewrite(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        String ipmi = "<primitive id=\"ipmi-n2\" class=\"stonith\" type=\"fence_ipmilan\"><instance_attributes"
                + " id=\"ipmi-n2-ia\"><nvpair id=\"ipmi-n2-ip\" name=\"ip\" value=\"10.0.0.2\"/></instance_attributes>"
                + "</primitive>";
        String grace = "<primitive id=\"ganesha-grace\" class=\"stonith\" type=\"fence_ganesha_grace\"/>";
        String avoid = "<rsc_location id=\"ipmi-n2-not-on-n2\" rsc=\"ipmi-n2\" node=\"n2\" score=\"-INFINITY\"/>";
        String handMade = "<rsc_location id=\"by-hand\" rsc=\"a\" node=\"n2\" score=\"100\"/>";
        cib.sections.put("resources", "<resources><primitive id=\"old\" class=\"ocf\" provider=\"heartbeat\""
                + " type=\"IPaddr2\"/>" + ipmi + grace + "</resources>");
        cib.sections.put("constraints", "<constraints>" + avoid + handMade + "</constraints>");
        PacemakerConfigSync sync = new PacemakerConfigSync(rendering(dir, 3, RESOURCES_V1), cib);

        sync.run();

        assertThat(cib.writes).containsExactly("ganesha-ha-cib-generation=u1/3", "resources+constraints");
        assertThat(CibXml.sameContent(cib.sections.get("resources"), RESOURCES_V1.replace("</resources>",
                ipmi + grace + "</resources>"))).as("the rendering, then the fence devices as they were: %s",
                cib.sections.get("resources")).isTrue();
        assertThat(CibXml.sameContent(cib.sections.get("constraints"), "<constraints>" + avoid + "</constraints>"))
                .as("the devices' placement kept, a hand-made rule not: %s", cib.sections.get("constraints")).isTrue();
        cib.writes.clear();
        sync.run();
        assertThat(cib.writes).as("the kept devices are no difference to write again").isEmpty();
        assertThat(sync.state()).isEqualTo("u1/3 (UP_TO_DATE)");
    }

    @Test
    void aFenceDevicesPlacementWrittenAsAResourceSetIsKeptToo(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        String ipmi2 = "<primitive id=\"ipmi-n2\" class=\"stonith\" type=\"fence_ipmilan\"/>";
        String ipmi3 = "<primitive id=\"ipmi-n3\" class=\"stonith\" type=\"fence_ipmilan\"/>";
        String bothAway = "<rsc_location id=\"ipmi-away\" node=\"n1\" score=\"-INFINITY\"><resource_set id=\"ipmi-set\">"
                + "<resource_ref id=\"ipmi-n2\"/><resource_ref id=\"ipmi-n3\"/></resource_set></rsc_location>";
        String mixed = "<rsc_colocation id=\"mixed\" score=\"INFINITY\"><resource_set id=\"mixed-set\">"
                + "<resource_ref id=\"ipmi-n2\"/><resource_ref id=\"a\"/></resource_set></rsc_colocation>";
        cib.sections.put("resources", "<resources>" + ipmi2 + ipmi3 + "</resources>");
        cib.sections.put("constraints", "<constraints>" + bothAway + mixed + "</constraints>");

        new PacemakerConfigSync(rendering(dir, 3, RESOURCES_V1), cib).run();

        assertThat(CibXml.sameContent(cib.sections.get("constraints"), "<constraints>" + bothAway + "</constraints>"))
                .as("the set of devices kept; a set that also names a rendered resource is the rendering's: %s",
                        cib.sections.get("constraints")).isTrue();
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
        assertThat(lagging.generation()).contains(4L);
        assertThat(lagging.state()).isEqualTo("u1/4 (STALE_VIEW)");
    }

    @Test
    void anAgentThatLosesTheRaceForTheMarkerWritesNoSection(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        new PacemakerConfigSync(rendering(dir.resolve("g3"), 3, RESOURCES_V1), cib).run();
        cib.writes.clear();
        // While the lagging agent compares (generation 3, but the sections are being rewritten),
        // the up-to-date agent moves the marker to 4.
        cib.sections.put("resources", RESOURCES_V2);
        cib.meanwhile = () -> cib.marker = Optional.of("u1/4");
        PacemakerConfigSync lagging = new PacemakerConfigSync(rendering(dir.resolve("old"), 3, RESOURCES_V1), cib);
        lagging.run();
        assertThat(cib.writes).isEmpty();
        assertThat(cib.sections.get("resources")).isEqualTo(RESOURCES_V2);
        assertThat(lagging.state()).isEqualTo("the CIB changed while comparing; looking again next tick");
        cib.meanwhile = () -> { };
        lagging.run();
        assertThat(lagging.state()).isEqualTo("u1/4 (STALE_VIEW)");
    }

    @Test
    void aClusterCreatedAgainReplacesWhatItsPredecessorLeft(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        cib.marker = Optional.of("old-uid/7");
        cib.sections.put("resources", RESOURCES_V2);
        PacemakerConfigSync sync = new PacemakerConfigSync(rendering(dir, 1, RESOURCES_V1), cib);
        sync.run();
        assertThat(cib.writes).containsExactly("ganesha-ha-cib-generation=u1/1", "resources+constraints");
        assertThat(sync.generation()).contains(1L);
    }

    @Test
    void aSpecChangeRenderingTheSameSectionsOnlyMovesTheMarker(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        new PacemakerConfigSync(rendering(dir.resolve("g3"), 3, RESOURCES_V1), cib).run();
        cib.writes.clear();
        new PacemakerConfigSync(rendering(dir.resolve("g5"), 5, RESOURCES_V1), cib).run();
        assertThat(cib.writes).containsExactly("ganesha-ha-cib-generation=u1/5");
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
        assertThat(sync.state()).isEqualTo("u1/3 (APPLY)");
    }

    @Test
    void badRenderingsAreNamed(@TempDir Path dir) throws Exception {
        rendering(dir, 3, RESOURCES_V1);
        Files.writeString(dir.resolve("cib-generation"), "three");
        assertThatThrownBy(() -> DesiredConfiguration.read(dir)).hasMessageContaining("cib-generation")
                .hasMessageContaining("not <cluster uid>/<generation number>");

        rendering(dir, 3, "<resources><primitive></resources>");
        MemoryCib cib = new MemoryCib();
        PacemakerConfigSync sync = new PacemakerConfigSync(dir, cib);
        sync.run();
        assertThat(sync.state()).startsWith("failing: not well-formed XML");
        assertThat(cib.writes).isEmpty();
    }

    @Test
    void appliesTheQuorumPolicyAfterTheSectionsAndThenLeavesItAlone(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        cib.properties.put("stonith-enabled", "false");
        PacemakerConfigSync sync = new PacemakerConfigSync(rendering(dir, 3, RESOURCES_V1, "no-quorum-policy=ignore"), cib);
        sync.run();
        assertThat(cib.writes).containsExactly("ganesha-ha-cib-generation=u1/3", "resources+constraints",
                "property no-quorum-policy=ignore");
        assertThat(sync.state()).isEqualTo("u1/3 (APPLY)");

        cib.writes.clear();
        sync.run();
        assertThat(cib.writes).isEmpty();
        assertThat(sync.state()).isEqualTo("u1/3 (UP_TO_DATE)");
        assertThat(cib.properties).containsEntry("stonith-enabled", "false");
    }

    @Test
    void aHandEditedPolicyIsPutBackAtTheNextTickWithoutRewritingTheSections(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        PacemakerConfigSync sync = new PacemakerConfigSync(rendering(dir, 3, RESOURCES_V1, "no-quorum-policy=stop"), cib);
        sync.run();
        cib.writes.clear();
        cib.properties.put("no-quorum-policy", "freeze");
        sync.run();
        assertThat(cib.writes).containsExactly("ganesha-ha-cib-generation=u1/3", "property no-quorum-policy=stop");
        assertThat(cib.properties).containsEntry("no-quorum-policy", "stop");

        cib.writes.clear();
        cib.properties.remove("no-quorum-policy");
        sync.run();
        assertThat(cib.writes).as("deleted by hand").containsExactly("ganesha-ha-cib-generation=u1/3",
                "property no-quorum-policy=stop");
    }

    @Test
    void aMemberCountCrossingThreeIsANewGenerationThatALaggingAgentCannotRollBack(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        // The operator rendered generation 4 for three members; node 2's agent already wrote it.
        new PacemakerConfigSync(rendering(dir.resolve("new"), 4, RESOURCES_V2, "no-quorum-policy=stop"), cib).run();
        assertThat(cib.properties).containsEntry("no-quorum-policy", "stop");
        cib.writes.clear();
        // Node 1's projection still holds generation 3, rendered for two members.
        PacemakerConfigSync lagging = new PacemakerConfigSync(rendering(dir.resolve("old"), 3, RESOURCES_V1,
                "no-quorum-policy=ignore"), cib);
        lagging.run();
        lagging.run();
        assertThat(cib.writes).isEmpty();
        assertThat(cib.properties).containsEntry("no-quorum-policy", "stop");
        assertThat(lagging.state()).isEqualTo("u1/4 (STALE_VIEW)");
    }

    @Test
    void aConfigMapWithoutThePropertiesKeyLeavesThePropertiesAlone(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        cib.properties.put("no-quorum-policy", "freeze");
        cib.properties.put("stonith-enabled", "false");
        PacemakerConfigSync sync = new PacemakerConfigSync(rendering(dir, 3, RESOURCES_V1), cib);
        sync.run();
        assertThat(cib.writes).containsExactly("ganesha-ha-cib-generation=u1/3", "resources+constraints");
        cib.writes.clear();
        sync.run();
        assertThat(cib.writes).isEmpty();
        assertThat(cib.properties).containsOnly(Map.entry("no-quorum-policy", "freeze"), Map.entry("stonith-enabled", "false"));
    }

    @Test
    void aRenderingThatNamesFencingIsRefusedWholeAndNothingIsWritten(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        PacemakerConfigSync sync = new PacemakerConfigSync(rendering(dir, 3, RESOURCES_V1,
                "no-quorum-policy=ignore\nstonith-enabled=false"), cib);
        sync.run();
        assertThat(cib.writes).isEmpty();
        assertThat(cib.properties).isEmpty();
        assertThat(sync.state()).startsWith("failing: ").contains("cluster-properties")
                .contains("names cluster properties ganesha-ha does not own: stonith-enabled");
    }

    @Test
    void aPacemakerThatDoesNotAnswerForThePropertiesIsBoundedAndLoggedOnce(@TempDir Path dir) throws Exception {
        MemoryCib cib = new MemoryCib();
        cib.crmAttributeHangs = true;
        PacemakerConfigSync sync = new PacemakerConfigSync(rendering(dir, 3, RESOURCES_V1, "no-quorum-policy=ignore"), cib);
        try (CapturedLog log = new CapturedLog(PacemakerConfigSync.class)) {
            sync.run();
            sync.run();
            sync.run();
            assertThat(sync.state()).isEqualTo("failing: crm_attribute --type crm_config --name no-quorum-policy "
                    + "--query did not answer within 5000 ms and was killed");
            assertThat(log.warnings()).singleElement().asString().contains("cannot converge");
            assertThat(cib.writes).as("nothing written on a half-read CIB").isEmpty();

            cib.crmAttributeHangs = false;
            sync.run();
            assertThat(sync.state()).isEqualTo("u1/3 (APPLY)");
            assertThat(cib.properties).containsEntry("no-quorum-policy", "ignore");
            assertThat(log.warnings()).hasSize(1);
        }
    }

    static CibGeneration g(String uid, long generation) {
        return new CibGeneration(uid, generation);
    }

    @Test
    void decisions() {
        CibGeneration three = g("u1", 3);
        assertThat(ConvergeDecision.decide(three, Optional.empty(), false)).isEqualTo(ConvergeDecision.APPLY);
        assertThat(ConvergeDecision.decide(three, Optional.empty(), true)).isEqualTo(ConvergeDecision.MARK);
        assertThat(ConvergeDecision.decide(three, Optional.of(g("u1", 2)), false)).isEqualTo(ConvergeDecision.APPLY);
        assertThat(ConvergeDecision.decide(three, Optional.of(g("u1", 3)), true)).isEqualTo(ConvergeDecision.UP_TO_DATE);
        assertThat(ConvergeDecision.decide(three, Optional.of(g("u1", 3)), false)).isEqualTo(ConvergeDecision.APPLY);
        assertThat(ConvergeDecision.decide(three, Optional.of(g("u1", 4)), false)).isEqualTo(ConvergeDecision.STALE_VIEW);
        // Another cluster's generations are not ordered against this one's.
        assertThat(ConvergeDecision.decide(three, Optional.of(g("u0", 9)), false)).isEqualTo(ConvergeDecision.APPLY);
        assertThat(ConvergeDecision.decide(three, Optional.of(g("u0", 9)), true)).isEqualTo(ConvergeDecision.MARK);
    }
}
