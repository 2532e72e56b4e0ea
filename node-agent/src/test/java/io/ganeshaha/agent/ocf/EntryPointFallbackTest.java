package io.ganeshaha.agent.ocf;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.testing.ProjectPaths;
import io.ganeshaha.agent.testing.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The OCF entry points with the node agent away (no socket), case by case against the decision the
 * agent makes for the same case: a fallback answers what the agent would have answered, or it is a
 * second contract. Pacemaker's command line tools are stand-ins here (a few lines of sh on PATH:
 * attrd_updater keeps attributes in files, crm_node names the node, dbus-send records the grace
 * calls); the same fallbacks run against the real Pacemaker and ganesha.nfsd in SingleNodeIT.
 */
class EntryPointFallbackTest {

    private static final String NODE = "n1.lab.example";

    @TempDir
    Path dir;
    private Path attrs;
    private Path calls;
    private Process nfsd;

    @BeforeEach
    void standIns() throws IOException {
        attrs = Files.createDirectories(dir.resolve("attrd"));
        calls = dir.resolve("calls");
        Files.writeString(calls, "");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        script(bin.resolve("attrd_updater"), """
                #!/bin/sh
                [ -z "$ATTRD_DOWN" ] || { echo "Could not connect to the CIB manager" >&2; exit 102; }
                while [ $# -gt 0 ]; do
                    case $1 in -n) name=$2; shift ;; -N) node=$2; shift ;; -U) op=U value=$2; shift ;; -Q) op=Q ;; -D) op=D ;; esac
                    shift
                done
                node=${node:-%1$s}
                case $op in
                Q)  [ -e "$ATTRS/$name@$node" ] || { echo "attrd_updater: attribute does not exist" >&2; exit 78; }
                    printf 'name="%%s" host="%%s" value="%%s"\\n' "$name" "$node" "$(cat "$ATTRS/$name@$node")" ;;
                D)  : >"$ATTRS/$name@$node"; echo "attrd_updater -D $name" >>"$CALLS" ;;
                U)  printf '%%s' "$value" >"$ATTRS/$name@$node" ;;
                esac
                """.formatted(NODE));
        script(bin.resolve("crm_node"), """
                #!/bin/sh
                case $1 in
                -l) [ -z "$PCMK_DOWN" ] || exit 102; printf '1 %1$s member\\n2 n2.lab.example lost\\n' ;;
                *)  echo %1$s ;;
                esac
                """.formatted(NODE));
        script(bin.resolve("cibadmin"), """
                #!/bin/sh
                [ -z "$PCMK_DOWN" ] || exit 102
                case "$*" in
                *fencing-topology*) cat "$CIB_DIR/fencing-topology" 2>/dev/null || exit 105 ;;
                *"--scope resources"*) cat "$CIB_DIR/resources" 2>/dev/null || echo '<resources/>' ;;
                *)  echo '<nodes>'
                    echo '  <node id="1" uname="%1$s"/>'
                    echo '  <node id="3" uname="n3.lab.example"/>'
                    echo '</nodes>' ;;
                esac
                """.formatted(NODE));
        script(bin.resolve("dbus-send"), """
                #!/bin/sh
                for a; do last=$a; done
                echo "dbus-send grace ${last#string:}" >>"$CALLS"
                echo '   boolean true'
                """);
    }

    @AfterEach
    void stopNfsd() {
        if (nfsd != null) {
            nfsd.destroyForcibly();
        }
    }

    private static void script(Path path, String text) throws IOException {
        Files.writeString(path, text);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void attribute(String name, String value) throws IOException {
        Files.writeString(attrs.resolve(name + "@" + NODE), value);
    }

    private Optional<String> attribute(String name) throws IOException {
        Path file = attrs.resolve(name + "@" + NODE);
        return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    }

    private void started(String instance, String agent) throws IOException {
        Files.createDirectories(dir.resolve("resources"));
        Files.writeString(dir.resolve("resources").resolve(instance), "ganesha-ha.agent=" + agent + "\n");
    }

    private boolean recorded(String instance) {
        return Files.exists(dir.resolve("resources").resolve(instance));
    }

    private List<String> calls() throws IOException {
        return Files.readAllLines(calls);
    }

    /** Runs an entry point as Pacemaker would, with the agent's socket absent. */
    private Shell.Result run(String agent, String action, String instance, String... env) {
        Map<String, String> vars = new HashMap<>();
        vars.put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
        vars.put("ATTRS", attrs.toString());
        vars.put("CALLS", calls.toString());
        vars.put("GANESHA_HA_RESOURCES_DIR", dir.resolve("resources").toString());
        vars.put("GANESHA_HA_NFS_STATE_DIR", dir.resolve("var-lib-nfs").toString());
        vars.put("OCF_RESOURCE_INSTANCE", instance);
        vars.put("OCF_RESKEY_agent_socket", dir.resolve("no-agent.sock").toString());
        vars.put("OCF_RESKEY_CRM_meta_on_node", NODE);
        vars.put("OCF_RESKEY_CRM_meta_timeout", "4000");
        for (String e : env) {
            vars.put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
        }
        if (!vars.containsKey("ATTRD_DOWN")) {
            vars.remove("ATTRD_DOWN");
        }
        List<String> argv = new ArrayList<>(List.of("env", "-i"));
        vars.forEach((k, v) -> argv.add(k + "=" + v));
        argv.addAll(List.of("sh", ProjectPaths.ocfDir().resolve(agent).toString(), action));
        return Shell.run(argv, Duration.ofSeconds(30));
    }

    /** "-" is an attribute never set here, "" one deleted (attrd_updater -D leaves it empty). */
    @ParameterizedTest(name = "grace-active {0}, started {1}: monitor as the agent answers")
    @CsvSource({"1, true", "0, true", "'', true", "-, true", "1, false", "-, false"})
    void graceMonitorAnswersAsTheAgent(String value, boolean started) throws IOException {
        if (!value.equals("-")) {
            attribute("grace-active", value);
        }
        if (started) {
            started("nfs-grace:0", "ganesha_grace");
        }
        // the first look at an attribute that is gone: as the agent's, just gone
        int agent = GraceDecisions.monitor(started, started && value.equals("1"), Optional.of(Duration.ZERO)).code();

        Shell.Result r = run("ganesha_grace", "monitor", "nfs-grace:0");

        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(agent);
    }

    @Test
    void graceMonitorSaysNotRunningOnceTheAttributeHasBeenGoneLongerThanTheAgentWaits() throws IOException {
        attribute("grace-active", "");
        started("nfs-grace:0", "ganesha_grace");
        assertThat(run("ganesha_grace", "monitor", "nfs-grace:0").exitCode()).as("just gone: the stop is coming")
                .isZero();
        // When the fallback first saw it gone, in /proc/uptime milliseconds: as long ago as the agent waits.
        long uptimeMs = (long) (Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]) * 1000);
        Files.writeString(dir.resolve("resources/.grace-gone-nfs-grace:0"),
                Long.toString(uptimeMs - GraceDecisions.STOP_PENDING.toMillis() - 1000) + "\n");

        Shell.Result r = run("ganesha_grace", "monitor", "nfs-grace:0");

        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(GraceDecisions.monitor(true, false).code());
        attribute("grace-active", "1");
        assertThat(run("ganesha_grace", "monitor", "nfs-grace:0").exitCode()).isZero();
        assertThat(dir.resolve("resources/.grace-gone-nfs-grace:0")).as("forgotten once it is back").doesNotExist();
    }

    @ParameterizedTest(name = "grace-active {0}: start as the agent answers when nfsd does not serve")
    @CsvSource({"1", "0", "''", "-"})
    void graceStartAnswersAsTheAgent(String value) throws IOException {
        if (!value.equals("-")) {
            attribute("grace-active", value);
        }
        GraceDecisions.Start agent = GraceDecisions.start(value.equals("1"), false, false);

        Shell.Result r = run("ganesha_grace", "start", "nfs-grace:0");

        assertThat(r.exitCode()).as(r.stderr())
                .isEqualTo(agent == GraceDecisions.Start.SUCCESS ? 0 : OcfExitCode.NOT_RUNNING.code());
        assertThat(recorded("nfs-grace:0")).as("the next monitor agrees").isEqualTo(agent == GraceDecisions.Start.SUCCESS);
    }

    @Test
    void pacemakerUnreachableIsAFailureNamingIt() throws IOException {
        started("nfs-grace:0", "ganesha_grace");
        Shell.Result r = run("ganesha_grace", "monitor", "nfs-grace:0", "ATTRD_DOWN=1");
        assertThat(r.exitCode()).isEqualTo(OcfExitCode.ERR_GENERIC.code());
        assertThat(r.stderr()).contains("ocf-exit-reason:cannot query grace-active").contains("Could not connect");
    }

    @ParameterizedTest(name = "{0}-{1} listing [{2}] on " + NODE)
    @CsvSource({"post, stop, n2 n2 n1.lab.example n3", "pre, start, n2", "post, start, n2"})
    void notifyMakesTheAgentsGraceCalls(String type, String operation, String nodes) throws IOException {
        Shell.Result r = run("ganesha_grace", "notify", "nfs-grace:0", "OCF_RESKEY_CRM_meta_notify_type=" + type,
                "OCF_RESKEY_CRM_meta_notify_operation=" + operation,
                "OCF_RESKEY_CRM_meta_notify_" + operation + "_uname=" + nodes);
        NotifyEvent event = new NotifyEvent(type, operation, operation.equals("stop") ? List.of(nodes.split(" ")) : List.of(),
                operation.equals("start") ? List.of(nodes.split(" ")) : List.of(), List.of(), List.of());
        List<String> agent = event.graceCalls(NODE).stream().distinct()
                .map(c -> "dbus-send grace " + c.event() + ":" + c.peer()).toList();

        assertThat(r.exitCode()).isZero();
        assertThat(calls()).isEqualTo(agent);
    }

    @Test
    void monWithNfsdAliveLeavesTheAttributesAlone() throws Exception {
        Path fake = dir.resolve("ganesha.nfsd");
        Files.copy(Path.of("/bin/sleep"), fake);
        nfsd = new ProcessBuilder(fake.toString(), "60").start();
        Files.writeString(dir.resolve("ganesha.pid"), nfsd.pid() + "\n");
        started("nfs-mon:0", "ganesha_mon");
        attribute("grace-active", "1");
        attribute("ganesha-active", "1");

        Shell.Result r = run("ganesha_mon", "monitor", "nfs-mon:0", "OCF_RESKEY_pid_file=" + dir.resolve("ganesha.pid"));

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(calls()).as("an agent restart moves no VIP").isEmpty();
    }

    @Test
    void monWithNfsdGoneDeletesGraceActiveThenGaneshaActive() throws Exception {
        started("nfs-mon:0", "ganesha_mon");
        attribute("grace-active", "1");
        attribute("ganesha-active", "1");

        Shell.Result r = run("ganesha_mon", "monitor", "nfs-mon:0", "OCF_RESKEY_pid_file=" + dir.resolve("no.pid"),
                "OCF_RESKEY_grace_delay=1");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(calls()).containsExactly("attrd_updater -D grace-active", "attrd_updater -D ganesha-active");
        assertThat(attribute("ganesha-active")).contains("");
    }

    @Test
    void aMonPacemakerDidNotStartIsNotRunning() {
        assertThat(run("ganesha_mon", "monitor", "nfs-mon:0").exitCode()).isEqualTo(OcfExitCode.NOT_RUNNING.code());
    }

    @Test
    void takeoverAwayFromHomeEntersGraceForTheHomeNodeAndRecordsItsStart() throws IOException {
        assertThat(run("ganesha_takeover", "start", "n2-takeover", "OCF_RESKEY_home_node=n2").exitCode()).isZero();
        assertThat(calls()).containsExactly("dbus-send grace 5:n2");
        assertThat(run("ganesha_takeover", "monitor", "n2-takeover", "OCF_RESKEY_home_node=n2").exitCode()).isZero();
        assertThat(run("ganesha_takeover", "stop", "n2-takeover", "OCF_RESKEY_home_node=n2").exitCode()).isZero();
        assertThat(run("ganesha_takeover", "monitor", "n2-takeover", "OCF_RESKEY_home_node=n2").exitCode())
                .isEqualTo(OcfExitCode.NOT_RUNNING.code());

        assertThat(run("ganesha_takeover", "start", NODE + "-takeover", "OCF_RESKEY_home_node=" + NODE).exitCode())
                .isZero();
        assertThat(calls()).as("at home, nothing to take over").hasSize(1);
    }

    /** Runs fence_ganesha_grace as Pacemaker's fencer does: its arguments on stdin. */
    private Shell.Result fence(String stdin) throws IOException {
        Path input = dir.resolve("fence-stdin");
        Files.writeString(input, stdin);
        List<String> argv = new ArrayList<>(List.of("env", "-i", "PATH=" + dir.resolve("bin") + ":/usr/bin:/bin",
                "CALLS=" + calls, "CIB_DIR=" + dir, "GANESHA_HA_OCF_DIR=" + ProjectPaths.ocfDir(), "sh", "-c",
                "exec sh \"$0\" <\"$1\"",
                ProjectPaths.ocfDir().resolve("fence_ganesha_grace").toString(), input.toString()));
        return Shell.run(argv, Duration.ofSeconds(30));
    }

    /** The CIB's fence devices (this one as ganesha-grace) and its fencing levels. */
    private void fencing(String... levels) throws IOException {
        Files.writeString(dir.resolve("resources"), """
                <resources>
                  <primitive id="ipmi-n2" class="stonith" type="fence_ipmilan"/>
                  <primitive id="ganesha-grace" class="stonith" type="fence_ganesha_grace">
                    <instance_attributes id="ganesha-grace-ia"/>
                  </primitive>
                </resources>
                """);
        Files.writeString(dir.resolve("fencing-topology"), "<fencing-topology>\n" + String.join("\n", levels)
                + "\n</fencing-topology>\n");
    }

    /** As production has it: the grace device, then the power device. */
    private void graceThenPower() throws IOException {
        fencing("  <fencing-level id=\"fl-n2\" target=\"n2.lab.example\" index=\"1\" devices=\"ganesha-grace,ipmi-n2\"/>");
    }

    /**
     * The device fences nothing: it must never count as a fence by itself, which it would for a
     * node whose levels do not go on from it to another device (or that has none: Pacemaker then
     * takes any device that says it can fence the node).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "alone in the level                 | target=\"n2.lab.example\" index=\"1\" devices=\"ganesha-grace\"          | 1",
        "after the power device             | target=\"n2.lab.example\" index=\"1\" devices=\"ipmi-n2,ganesha-grace\"  | 1",
        "only in another node's level       | target=\"n3.lab.example\" index=\"1\" devices=\"ganesha-grace,ipmi-n2\"  | 1",
        "before the power device            | target=\"n2.lab.example\" index=\"1\" devices=\"ganesha-grace,ipmi-n2\"  | 0",
        "in a level naming nodes by pattern | target-pattern=\"n[0-9]+[.]lab\" index=\"1\" devices=\"ganesha-grace,ipmi-n2\" | 0",
    })
    void theFenceDeviceCountsOnlyBeforeAnotherDeviceOfTheNodesLevel(String what, String level, int expected)
            throws IOException {
        fencing("  <fencing-level id=\"fl\" " + level.strip() + "/>");
        Shell.Result r = fence("action=off\nnodename=n2.lab.example\nagent_socket=" + dir.resolve("no-agent.sock") + "\n");
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(expected);
        if (expected != 0) {
            assertThat(r.stderr()).contains("refusing to count as a fence of n2.lab.example");
            assertThat(calls()).as("no grace call either").isEmpty();
        }
    }

    @Test
    void withNoFencingLevelAtAllTheFenceDeviceRefuses() throws IOException {
        Shell.Result r = fence("action=off\nnodename=n2.lab.example\n");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("no fencing level of n2.lab.example lists this device before another one");
    }

    @Test
    void theFenceDeviceDescribesItselfToTheFencer() throws Exception {
        Shell.Result r = fence("action=metadata\n");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        var root = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(r.stdout().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .getDocumentElement();
        assertThat(root.getAttribute("name")).isEqualTo("fence_ganesha_grace");
        assertThat(root.getElementsByTagName("action").getLength()).isEqualTo(6);
        for (String action : List.of("monitor", "status", "on")) {
            assertThat(fence("action=" + action + "\nnodename=n2\n").exitCode()).as(action).isZero();
        }
        assertThat(calls()).as("nothing to switch").isEmpty();
    }

    @Test
    void withoutTheAgentTheFenceDevicePutsTheLocalNfsdInGraceAndLetsTheLevelGoOn() throws IOException {
        graceThenPower();
        Shell.Result r = fence("action=off\nnodename=n2.lab.example\nport=n2.lab.example\nagent_socket="
                + dir.resolve("no-agent.sock") + "\n");
        assertThat(r.exitCode()).as("the power device must still run: %s", r.stderr()).isZero();
        assertThat(calls()).containsExactly("dbus-send grace 5:n2.lab.example");
        assertThat(r.stderr()).contains("the agent did not answer").contains("only the local nfsd");
    }

    /** What the fence device sends the agent is a request the agent parses: the takeover gate's "fence". */
    @Test
    void theFenceDeviceAsksTheAgentForTheTakeoverGateOfTheNodeFenced() throws Exception {
        graceThenPower();
        Path socket = dir.resolve("agent.sock");
        List<OcfRequest> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.ganeshaha.agent.server.OcfSocketServer agent = new io.ganeshaha.agent.server.OcfSocketServer(socket, lines -> {
            try {
                asked.add(OcfRequest.parse(lines));
            } catch (OcfProtocolException e) {
                return OcfResponse.of(OcfExitCode.ERR_GENERIC, e.getMessage());
            }
            return OcfResponse.of(OcfExitCode.SUCCESS).withLog(List.of("before fencing n2.lab.example: every serving peer"));
        }, 1, Duration.ofSeconds(5));
        agent.start();
        try {
            Shell.Result r = fence("action=reboot\nnodename=n2.lab.example\nport=n2.lab.example\nagent_socket=" + socket + "\n");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(asked).singleElement().satisfies(request -> {
                assertThat(request.agent()).isEqualTo(OcfAgent.TAKEOVER);
                assertThat(request.action()).isEqualTo("fence");
                assertThat(request.parameter("home_node")).contains("n2.lab.example");
            });
            assertThat(r.stderr()).contains("agent: before fencing n2.lab.example").doesNotContain("fallback");
            assertThat(calls()).as("the agent made the calls, not the fallback").isEmpty();
        } finally {
            agent.close();
        }
    }

    @Test
    void aFenceWithoutANodeOrWithAnUnknownActionFailsNamingIt() throws IOException {
        Shell.Result noNode = fence("action=reboot\n");
        assertThat(noNode.exitCode()).isEqualTo(1);
        assertThat(noNode.stderr()).contains("no node to fence");
        Shell.Result unknown = fence("action=explode\nport=n2\n");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("no action 'explode'");
        assertThat(calls()).isEmpty();
    }

    @Test
    void nfsdStopRestoresTheHostDirectoryAndStartNeedsTheAgent() throws IOException {
        Path stateDir = dir.resolve("var-lib-nfs");
        Path backup = dir.resolve("var-lib-nfs.backup");
        Files.createDirectories(backup);
        Files.writeString(backup.resolve("host-state"), "kept");
        Files.createSymbolicLink(stateDir, Files.createDirectories(dir.resolve("shared/nfs-ganesha/n1/nfs")));
        assertThat(run("ganesha_nfsd", "monitor", "nfs_setup:0").exitCode()).isZero();

        Shell.Result stop = run("ganesha_nfsd", "stop", "nfs_setup:0", "OCF_RESKEY_ha_vol_mnt=" + dir.resolve("shared"),
                "OCF_RESKEY_CRM_meta_timeout=30000");

        assertThat(stop.exitCode()).as("a failed stop would fence the node").isZero();
        assertThat(stop.elapsed()).as("no waiting for an agent that is gone (a 30 s stop timeout)")
                .isLessThan(Duration.ofSeconds(10));
        assertThat(stateDir.resolve("host-state")).hasContent("kept");
        assertThat(run("ganesha_nfsd", "monitor", "nfs_setup:0").exitCode()).isEqualTo(OcfExitCode.NOT_RUNNING.code());
        Shell.Result start = run("ganesha_nfsd", "start", "nfs_setup:0", "OCF_RESKEY_ha_vol_mnt=" + dir.resolve("shared"));
        assertThat(start.exitCode()).isEqualTo(OcfExitCode.ERR_GENERIC.code());
        assertThat(start.stderr()).contains("ocf-exit-reason:cannot start: node agent unreachable");
        assertThat(Files.isSymbolicLink(stateDir)).as("only the agent links the tree").isFalse();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "ganesha_mon   | OCF_RESKEY_grace_delay=soon       | grace_delay",
        "ganesha_mon   | OCF_RESKEY_ganesha_active=a b     | ganesha_active",
        "ganesha_grace | OCF_RESKEY_grace_active=x;y       | grace_active",
        "ganesha_nfsd  | OCF_RESKEY_ha_vol_mnt=relative    | ha_vol_mnt",
        "ganesha_takeover | OCF_RESKEY_home_node=          | home_node",
    })
    void badParametersAreConfigurationErrorsNamingThem(String agent, String env, String parameter) {
        Shell.Result r = run(agent, "validate-all", "x", env.strip());
        assertThat(r.exitCode()).isEqualTo(OcfExitCode.ERR_CONFIGURED.code());
        assertThat(r.stderr()).contains("ocf-exit-reason:parameter " + parameter);
    }

    // ---------------------------------------------------------------- validate-all, answered by the entry points

    @ParameterizedTest(name = "home_node {0}: {1}")
    @CsvSource({"n1.lab.example, 0", "n2.lab.example, 0", "n3.lab.example, 0", "nfs-8.lab.example, 6", "n1, 6"})
    void takeoverValidateAllWantsAHomeNodeThePacemakerClusterKnows(String home, int expected) {
        Shell.Result r = run("ganesha_takeover", "validate-all", "g-takeover", "OCF_RESKEY_home_node=" + home);
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(expected);
        if (expected != 0) {
            assertThat(r.stderr()).contains("ocf-exit-reason:parameter home_node='" + home
                    + "' is not a node of this cluster (nodes: n1.lab.example n2.lab.example)");
        }
    }

    @Test
    void takeoverValidateAllWithPacemakerAwayLetsTheHomeNodePassAndSaysSo() {
        Shell.Result r = run("ganesha_takeover", "validate-all", "g-takeover", "OCF_RESKEY_home_node=nfs-8.lab.example",
                "PCMK_DOWN=1");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).contains("cannot list the cluster's nodes").contains("not checked");
    }

    @Test
    void nfsdValidateAllWantsTheSharedStorageMounted() throws IOException {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        assertThat(run("ganesha_nfsd", "validate-all", "nfs_setup:0", "OCF_RESKEY_ha_vol_mnt=" + shared).exitCode())
                .isZero();
        Path missing = dir.resolve("not-mounted");
        Shell.Result r = run("ganesha_nfsd", "validate-all", "nfs_setup:0", "OCF_RESKEY_ha_vol_mnt=" + missing);
        assertThat(r.exitCode()).as("not installed here: Pacemaker bans this node, not the resource")
                .isEqualTo(OcfExitCode.ERR_INSTALLED.code());
        assertThat(r.stderr()).contains("ocf-exit-reason:parameter ha_vol_mnt='" + missing + "' is not a directory");
    }
}
