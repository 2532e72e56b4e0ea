package io.ganeshaha.agent.pacemaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AttrdOutputTest {

    /** As printed by attrd_updater -Q -A (Pacemaker 2.1.5), after `-D` on nfs-2. */
    private static final String ALL_NODES = """
            name="grace-active" host="nfs-1.lab.example" value="1"
            name="grace-active" host="nfs-2.lab.example" value=""
            name="grace-active" host="n3" value="1"
            """;

    @Test
    void emptyValueMeansDeleted() {
        assertThat(AttrdOutput.valuesByNode(ALL_NODES, "grace-active"))
                .isEqualTo(Map.of("nfs-1.lab.example", "1", "n3", "1"));
    }

    @Test
    void fieldsAreParsedByNameNotByPosition() {
        assertThat(AttrdOutput.valuesByNode("host=\"a-b.c\" value=\"n1=1.2 n2=3.4\" name=\"ganesha-grace-ack\"\n",
                "ganesha-grace-ack")).isEqualTo(Map.of("a-b.c", "n1=1.2 n2=3.4"));
    }

    @Test
    void otherAttributesAndNoiseAreIgnored() {
        assertThat(AttrdOutput.valuesByNode("name=\"ganesha-active\" host=\"n1\" value=\"1\"\ngarbage\n\n",
                "grace-active")).isEmpty();
        assertThat(AttrdOutput.valuesByNode("", "grace-active")).isEmpty();
    }

    @Test
    void anAttributeNeverSetIsAbsentNotAFailure() {
        // attrd_updater 2.1.5, exit 78
        assertThat(Attrd.isAbsent("attrd_updater: Could not query value of grace-active: attribute does not exist\n")).isTrue();
        assertThat(Attrd.isAbsent("Could not connect to the CIB: Transport endpoint is not connected")).isFalse();
    }
}
