package io.ganeshaha.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ganeshaha.agent.ganeshaconf.Nfsv4Watch;
import io.ganeshaha.agent.testing.AgentHealth;
import io.ganeshaha.agent.testing.AgentProcess;
import io.ganeshaha.agent.testing.Lab;
import io.ganeshaha.agent.testing.LabClient;
import io.ganeshaha.agent.testing.Shell;
import io.ganeshaha.api.agent.ExportBlocks;
import io.ganeshaha.api.agent.HaConfigMap;
import io.ganeshaha.api.agent.Nfsv4Block;
import io.ganeshaha.api.v1alpha1.FsalOption;
import io.ganeshaha.api.v1alpha1.Nfsv4Spec;
import io.ganeshaha.api.v1alpha1.ExportAccess;
import io.ganeshaha.api.v1alpha1.ExportSpec;
import io.ganeshaha.api.v1alpha1.ExportSpecBuilder;
import io.ganeshaha.api.v1alpha1.ExportSquash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Exports as API through a real NFS client: the node agent (the packaged jar, in a lab node whose
 * ganesha.conf includes the agent's exports file) applies the exports it is given in the
 * ConfigMap's form, and a User-Mode Linux guest mounts them. A mounted export keeps working, with
 * its file open, while another export is changed and then removed; the changed one is read-only for
 * the client at once, and the removed one is refused to a new mount.
 */
@Tag("integration")
@Tag("clients")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExportClientIT {

    static final String NODE = "nfs-1.lab.example";
    static final String NODE_IP = "198.18.0.11";
    static final String SHARED = "/run/gluster/shared_storage";
    static final Duration APPLIED = Duration.ofSeconds(30);

    static Path work;
    static Path configDir;
    static Lab lab;
    static AgentProcess agent;
    static LabClient client;
    static long generation;

    @BeforeAll
    static void start() throws Exception {
        work = Path.of("target/it-export-client").toAbsolutePath();
        configDir = Files.createDirectories(work.resolve("ha-config"));
        // Nothing from an earlier run: the agent starts without exports, as on a fresh host.
        Files.deleteIfExists(configDir.resolve(HaConfigMap.EXPORTS));
        Files.deleteIfExists(configDir.resolve(HaConfigMap.EXPORTS_GENERATION));
        Files.deleteIfExists(configDir.resolve(HaConfigMap.NFSV4));
        lab = Lab.up(work.resolve("lab"), List.of(NODE));
        try {
            lab.exec(NODE, "mkdir", "-p", SHARED + "/exports/a", SHARED + "/exports/b").orFail("mkdir exports");
            agent = new AgentProcess(lab, NODE, work.resolve("agent.log"), List.of(
                    "ganesha-ha.agent.pacemaker-config-dir=" + configDir,
                    "ganesha-ha.agent.exports-interval=500ms")).start();
            client = lab.client("client-1");
            client.start();
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    static ExportSpec export(int id, String dir, String pseudo) {
        return new ExportSpecBuilder().withExportId(id).withPath(SHARED + "/exports/" + dir).withPseudo(pseudo)
                .withSquash(ExportSquash.NoRootSquash).build();
    }

    /** What the operator's ConfigMap carries, as the kubelet projects it. */
    static void specify(ExportSpec... exports) throws Exception {
        generation++;
        Files.writeString(configDir.resolve(HaConfigMap.EXPORTS), ExportBlocks.toJson(List.of(exports)));
        Files.writeString(configDir.resolve(HaConfigMap.EXPORTS_GENERATION), "uid-client-it/" + generation);
    }

    /** ganesha's own answer: DisplayExport on the node's bus. */
    static boolean served(int id) {
        return lab.exec(NODE, "dbus-send", "--system", "--print-reply", "--reply-timeout=5000", "--dest=org.ganesha.nfsd",
                "/org/ganesha/nfsd/ExportMgr", "org.ganesha.nfsd.exportmgr.DisplayExport", "uint16:" + id).exitCode() == 0;
    }

    static String exportsFile() throws Exception {
        return Files.readString(lab.inNode(NODE, "/etc/ganesha/ganesha-ha-exports.conf"));
    }

    /** Waits until the writer's log, as the guest reads it, holds more than {@code than} records. */
    static int awaitMoreRecords(int than) {
        int[] now = new int[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
            now[0] = (int) inGuest("cat /run/a/log").stdout().lines().count();
            return now[0] > than;
        });
        return now[0];
    }

    static Shell.Result inGuest(String script) {
        return client.exec("sh", "-c", script);
    }

    @Test
    @Order(1)
    void aMountedExportKeepsWorkingWhileAnotherIsChangedAndRemoved() throws Exception {
        specify(export(100, "a", "/a"), export(101, "b", "/b"));
        await().atMost(APPLIED).pollInterval(Duration.ofMillis(200)).until(() -> served(100) && served(101));

        Shell.Result mounts = inGuest("mkdir -p /run/a /run/b && mount -t nfs4 -o vers=4.1 " + NODE_IP + ":/a /run/a"
                + " && mount -t nfs4 -o vers=4.1 " + NODE_IP + ":/b /run/b && echo b-1 > /run/b/f && cat /run/b/f");
        assertThat(mounts.exitCode()).as(mounts.stdout() + mounts.stderr()).isZero();
        assertThat(mounts.stdout().strip()).isEqualTo("b-1");

        // A writer holding a file open on /a for the whole test, a numbered record every 200 ms.
        Shell.Result writer = inGuest("setsid sh -c 'exec 3>>/run/a/log; i=0; while [ ! -e /run/writer-stop ]; do "
                + "echo $i >&3 || echo $i >> /run/write-errors; i=$((i+1)); sleep 0.2; done; exec 3>&-; touch /run/writer-stopped'"
                + " </dev/null >/dev/null 2>&1 & echo started");
        assertThat(writer.stdout()).contains("started");
        int records = awaitMoreRecords(0);

        // /b read-only for everybody: UpdateExport, live.
        ExportSpec readOnly = export(101, "b", "/b");
        readOnly.setAccessType(ExportAccess.RO);
        specify(export(100, "a", "/a"), readOnly);
        await().atMost(APPLIED).pollInterval(Duration.ofMillis(200)).until(() -> exportsFile().contains("Access_Type = RO;"));
        assertThat(agent.logContains("export 101: update done")).isTrue();
        Shell.Result refused = inGuest("echo b-2 > /run/b/g 2>&1; echo rc=$?");
        assertThat(refused.stdout()).as("the mounted export is read-only for the client at once")
                .contains("Read-only file system").doesNotContain("rc=0");
        assertThat(inGuest("cat /run/b/f").stdout().strip()).as("and still readable").isEqualTo("b-1");
        records = awaitMoreRecords(records);

        // /b removed: RemoveExport, live; a new mount of it is refused, /a goes on.
        specify(export(100, "a", "/a"));
        await().atMost(APPLIED).pollInterval(Duration.ofMillis(200)).until(() -> !served(101));
        assertThat(inGuest("umount -f /run/b; mkdir -p /run/b2; mount -t nfs4 -o vers=4.1,soft,timeo=50,retrans=1 "
                + NODE_IP + ":/b /run/b2 2>&1; echo rc=$?").stdout()).as("a removed export is refused to a new mount")
                .doesNotContain("rc=0");
        records = awaitMoreRecords(records);

        assertThat(inGuest("touch /run/writer-stop; i=0; while [ ! -e /run/writer-stopped ] && [ $i -lt 50 ]; do sleep 0.1; "
                + "i=$((i+1)); done; ls /run/writer-stopped").exitCode()).isZero();
        assertThat(inGuest("cat /run/write-errors 2>/dev/null").stdout()).as("no write failed").isEmpty();
        List<String> written = inGuest("cat /run/a/log").stdout().lines().toList();
        assertThat(written).as("every record, in order, none lost").hasSizeGreaterThanOrEqualTo(records)
                .isEqualTo(java.util.stream.IntStream.range(0, written.size()).mapToObj(Integer::toString).toList());
        assertThat(served(100)).isTrue();
        assertThat(exportsFile()).contains("Export_Id = 100;").doesNotContain("Export_Id = 101;");
    }

    /** The agent's gauge of a restart pending for the NFSV4 settings, as Prometheus scrapes it. */
    static String restartPending() {
        return AgentHealth.metrics(lab, NODE).lines().filter(l -> l.startsWith(Nfsv4Watch.RESTART_PENDING_METRIC + " "))
                .findFirst().orElse("(no " + Nfsv4Watch.RESTART_PENDING_METRIC + ")");
    }

    /**
     * The cluster's NFSV4 block as the operator renders it reaches ganesha: written beside the
     * exports file by the agent, read by nfsd at its next start (not before: the running nfsd keeps
     * what it started with, and the agent says so), then in force: ganesha's grace lasts the
     * cluster's Grace_Period, and a list setting (Minor_Versions = 1, 2) is obeyed: an NFSv4.0 mount
     * that worked before the restart is refused after it, an NFSv4.1 mount works.
     */
    @Test
    @Order(2)
    void theClustersNfsv4BlockIsWrittenAndTakesEffectAtNfsdsNextStart() throws Exception {
        Nfsv4Spec spec = new Nfsv4Spec();
        spec.setGracePeriodSeconds(31);
        spec.setLeaseLifetimeSeconds(20);
        spec.setServerScope("ganesha-lab");
        spec.setParameters(List.of(new FsalOption("Minor_Versions", "1, 2")));
        String block = Nfsv4Block.render(spec, "client-it", "ExportClientIT");
        Files.writeString(configDir.resolve(HaConfigMap.NFSV4), block);

        Path written = lab.inNode(NODE, "/etc/ganesha/ganesha-ha-nfsv4.conf");
        await().atMost(APPLIED).pollInterval(Duration.ofMillis(300)).until(() -> Files.readString(written).equals(block));
        await().atMost(APPLIED).pollInterval(Duration.ofMillis(300))
                .until(() -> restartPending().equals(Nfsv4Watch.RESTART_PENDING_METRIC + " 1.0"));
        assertThat(agent.logContains("runs with NFSV4 settings other than")).isTrue();
        Shell.Result before = inGuest("mkdir -p /run/v40 && timeout 60 mount -t nfs4 -o vers=4.0 " + NODE_IP
                + ":/a /run/v40 2>&1; echo rc=$?; umount /run/v40 2>/dev/null");
        assertThat(before.stdout()).as("nfsd still runs with what it started with: NFSv4.0 too").contains("rc=0");

        Path log = lab.inNode(NODE, "/var/log/ganesha/ganesha.log");
        long mark = Files.size(log);
        lab.ganesha(NODE, "term");
        lab.ganesha(NODE, "start");
        // ganesha's own account of the grace it entered at start.
        await().atMost(APPLIED).pollInterval(Duration.ofMillis(300)).until(() -> new String(Files.readAllBytes(log),
                java.nio.charset.StandardCharsets.UTF_8).substring((int) mark).contains("NFS Server Now IN GRACE, duration 31"));
        await().atMost(APPLIED).pollInterval(Duration.ofMillis(300))
                .until(() -> restartPending().equals(Nfsv4Watch.RESTART_PENDING_METRIC + " 0.0"));

        Shell.Result v40 = inGuest("timeout 60 mount -t nfs4 -o vers=4.0 " + NODE_IP + ":/a /run/v40 2>&1; echo rc=$?");
        assertThat(v40.stdout()).as("Minor_Versions = 1, 2 is in force: nfsd answers the NFSv4.0 mount with a refusal "
                + "(a mount still waiting after 60 s, rc=124, would say nothing)").doesNotContain("rc=0")
                .doesNotContain("rc=124").containsPattern("rc=\\d+");
        Shell.Result v41 = inGuest("mkdir -p /run/v41 && timeout 60 mount -t nfs4 -o vers=4.1 " + NODE_IP
                + ":/a /run/v41 2>&1; echo rc=$?; ls /run/v41/log >/dev/null && echo listed");
        assertThat(v41.stdout()).contains("rc=0").contains("listed");
    }
}
