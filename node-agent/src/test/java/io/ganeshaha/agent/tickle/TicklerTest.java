package io.ganeshaha.agent.tickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * n1 takes n2's address 198.18.0.102 over: n2 recorded its clients' connections in its tree on the
 * shared storage, n1 reads them through its peer link once the address is up here, and resets
 * those and only those.
 */
class TicklerTest {

    @TempDir
    Path shared;
    private Path n1StateDir;
    private final Set<InetAddress> local = new CopyOnWriteArraySet<>();
    private final List<List<String>> tickled = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @BeforeEach
    void twoNodesOnSharedStorage() throws IOException {
        Path n1 = Files.createDirectories(shared.resolve("nfs-ganesha/n1/nfs/ganesha"));
        Path n2 = Files.createDirectories(shared.resolve("nfs-ganesha/n2/nfs/ganesha"));
        Files.createSymbolicLink(n1.resolve("n2"), n2);
        n1StateDir = Files.createSymbolicLink(shared.resolve("var-lib-nfs"), n1.getParent());
        local.add(InetAddress.getByName("198.18.0.11"));
        local.add(InetAddress.getByName("198.18.0.101"));
        Files.writeString(n2.resolve(ConnectionRecorder.FILE), """
                198.18.0.102:2049\t198.18.0.201:812
                198.18.0.102:2049\t198.18.0.202:700
                198.18.0.103:2049\t198.18.0.203:900
                """);
        Files.writeString(n1.resolve(ConnectionRecorder.FILE), "198.18.0.101:2049\t198.18.0.204:1000\n");
    }

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private Tickler tickler(Tickler.TickleCommand command) {
        return new Tickler(n1StateDir, () -> Set.copyOf(local), command, executor, Clock.systemUTC(),
                Duration.ofSeconds(5));
    }

    @Test
    void theClientsOfAnAddressAreResetOnceItIsUpHereAndNoOthers() throws Exception {
        tickler(tickled::add).addressesComing();
        Thread.sleep(200);
        assertThat(tickled).as("nothing before the address is up").isEmpty();

        local.add(InetAddress.getByName("198.18.0.102")); // IPaddr2 started
        // Once at sight, once again a second later (a client may answer the first before IPaddr2's
        // announcement reached it), and no more.
        await().atMost(Duration.ofSeconds(4)).until(() -> tickled.size() == 2);
        for (List<String> round : tickled) {
            assertThat(round).containsExactly("198.18.0.102:2049\t198.18.0.201:812", "198.18.0.102:2049\t198.18.0.202:700");
        }
        Thread.sleep(1500);
        assertThat(tickled).hasSize(2);
    }

    @Test
    void eachAddressThatComesUpIsToldOnceEvenWithoutConnectionsToReset() throws Exception {
        List<Set<InetAddress>> arrived = new CopyOnWriteArrayList<>();
        Tickler tickler = new Tickler(n1StateDir, () -> Set.copyOf(local), tickled::add, executor, Clock.systemUTC(),
                Duration.ofSeconds(3), arrived::add);
        tickler.addressesComing();
        local.add(InetAddress.getByName("198.18.0.105")); // no connection recorded for it
        await().atMost(Duration.ofSeconds(2)).until(() -> arrived.size() == 1);
        local.add(InetAddress.getByName("198.18.0.102"));
        await().atMost(Duration.ofSeconds(2)).until(() -> arrived.size() == 2);
        Thread.sleep(1500); // past the second round of tickles
        assertThat(arrived).containsExactly(Set.of(InetAddress.getByName("198.18.0.105")),
                Set.of(InetAddress.getByName("198.18.0.102")));
        InetAddress alreadyHere = InetAddress.getByName("198.18.0.101");
        assertThat(arrived).as("addresses already here are not arrivals").noneMatch(a -> a.contains(alreadyHere));
    }

    @Test
    void theSocketsLeftOnAnAddressAreClosedBeforeItsClientsAreToldOrTickled() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        Tickler tickler = new Tickler(n1StateDir, () -> Set.copyOf(local), lines -> order.add("tickle"), executor,
                Clock.systemUTC(), Duration.ofSeconds(3), added -> order.add("arrived " + added),
                address -> {
                    order.add("close " + address.getHostAddress());
                    return List.of("TIME-WAIT 0 0 [::ffff:198.18.0.102]:32803 [::ffff:198.18.0.201]:961");
                });
        tickler.addressesComing();
        Thread.sleep(200);
        assertThat(order).as("nothing is closed on an address that is not here").isEmpty();
        local.add(InetAddress.getByName("198.18.0.102"));
        await().atMost(Duration.ofSeconds(2)).until(() -> order.size() >= 3);
        assertThat(order.subList(0, 3)).containsExactly("close 198.18.0.102", "arrived [/198.18.0.102]", "tickle");
        assertThat(order).as("the addresses already here keep their sockets").noneMatch(o -> o.contains("198.18.0.101"));
    }

    @Test
    void theLogLineNamesTheFirstTenClosedSocketsAndCountsTheRest() {
        List<String> closed = java.util.stream.IntStream.rangeClosed(1, 2500)
                .mapToObj(i -> "ESTAB 0 0 [::ffff:198.18.0.102]:2049 [::ffff:198.18.1.1]:" + i).toList();
        String listed = Tickler.listed(closed);
        assertThat(listed).startsWith(closed.get(0) + "; ").contains(closed.get(9))
                .doesNotContain(closed.get(10)).endsWith("; and 2490 more");
        assertThat(Tickler.listed(closed.subList(0, 10))).isEqualTo(String.join("; ", closed.subList(0, 10)));
        assertThat(Tickler.listed(closed.subList(0, 1))).isEqualTo(closed.get(0));
    }

    @Test
    void socketsThatCannotBeClosedStillLeaveTheClientsToldAndTickled() throws Exception {
        List<Set<InetAddress>> arrived = new CopyOnWriteArrayList<>();
        Tickler tickler = new Tickler(n1StateDir, () -> Set.copyOf(local), tickled::add, executor, Clock.systemUTC(),
                Duration.ofSeconds(3), arrived::add, address -> {
                    throw new IOException("/usr/bin/ss is not installed (iproute2)");
                });
        tickler.addressesComing();
        local.add(InetAddress.getByName("198.18.0.102"));
        await().atMost(Duration.ofSeconds(2)).until(() -> !tickled.isEmpty());
        assertThat(arrived).containsExactly(Set.of(InetAddress.getByName("198.18.0.102")));
    }

    @Test
    void aFailingRoundDoesNotEndTheWatch() throws Exception {
        Tickler tickler = tickler(lines -> {
            if (lines.get(0).startsWith("198.18.0.102")) {
                throw new IllegalStateException("broken record");
            }
            tickled.add(lines);
        });
        tickler.addressesComing();
        local.add(InetAddress.getByName("198.18.0.102"));
        Thread.sleep(300);
        local.add(InetAddress.getByName("198.18.0.103"));
        await().atMost(Duration.ofSeconds(3)).until(() -> !tickled.isEmpty());
        assertThat(tickled.get(0)).containsExactly("198.18.0.103:2049\t198.18.0.203:900");
    }

    @Test
    void aSecondTakeoverDuringTheWindowIsServedAtOnceNotAfterIt() throws Exception {
        Tickler tickler = tickler(tickled::add);
        tickler.addressesComing();
        local.add(InetAddress.getByName("198.18.0.102"));
        await().atMost(Duration.ofSeconds(3)).until(() -> tickled.size() == 1);
        tickler.addressesComing(); // n3 lost too: its address comes up here next
        local.add(InetAddress.getByName("198.18.0.103"));
        await().atMost(Duration.ofSeconds(3)).until(() -> tickled.stream().anyMatch(l -> l.get(0).startsWith("198.18.0.103")));
    }

    @Test
    void aMissingToolIsReportedAndTheNextAddressIsStillWatched() throws Exception {
        List<String> failed = new CopyOnWriteArrayList<>();
        Tickler.TickleCommand missing = Tickler.tickleTcp(shared.resolve("no-such-tickle_tcp"));
        Tickler tickler = tickler(lines -> {
            if (lines.get(0).startsWith("198.18.0.102")) {
                failed.addAll(lines);
                missing.tickle(lines);
            }
            tickled.add(lines);
        });
        tickler.addressesComing();
        local.add(InetAddress.getByName("198.18.0.102"));
        await().atMost(Duration.ofSeconds(3)).until(() -> !failed.isEmpty());
        local.add(InetAddress.getByName("198.18.0.103"));
        await().atMost(Duration.ofSeconds(3)).until(() -> !tickled.isEmpty());
        assertThat(tickled.get(0)).containsExactly("198.18.0.103:2049\t198.18.0.203:900");
        assertThat(failed).as("the missing tool was tried, failed, and the watch went on").isNotEmpty();
    }
}
