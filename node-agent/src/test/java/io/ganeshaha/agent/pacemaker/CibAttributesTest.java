package io.ganeshaha.agent.pacemaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Every node's transient attributes in one cibadmin query, on what Pacemaker 2.1.5's cibadmin printed. */
class CibAttributesTest {

    /** Two nodes configured, n2 with both attributes, n1 with ganesha-active only. */
    static final String TWO_NODES = """
            <xpath-query>
              <node id="1" uname="nfs-1.lab.example"/>
              <node id="2" uname="nfs-2.lab.example"/>
              <transient_attributes id="2">
                <instance_attributes id="status-2">
                  <nvpair id="status-2-.feature-set" name="#feature-set" value="3.16.1"/>
                  <nvpair id="status-2-ganesha-active" name="ganesha-active" value="1"/>
                  <nvpair id="status-2-grace-active" name="grace-active" value="1"/>
                </instance_attributes>
              </transient_attributes>
              <transient_attributes id="1">
                <instance_attributes id="status-1">
                  <nvpair id="status-1-.feature-set" name="#feature-set" value="3.16.1"/>
                  <nvpair id="status-1-ganesha-active" name="ganesha-active" value="1"/>
                </instance_attributes>
              </transient_attributes>
            </xpath-query>
            """;

    private final AtomicReference<CommandRunner.Result> next = new AtomicReference<>();
    private final List<List<String>> calls = new ArrayList<>();
    private final CibAttributes cib = new CibAttributes(new CommandRunner() {
        @Override
        public Result run(List<String> argv, Duration timeout) throws PacemakerCommandException {
            calls.add(argv);
            CommandRunner.Result r = next.get();
            if (r == null) {
                throw new PacemakerCommandException("cibadmin did not answer within 5000 ms and was killed");
            }
            return r;
        }
    }, Duration.ofSeconds(5));

    @Test
    void everyNodesAttributesByNodeNameFromOneQuery() throws Exception {
        next.set(new CommandRunner.Result(0, TWO_NODES, ""));
        TransientAttributes all = cib.snapshot();
        assertThat(calls).containsExactly(List.of("cibadmin", "--query", "--xpath", CibAttributes.XPATH));
        assertThat(all.all("ganesha-active")).containsExactly(Map.entry("nfs-1.lab.example", "1"),
                Map.entry("nfs-2.lab.example", "1"));
        assertThat(all.all("grace-active")).containsExactly(Map.entry("nfs-2.lab.example", "1"));
        assertThat(all.value("nfs-1.lab.example", "grace-active")).isEmpty();
        assertThat(all.value("nfs-3.lab.example", "ganesha-active")).isEmpty();
    }

    @Test
    void oneMatchComesUnwrapped() throws Exception {
        next.set(new CommandRunner.Result(0, "<node id=\"1\" uname=\"nfs-1.lab.example\"/>", ""));
        assertThat(cib.snapshot().byNode()).isEmpty();
    }

    /** attrd knows every node by name: a node known by its id alone would look lost once attrd is asked. */
    @Test
    void aNodeTheConfigurationDoesNotNameIsLeftOut() throws Exception {
        next.set(new CommandRunner.Result(0, TWO_NODES.replace("<node id=\"2\" uname=\"nfs-2.lab.example\"/>", ""), ""));
        assertThat(cib.snapshot().all("ganesha-active")).containsExactly(Map.entry("nfs-1.lab.example", "1"));
    }

    @Test
    void nothingMatchedIsNoAttributes() throws Exception {
        next.set(new CommandRunner.Result(105, "", "Call cib_query failed (-6): No such device or address\n"));
        assertThat(cib.snapshot().byNode()).isEmpty();
    }

    @Test
    void failuresAreNamed() {
        next.set(new CommandRunner.Result(102, "", "Could not connect to the CIB manager: Transport endpoint is not connected\n"));
        assertThatThrownBy(cib::snapshot).isInstanceOf(PacemakerCommandException.class)
                .hasMessage("cibadmin could not read the transient attributes: exit 102: Could not connect to the CIB "
                        + "manager: Transport endpoint is not connected");

        next.set(null);
        assertThatThrownBy(cib::snapshot).hasMessageContaining("did not answer within 5000 ms");

        next.set(new CommandRunner.Result(0, "<xpath-query><transient_attributes", ""));
        assertThatThrownBy(cib::snapshot).isInstanceOf(PacemakerCommandException.class)
                .hasMessageStartingWith("cibadmin answered the transient attributes with not well-formed XML");
    }
}
