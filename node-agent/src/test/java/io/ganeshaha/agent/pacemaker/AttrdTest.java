package io.ganeshaha.agent.pacemaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** attrd_updater's answers, and what they say about whether Pacemaker answers at all. */
class AttrdTest {

    private final AtomicReference<CommandRunner.Result> next = new AtomicReference<>();
    private volatile boolean interrupted;
    private final PacemakerReachability pacemaker = new PacemakerReachability(Clock.systemUTC());
    private final Attrd attrd = new Attrd(new CommandRunner() {
        @Override
        public Result run(List<String> argv, Duration timeout) throws PacemakerCommandException {
            if (interrupted) {
                throw new PacemakerCommandException("interrupted while running attrd_updater", new InterruptedException());
            }
            CommandRunner.Result r = next.get();
            if (r == null) {
                throw new PacemakerCommandException("attrd_updater -Q did not answer within 5000 ms and was killed");
            }
            return r;
        }
    }, Duration.ofSeconds(5), pacemaker);

    @Test
    void anAnswerMeansReachableAndAnAbsentAttributeIsAnAnswer() throws Exception {
        next.set(new CommandRunner.Result(78, "", "attrd_updater: attribute does not exist\n"));
        assertThat(attrd.query("grace-active", "n1")).isEmpty();
        assertThat(pacemaker.reachable()).isTrue();
    }

    @Test
    void refusedAndTimedOutCallsMakeItUnreachableUntilTheNextAnswer() throws Exception {
        next.set(new CommandRunner.Result(102, "", "Could not connect to the CIB manager: Transport endpoint is not connected\n"));
        assertThatThrownBy(() -> attrd.update("grace-active", "1")).hasMessageContaining("Could not connect");
        assertThat(pacemaker.reachable()).isFalse();
        assertThat(pacemaker.describe()).startsWith("unreachable since").contains("Could not connect");

        next.set(null);
        assertThatThrownBy(() -> attrd.queryAll("ganesha-active")).hasMessageContaining("was killed");
        assertThat(pacemaker.describe()).contains("was killed");

        next.set(new CommandRunner.Result(0, "name=\"ganesha-active\" host=\"n1\" value=\"1\"\n", ""));
        assertThat(attrd.queryAll("ganesha-active")).containsEntry("n1", "1");
        assertThat(pacemaker.reachable()).isTrue();
        assertThat(pacemaker.describe()).isEqualTo("reachable");
    }

    @Test
    void aCallInterruptedByTheAgentStoppingSaysNothingAboutPacemaker() {
        interrupted = true;
        assertThatThrownBy(() -> attrd.queryAll("ganesha-active")).hasMessageContaining("interrupted");
        assertThat(pacemaker.reachable()).isTrue();
    }
}
