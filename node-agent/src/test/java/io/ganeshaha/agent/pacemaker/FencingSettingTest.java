package io.ganeshaha.agent.pacemaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.testing.CapturedLog;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** stonith-enabled as the node report shows it. */
class FencingSettingTest {

    /** The property's value in the CIB (empty: unset); {@code answers} false: crm_attribute is killed. */
    static final class StonithCib extends Cib {
        Optional<String> value = Optional.empty();
        boolean answers = true;
        int reads;

        StonithCib() {
            super(null, Duration.ZERO);
        }

        @Override
        public Optional<String> clusterProperty(String name) throws PacemakerCommandException {
            assertThat(name).isEqualTo("stonith-enabled");
            reads++;
            if (!answers) {
                throw new PacemakerCommandException("crm_attribute --type crm_config --name stonith-enabled --query "
                        + "did not answer within 5000 ms and was killed");
            }
            return value;
        }

        @Override
        public void setClusterProperty(String name, String value) {
            throw new AssertionError("fencing is the administrator's: nothing is written");
        }
    }

    @Test
    void pacemakersSpellingsOfTheProperty() {
        assertThat(Fencing.of(Optional.empty())).as("unset: Pacemaker's default").isEqualTo(Fencing.ENABLED);
        for (String on : new String[] {"true", "TRUE", "on", "yes", "y", "1"}) {
            assertThat(Fencing.of(Optional.of(on))).as(on).isEqualTo(Fencing.ENABLED);
        }
        for (String off : new String[] {"false", "False", "off", "no", "n", "0", " false "}) {
            assertThat(Fencing.of(Optional.of(off))).as(off).isEqualTo(Fencing.DISABLED);
        }
        assertThat(Fencing.of(Optional.of(""))).isEqualTo(Fencing.UNKNOWN);
        assertThat(Fencing.of(Optional.of("sometimes"))).isEqualTo(Fencing.UNKNOWN);
        assertThat(Fencing.DISABLED.apiValue()).isEqualTo("Disabled");
    }

    @Test
    void unknownUntilReadThenWhatTheCibSays() {
        StonithCib cib = new StonithCib();
        FencingSetting fencing = new FencingSetting(cib);
        assertThat(fencing.get()).isEqualTo(Fencing.UNKNOWN);
        fencing.run();
        assertThat(fencing.get()).isEqualTo(Fencing.ENABLED);
        cib.value = Optional.of("false");
        fencing.run();
        assertThat(fencing.get()).isEqualTo(Fencing.DISABLED);
        assertThat(cib.reads).isEqualTo(2);
    }

    @Test
    void aPacemakerThatDoesNotAnswerIsUnknownAndLoggedOnce() {
        StonithCib cib = new StonithCib();
        cib.value = Optional.of("false");
        FencingSetting fencing = new FencingSetting(cib);
        try (CapturedLog log = new CapturedLog(FencingSetting.class)) {
            fencing.run();
            assertThat(log.warnings()).as("fencing off is worth a warning").hasSize(1);
            fencing.run();
            assertThat(log.warnings()).as("once, not every tick").hasSize(1);

            cib.answers = false;
            fencing.run();
            fencing.run();
            fencing.run();
            assertThat(fencing.get()).isEqualTo(Fencing.UNKNOWN);
            assertThat(log.warnings()).hasSize(2).last().asString().startsWith("cannot read");

            cib.answers = true;
            fencing.run();
            assertThat(fencing.get()).isEqualTo(Fencing.DISABLED);
        }
    }
}
