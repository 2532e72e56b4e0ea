package io.ganeshaha.agent.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReleasePlanTest {

    @Test
    void eachMovedClientIsReleasedByItsOwner() {
        ReleasePlan plan = ReleasePlan.of(List.of("Linux NFSv4.1 writer", "Linux NFSv4.1 reader"),
                List.of("Linux NFSv4.1 local", "Linux NFSv4.1 writer"));
        assertThat(plan.release()).containsExactly("Linux NFSv4.1 writer", "Linux NFSv4.1 reader");
        assertThat(plan.skipped()).isEmpty();
    }

    @Test
    void anOwnerInsideAnotherClientsOwnerIsNotReleased() {
        ReleasePlan plan = ReleasePlan.of(List.of("Linux NFSv4.1 client1"), List.of("Linux NFSv4.1 client10"));
        assertThat(plan.release()).isEmpty();
        assertThat(plan.skipped()).singleElement().asString().contains("client10");
    }

    @Test
    void twoMovedClientsOneInsideTheOtherReleaseOnlyTheLonger() {
        ReleasePlan plan = ReleasePlan.of(List.of("c1", "c12"), List.of());
        assertThat(plan.release()).containsExactly("c12");
        assertThat(plan.skipped()).singleElement().asString().startsWith("'c1'");
    }

    @Test
    void anEmptyOwnerWouldReleaseEveryClientAndIsNeverSent() {
        ReleasePlan plan = ReleasePlan.of(List.of(""), List.of());
        assertThat(plan.release()).isEmpty();
        assertThat(plan.skipped()).singleElement().asString().contains("every client");
    }

    @Test
    void anUnprintableOwnerIsNotSent() {
        ReleasePlan plan = ReleasePlan.of(List.of("bin\u0001ary"), List.of());
        assertThat(plan.release()).isEmpty();
        assertThat(plan.skipped()).singleElement().asString().contains("bin\\x01ary");
    }
}
