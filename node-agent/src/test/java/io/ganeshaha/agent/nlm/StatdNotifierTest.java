package io.ganeshaha.agent.nlm;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.testing.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatdNotifierTest {

    @TempDir
    Path tmp;

    /** What sm-notify was given: the address, the records in sm/, the state number. */
    record Sent(String address, Map<String, String> records, int state) {}

    private final List<Sent> sent = new ArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
    private ExecutorService executor;
    private Path statd;
    private Path work;

    @BeforeEach
    void layout() throws Exception {
        statd = tmp.resolve("n1/statd");
        Files.createDirectories(statd.resolve("sm"));
        Files.createDirectories(tmp.resolve("n2/statd/sm"));
        Files.createSymbolicLink(statd.resolve("n2"), tmp.resolve("n2/statd"));
        work = tmp.resolve("run/sm-notify");
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private StatdNotifier notifier(StatdNotifier.NotifyCommand command) {
        return new StatdNotifier(statd, work, command, executor, clock);
    }

    private StatdNotifier.NotifyCommand recording() {
        return (dir, address) -> {
            Map<String, String> records = new TreeMap<>();
            try (Stream<Path> files = Files.list(dir.resolve("sm"))) {
                for (Path f : files.toList()) {
                    records.put(f.getFileName().toString(), Files.readString(f));
                }
            }
            int state = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("state"))).order(ByteOrder.nativeOrder()).getInt();
            synchronized (sent) {
                sent.add(new Sent(address.getHostAddress(), records, state));
            }
        };
    }

    private void settle() throws Exception {
        executor.shutdown();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theRecordsReadAtTheTakeoverStartAreSentFromEachAddressThatComesUp() throws Exception {
        Files.writeString(tmp.resolve("n2/statd/sm/198.18.0.201"), "the failed node's client");
        Files.writeString(statd.resolve("sm/198.18.0.202"), "a client of this node");
        StatdNotifier notifier = notifier(recording());

        notifier.addressesComing();
        // The failed node's nfsd restarts and has its statd unmonitor everyone (SM_UNMON_ALL).
        Files.delete(tmp.resolve("n2/statd/sm/198.18.0.201"));
        notifier.arrived(Set.of(InetAddress.getByName("198.18.0.102")));
        notifier.arrived(Set.of(InetAddress.getByName("198.18.0.112")));
        settle();

        assertThat(sent).extracting(Sent::address).containsExactly("198.18.0.102", "198.18.0.112");
        assertThat(sent.get(0).records()).containsEntry("198.18.0.201", "the failed node's client")
                .containsEntry("198.18.0.202", "a client of this node");
        assertThat(sent.get(0).state()).as("odd: the host is up").isOdd();
        assertThat(sent.get(1).state()).as("every notification newer than the one before").isGreaterThan(sent.get(0).state());
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).as("the private copies are removed").isEmpty();
        }
        assertThat(tmp.resolve("n2/statd/sm")).isEmptyDirectory(); // statd's own directories untouched
    }

    @Test
    void theStateNumberGrowsWithTimeAcrossAgentsAndNeverRepeats() {
        StatdNotifier first = notifier(recording());
        int a = first.nextState();
        int b = first.nextState();
        clock.advance(Duration.ofSeconds(30));
        // another node's agent, later: its first number is above what the first sent
        int c = notifier(recording()).nextState();
        assertThat(b).isGreaterThan(a);
        assertThat(c).isGreaterThan(b).isOdd();
    }

    @Test
    void withoutRecordedClientsNothingIsSent() throws Exception {
        StatdNotifier notifier = notifier(recording());
        notifier.addressesComing();
        notifier.arrived(Set.of(InetAddress.getByName("198.18.0.102")));
        settle();
        assertThat(sent).isEmpty();
    }

    @Test
    void recordsOfTheLastTakeoverAreKeptAMinuteThenDropped() throws Exception {
        Files.writeString(tmp.resolve("n2/statd/sm/198.18.0.201"), "first home's client");
        StatdNotifier notifier = notifier(recording());
        notifier.addressesComing();
        Files.delete(tmp.resolve("n2/statd/sm/198.18.0.201"));
        Files.writeString(statd.resolve("sm/198.18.0.202"), "second");
        clock.advance(Duration.ofSeconds(10));
        notifier.addressesComing(); // a second home lost
        notifier.arrived(Set.of(InetAddress.getByName("198.18.0.103")));
        clock.advance(StatdNotifier.KEEP_RECORDS);
        notifier.addressesComing(); // much later: only what is there now
        notifier.arrived(Set.of(InetAddress.getByName("198.18.0.104")));
        settle();
        assertThat(sent.get(0).records()).containsOnlyKeys("198.18.0.201", "198.18.0.202");
        assertThat(sent.get(1).records()).containsOnlyKeys("198.18.0.202");
    }

    @Test
    void aFailingSmNotifyIsLoggedAndItsCopyRemoved() throws Exception {
        Files.writeString(statd.resolve("sm/198.18.0.202"), "a client");
        StatdNotifier notifier = notifier((dir, address) -> {
            throw new IOException("sm-notify exited with 1");
        });
        notifier.addressesComing();
        notifier.arrived(Set.of(InetAddress.getByName("198.18.0.102")));
        settle();
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aMissingSmNotifyIsAnErrorNamingIt() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("d"));
        StatdNotifier.NotifyCommand command = StatdNotifier.smNotify(tmp.resolve("no/sm-notify"), Duration.ofSeconds(1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> command.send(dir, InetAddress.getByName("198.18.0.102")))
                .isInstanceOf(IOException.class).hasMessageContaining("no/sm-notify is not installed");
    }

    @Test
    void anSmNotifyThatHangsIsKilledAtItsBound() throws Exception {
        Path script = tmp.resolve("sm-notify");
        Files.writeString(script, "#!/bin/sh\necho retrying 198.18.0.201\nexec sleep 30\n");
        script.toFile().setExecutable(true);
        Path dir = Files.createDirectories(tmp.resolve("d"));
        StatdNotifier.NotifyCommand command = StatdNotifier.smNotify(script, Duration.ofMillis(500));
        long t0 = System.nanoTime();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> command.send(dir, InetAddress.getByName("198.18.0.102")))
                .isInstanceOf(IOException.class).hasMessageContaining("killed").hasMessageContaining("retrying 198.18.0.201");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void anAddressWithoutANameIsRefusedBySmNotifyAndTheErrorSaysWhatToDo() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("d"));
        Files.createDirectories(dir.resolve("sm"));
        Files.createDirectories(dir.resolve("sm.bak"));
        Files.write(dir.resolve("state"), new byte[] {3, 0, 0, 0});
        Path smNotify = Path.of("/usr/sbin/sm-notify");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(smNotify), "nfs-common is not installed");
        // TEST-NET-3, named nowhere
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StatdNotifier.smNotify(smNotify, Duration.ofSeconds(20))
                .send(dir, InetAddress.getByName("203.0.113.77"))).isInstanceOf(IOException.class)
                .hasMessageContaining("unusable").hasMessageContaining("give 203.0.113.77 a name this host resolves");
    }
}
