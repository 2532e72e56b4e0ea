package io.ganeshaha.agent.pacemaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    /**
     * A runner whose every attrd_updater call waits until all {@code expected} calls are running:
     * reads made one after the other never all run, and each then reports that it ran alone.
     */
    private static Attrd sideBySide(int expected, String failing) {
        CountDownLatch running = new CountDownLatch(expected);
        return new Attrd(new CommandRunner() {
            @Override
            public Result run(List<String> argv, Duration timeout) throws PacemakerCommandException {
                running.countDown();
                boolean together;
                try {
                    together = running.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new PacemakerCommandException("interrupted", e);
                }
                String name = argv.get(argv.indexOf("-n") + 1);
                if (name.equals(failing)) {
                    return new Result(102, "", "Could not connect to the CIB manager\n");
                }
                String host = argv.contains("-N") ? argv.get(argv.indexOf("-N") + 1) : "n1";
                return new Result(0, "name=\"" + name + "\" host=\"" + host + "\" value=\""
                        + (together ? "together" : "alone") + "\"\n", "");
            }
        }, Duration.ofSeconds(5), new PacemakerReachability(Clock.systemUTC()));
    }

    @Test
    void theReadsOfOneLookRunSideBySideAndAnswerInTheOrderAsked() throws Exception {
        Map<String, Map<String, String>> look = sideBySide(3, null).queryAll(List.of("ganesha-active",
                "grace-active", "ganesha-grace-ack"));
        assertThat(look.keySet()).containsExactly("ganesha-active", "grace-active", "ganesha-grace-ack");
        assertThat(look.values()).allSatisfy(byNode -> assertThat(byNode).containsExactly(Map.entry("n1", "together")));

        Map<String, Optional<String>> own = sideBySide(2, null).query(List.of("grace-active", "ganesha-active"), "n2");
        assertThat(own).containsExactly(Map.entry("grace-active", Optional.of("together")),
                Map.entry("ganesha-active", Optional.of("together")));
    }

    @Test
    void oneFailedReadFailsTheLookAfterTheOthersEnded() {
        Attrd attrd = sideBySide(3, "grace-active");
        assertThatThrownBy(() -> attrd.queryAll(List.of("ganesha-active", "grace-active", "ganesha-grace-ack")))
                .isInstanceOf(PacemakerCommandException.class)
                .hasMessageContaining("could not query grace-active").hasMessageContaining("Could not connect");
    }
}
