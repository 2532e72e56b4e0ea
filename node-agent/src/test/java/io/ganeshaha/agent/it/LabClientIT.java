package io.ganeshaha.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.testing.Lab;
import io.ganeshaha.agent.testing.LabClient;
import io.ganeshaha.agent.testing.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The lab's client machines (issue 9's judge of failover): a User-Mode Linux guest on the lab's
 * switch boots its own kernel, mounts a lab node's ganesha export over NFSv4.1 with the kernel's
 * NFS client, writes, reads back and takes a lock through it.
 */
@Tag("integration")
@Tag("clients")
class LabClientIT {

    static final String NODE = "nfs-1.lab.example";
    static final String NODE_IP = "198.18.0.11";

    static Lab lab;
    static LabClient client;

    @BeforeAll
    static void start() throws Exception {
        Path work = Path.of("target/it-lab-client").toAbsolutePath();
        Files.createDirectories(work);
        lab = Lab.up(work.resolve("lab"), List.of(NODE));
        client = lab.client("client-1");
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void aGuestKernelMountsTheExportWritesReadsAndLocks() {
        String address = client.start();
        assertThat(address).isEqualTo("198.18.0.201");
        assertThat(client.exec("hostname").orFail("hostname").stdout().strip())
                .as("its own hostname: the NFSv4 client owner is made from it").isEqualTo("client-1");
        assertThat(client.exec("uname", "-r").orFail("uname").stdout()).as("a kernel of its own").isNotEqualTo(
                Shell.run(List.of("uname", "-r"), java.time.Duration.ofSeconds(5)).stdout());

        Shell.Result mount = client.exec("sh", "-c", "mkdir -p /run/nfs && mount -t nfs4 -o vers=4.1 " + NODE_IP
                + ":/export /run/nfs && grep ' /run/nfs ' /proc/mounts");
        assertThat(mount.exitCode()).as(mount.stdout() + mount.stderr()).isZero();
        assertThat(mount.stdout()).contains("nfs4").contains("vers=4.1");

        Shell.Result io = client.exec("sh", "-c", "echo record-1 > /run/nfs/f && sync && cat /run/nfs/f");
        assertThat(io.stdout().strip()).as(io.stderr()).isEqualTo("record-1");
        Shell.Result lock = client.exec("flock", "--nonblock", "/run/nfs/f", "true");
        assertThat(lock.exitCode()).as("an NFSv4 lock, granted: " + lock.stdout() + lock.stderr()).isZero();
        Shell.Result stats = client.exec("grep", "-E", "^\\s+LOCK:", "/proc/self/mountstats");
        assertThat(stats.stdout()).as("the lock went over the wire").matches("(?s)\\s+LOCK: [1-9].*");

        client.close();
        assertThat(client.exec("true").exitCode()).as("stopped").isNotZero();
    }
}
