package io.ganeshaha.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/demo} as CI runs it: what it prints is what happened. The failover it shows put
 * both survivors in grace before the VIP arrived and reached the GaneshaCluster's status, the
 * fail-back brought the VIP home after the survivors were in grace again, and nothing of the lab
 * is left once it ends.
 */
@Tag("integration")
class DemoIT {

    @Test
    void theDemoShowsAFailoverAndAFailBackInOrderAndLeavesNothingBehind() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(printed, System.out), true, StandardCharsets.UTF_8);
        Path work = Path.of("target/demo-it").toAbsolutePath();
        Demo.Outcome outcome;
        List<Long> holders = new ArrayList<>();
        try (Demo demo = new Demo(work, out)) {
            outcome = demo.run();
            for (Demo.Member m : Demo.MEMBERS) {
                holders.add(demo.labHolder(m.host()));
            }
        }
        String text = printed.toString(StandardCharsets.UTF_8);

        assertThat(outcome.vipTakenBy()).as("the VIP of nfs-1 moved to a survivor").isNotEmpty();
        assertThat(outcome.survivorsInGraceMs()).hasSize(2).allSatisfy((node, ms) ->
                assertThat(ms).as(node + " in grace before the VIP arrived").isBetween(0L, outcome.vipMovedMs() - 1));
        assertThat(outcome.statusFailedOver()).as("the status showed the failover").isTrue();
        assertThat(outcome.vipHomeMs()).as("the VIP came home").isPositive();
        assertThat(outcome.failBackGraceMs()).allSatisfy((node, ms) ->
                assertThat(ms).as(node + " in grace before the VIP came home").isBetween(0L, outcome.vipHomeMs() - 1));
        assertThat(outcome.statusRecovered()).isTrue();

        assertThat(text).contains(Demo.tableHeader())
                .contains("survivors were in grace before the VIP arrived")
                .contains("event Failover: ")
                .contains("tearing down");
        for (long holder : holders) {
            assertThat(running(holder)).as("lab node holder " + holder + " ended").isFalse();
        }
    }

    /** Whether the process runs: it exists and is no zombie waiting for its parent to reap it. */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Prints to both streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
