package io.ganeshaha.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ganeshaha.agent.testing.LabClient;
import io.ganeshaha.agent.testing.ProjectPaths;
import io.ganeshaha.agent.testing.ThreeNodeLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real Linux NFSv4.1 client (a lab client machine) is the judge of a failover: it holds an fcntl
 * lock on a file of the shared export, mounted through N2's VIP, and appends checksummed records
 * to it, each fsync'ed. ganesha on N2 is killed; the client must reclaim its open and its lock on
 * the node that took the VIP over, go on writing without an I/O error, lose no acknowledged record,
 * and a client of another survivor must not get the lock meanwhile. Run alone with
 * {@code ./mvnw verify -pl node-agent -Dit.test=ClientFailoverIT}.
 */
@Tag("integration")
@Tag("clients")
class ClientFailoverIT {

    static final String N1 = ThreeNodeLab.NODES.get(0);
    static final String N2 = ThreeNodeLab.NODES.get(1);
    static final String DATA = "/run/nfs/data";

    static ThreeNodeLab lab;
    static LabClient writer;
    static LabClient other;

    @BeforeAll
    static void start() throws Exception {
        lab = new ThreeNodeLab(Path.of("target/it-client-failover").toAbsolutePath());
        lab.awaitHealthy(Duration.ofSeconds(90));
        writer = lab.lab.client("writer");
        other = lab.lab.client("other");
        writer.start();
        other.start();
        mount(writer, lab.homeVip.get(N2));
        mount(other, lab.homeVip.get(N1));
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    static void mount(LabClient client, String vip) {
        client.exec("sh", "-c", "mkdir -p /run/nfs && mount -t nfs4 -o vers=4.1 " + vip + ":/shared /run/nfs")
                .orFail("mount " + vip + " on " + client.name());
    }

    static List<String> log(LabClient client) {
        // absent until the writer has its lock
        return client.exec("sh", "-c", "cat /run/writer.log 2>/dev/null || true").orFail("the writer's log").stdout()
                .lines().toList();
    }

    /** Whether {@code client} gets the lock on the data file (flock: NFS makes it a POSIX lock). */
    static boolean lockTakenBy(LabClient client) {
        int rc = client.exec("flock", "--nonblock", "--conflict-exit-code", "42", DATA, "true").exitCode();
        assertThat(rc).as("flock answered on " + client.name()).isIn(0, 42);
        return rc == 0;
    }

    static long lastOk(List<String> log) {
        return log.stream().filter(l -> l.startsWith("ok ")).mapToLong(l -> Long.parseLong(l.split(" ")[2])).max()
                .orElse(0);
    }

    @Test
    void aClientHoldingALockKeepsItAndItsDataThroughAKilledNfsd() throws Exception {
        Path script = ProjectPaths.root().resolve("node-agent/src/test/resources/client/writer.py");
        writer.exec("sh", "-c", "setsid python3 " + script + " " + DATA + " /run/writer.log </dev/null >/run/writer.out 2>&1 &")
                .orFail("start the writer");
        // A new lock waits out the grace the nodes start in (up to Grace_Period, 20 s in the lab).
        await().atMost(Duration.ofSeconds(90)).until(() -> log(writer).stream().filter(l -> l.startsWith("ok ")).count() >= 10);
        assertThat(lockTakenBy(other)).as("the lock is the writer's").isFalse();

        long killed = System.currentTimeMillis() * 1_000_000;
        lab.lab.ganesha(N2, "kill");
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> lastOk(log(writer)) > killed + 2_000_000_000L);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // What the client did meanwhile (a stuck one shows EXCHANGE_ID without CREATE_SESSION).
            throw new AssertionError("the client's writes did not resume within 60 s of the kill; its NFS operations:\n"
                    + writer.exec("sh", "-c", "tail -3 /run/writer.log; grep -E 'EXCHANGE_ID|CREATE_SESSION|"
                            + "RECLAIM_COMPLETE|SEQUENCE|OPEN:|LOCK:' /proc/self/mountstats").stdout(), e);
        }
        List<String> log = log(writer);
        // The client's outage: the longest wait between two acknowledged writes around the kill.
        long[] oks = log.stream().filter(l -> l.startsWith("ok ")).mapToLong(l -> Long.parseLong(l.split(" ")[2]))
                .filter(t -> t > killed - 1_000_000_000L).sorted().toArray();
        long stall = 0;
        for (int i = 1; i < oks.length; i++) {
            stall = Math.max(stall, oks[i] - oks[i - 1]);
        }
        System.out.printf("kill -9 of nfsd on %s: the client's writes stalled %d ms at most%n", N2, stall / 1_000_000);

        assertThat(log).as("no I/O error reached the application").noneMatch(l -> l.startsWith("error "));
        assertThat(writer.exec("sh", "-c", "dmesg | grep -i 'lost' || true").stdout()).as("the kernel lost no lock")
                .isBlank();
        assertThat(lockTakenBy(other)).as("still the writer's lock").isFalse();

        // Every acknowledged record is in the file, whole, in order.
        long acknowledged = log.stream().filter(l -> l.startsWith("ok ")).count();
        List<String> records = Files.readAllLines(lab.lab.dir().resolve("shared/export/data"));
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            String[] parts = records.get(i).split(" ");
            String body = parts[0] + " " + parts[1] + " " + parts[2];
            CRC32 crc = new CRC32();
            crc.update(body.getBytes());
            if (!parts[1].equals(Integer.toString(i + 1)) || !String.format("%08x", crc.getValue()).equals(parts[3])) {
                bad.add(records.get(i));
            }
        }
        assertThat(bad).as("records damaged or out of order").isEmpty();
        assertThat((long) records.size()).as("every acknowledged record is there").isGreaterThanOrEqualTo(acknowledged);
    }
}
