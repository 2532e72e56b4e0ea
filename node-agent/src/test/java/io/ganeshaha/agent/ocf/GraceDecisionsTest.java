package io.ganeshaha.agent.ocf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GraceDecisionsTest {

    @Test
    void monitorSaysRunningOnlyForAStartedInstanceWhoseAttributeIsSet() {
        assertThat(GraceDecisions.monitor(false, true)).isEqualTo(OcfExitCode.NOT_RUNNING);
        assertThat(GraceDecisions.monitor(true, true)).isEqualTo(OcfExitCode.SUCCESS);
        assertThat(GraceDecisions.monitor(true, false)).isEqualTo(OcfExitCode.NOT_RUNNING);
    }

    @Test
    void startAnswersNotRunningWhenTheAttributeIsGoneAndNfsdDoesNotServe() {
        assertThat(GraceDecisions.start(true, false, false)).isEqualTo(GraceDecisions.Start.SUCCESS);
        assertThat(GraceDecisions.start(false, false, true)).isEqualTo(GraceDecisions.Start.NOT_RUNNING);
        assertThat(GraceDecisions.start(false, true, false)).as("no mon to set it").isEqualTo(GraceDecisions.Start.NOT_RUNNING);
        assertThat(GraceDecisions.start(false, true, true)).as("the start race").isEqualTo(GraceDecisions.Start.WAIT_FOR_ATTRIBUTE);
    }
}
