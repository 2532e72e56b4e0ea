package io.ganeshaha.agent.pacemaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Cluster properties through crm_attribute, on what Pacemaker 2.1.5's crm_attribute printed. */
class CibTest {

    private final AtomicReference<CommandRunner.Result> next = new AtomicReference<>();
    private final List<List<String>> calls = new ArrayList<>();
    private final List<Duration> timeouts = new ArrayList<>();
    private final Cib cib = new Cib(new CommandRunner() {
        @Override
        public Result run(List<String> argv, Duration timeout) throws PacemakerCommandException {
            calls.add(argv);
            timeouts.add(timeout);
            CommandRunner.Result r = next.get();
            if (r == null) {
                throw new PacemakerCommandException(String.join(" ", argv) + " did not answer within 5000 ms and was killed");
            }
            return r;
        }
    }, Duration.ofSeconds(5));

    @Test
    void aPropertyIsReadWhereverItIsSetAndUnsetIsEmpty() throws Exception {
        next.set(new CommandRunner.Result(0, "scope=crm_config  name=no-quorum-policy value=ignore\n", ""));
        assertThat(cib.clusterProperty("no-quorum-policy")).contains("ignore");
        assertThat(calls).containsExactly(List.of("crm_attribute", "--type", "crm_config", "--name", "no-quorum-policy",
                "--query"));
        assertThat(timeouts).containsExactly(Duration.ofSeconds(5));

        next.set(new CommandRunner.Result(105, "", "crm_attribute: Error performing operation: No such device or address\n"));
        assertThat(cib.clusterProperty("stonith-enabled")).isEmpty();

        next.set(new CommandRunner.Result(0, "scope=crm_config  name=stonith-enabled value=\n", ""));
        assertThat(cib.clusterProperty("stonith-enabled")).contains("");
    }

    @Test
    void aPropertyInTwoSetsIsAnErrorNamingBothValues() {
        next.set(new CommandRunner.Result(0, "scope=crm_config  name=no-quorum-policy value=ignore\n"
                + "scope=crm_config  name=no-quorum-policy value=stop\n", ""));
        assertThatThrownBy(() -> cib.clusterProperty("no-quorum-policy"))
                .hasMessage("cluster property no-quorum-policy is set in 2 property sets (ignore, stop): remove all but one");
    }

    @Test
    void failuresAndSilenceAreTypedAndNamed() {
        next.set(new CommandRunner.Result(102, "", "Could not connect to the CIB manager: Transport endpoint is not connected\n"));
        assertThatThrownBy(() -> cib.clusterProperty("stonith-enabled")).isInstanceOf(PacemakerCommandException.class)
                .hasMessageContaining("stonith-enabled failed with 102: Could not connect");

        next.set(null);
        assertThatThrownBy(() -> cib.clusterProperty("stonith-enabled")).isInstanceOf(PacemakerCommandException.class)
                .hasMessageContaining("was killed");
    }

    @Test
    void aPropertyIsSetWithUpdate() throws Exception {
        next.set(new CommandRunner.Result(0, "", ""));
        cib.setClusterProperty("no-quorum-policy", "stop");
        assertThat(calls).containsExactly(List.of("crm_attribute", "--type", "crm_config", "--name", "no-quorum-policy",
                "--update", "stop"));

        next.set(new CommandRunner.Result(109, "", "Multiple attributes match name=no-quorum-policy\n"));
        assertThatThrownBy(() -> cib.setClusterProperty("no-quorum-policy", "stop"))
                .hasMessageContaining("no-quorum-policy=stop failed with 109: Multiple attributes match");
    }

    @Test
    void otherLinesAndOtherNamesAreNotValues() throws Exception {
        assertThat(Cib.propertyValue("scope=crm_config  name=no-quorum-policy value=ignore\n", "stonith-enabled"))
                .isEqualTo(Optional.empty());
        assertThat(Cib.propertyValue("Multiple attributes match name=x\n", "x")).isEmpty();
    }

    @Test
    void resourcesAndConstraintsAreWrittenInOneUpdateKeepingTheRestOfTheConfiguration() throws Exception {
        next.set(new CommandRunner.Result(0, """
                <configuration>
                  <crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
                  <nodes><node id="1" uname="n1"/></nodes>
                  <resources><primitive id="old" class="ocf" provider="heartbeat" type="Dummy"/></resources>
                  <constraints/>
                  <rsc_defaults><meta_attributes id="d"/></rsc_defaults>
                </configuration>
                """, ""));
        cib.replaceResourcesAndConstraints("<resources><primitive id=\"new\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/></resources>",
                "<constraints><rsc_location id=\"l\" rsc=\"new\" node=\"n1\" score=\"1\"/></constraints>");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).containsExactly("cibadmin", "--query", "--scope", "configuration");
        List<String> write = calls.get(1);
        assertThat(write.subList(0, 4)).containsExactly("cibadmin", "--replace", "--scope", "configuration");
        String xml = write.get(5);
        assertThat(xml).contains("name=\"stonith-enabled\"", "uname=\"n1\"", "<rsc_defaults>", "id=\"new\"",
                "<rsc_location").doesNotContain("id=\"old\"");
    }

    @Test
    void aConfigurationThatIsNoneIsRefusedNotWritten() {
        next.set(new CommandRunner.Result(0, "<resources/>", ""));
        assertThatThrownBy(() -> cib.replaceResourcesAndConstraints("<resources/>", "<constraints/>"))
                .isInstanceOf(PacemakerCommandException.class).hasMessageContaining("not <configuration>");
        assertThat(calls).hasSize(1);
    }
}
