package io.ganeshaha.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ganeshaha.cib.CibRenderer;
import io.ganeshaha.cib.HaCluster;
import io.ganeshaha.cib.TakeoverOrder;
import io.ganeshaha.cib.Member;
import io.ganeshaha.cib.VirtualIp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A three-node lab with the GlusterFS layout, a node agent per node and a virtual IP per node,
 * named as FQDNs with '-' and '.' (short names against FQDNs broke GlusterFS's agents). Shared by the end-to-end failover tests and
 * the failover benchmark.
 */
public final class ThreeNodeLab implements AutoCloseable {

    public static final List<String> NODES = List.of("nfs-1.lab.example", "nfs-2.lab.example", "nfs-3.lab.example");
    public static final Duration GRACE_DELAY = Duration.ofSeconds(5);
    /**
     * GlusterFS's pid file, not ganesha 4's default: the one source of truth (spec.ganesha.pidFile)
     * reaches ganesha, the agents and the entry points' fallback (pid_file in the CIB) alike.
     */
    public static final String PID_FILE = "/var/run/ganesha.pid";

    public final Lab lab;
    public final ClusterView cluster;
    public final Map<String, AgentProcess> agents = new LinkedHashMap<>();
    public final Map<String, NodeProbe> probes = new LinkedHashMap<>();
    public final Map<String, String> homeVip = new LinkedHashMap<>();
    public final Failover failover;
    private final Path work;

    public ThreeNodeLab(Path work) throws Exception {
        this(work, List.of());
    }

    /** @param labOptions more of {@code ganesha-lab up}'s options ({@code --nfsv3}) */
    public ThreeNodeLab(Path work, List<String> labOptions) throws Exception {
        this.work = work;
        Files.createDirectories(work);
        for (int i = 0; i < NODES.size(); i++) {
            homeVip.put(NODES.get(i), "198.18.0." + (101 + i));
        }
        lab = Lab.up(work.resolve("lab"), NODES, PID_FILE, Lab.ProviderDirs.SOURCE_TREE, labOptions);
        try {
            for (String node : NODES) {
                agents.put(node, newAgent(node).start());
                probes.put(node, new NodeProbe(lab, node));
            }
            cluster = new ClusterView(lab, NODES.get(0));
            List<Member> members = new ArrayList<>();
            homeVip.forEach((node, vip) -> members.add(new Member(node, List.of(new VirtualIp(vip, 24, Optional.of("eth0"))))));
            HaCluster ha = new HaCluster("ganesha-ha", "/var/run/gluster/shared_storage", GRACE_DELAY, members,
                    TakeoverOrder.PRECEDING, Optional.of(PID_FILE));
            cluster.replaceResourcesAndConstraints(CibRenderer.resources(ha), CibRenderer.constraints(ha));
            failover = new Failover(probes, homeVip);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    public AgentProcess newAgent(String node) {
        return new AgentProcess(lab, node, work.resolve("agent-" + node + ".log"),
                List.of("ganesha-ha.agent.pid-file=" + PID_FILE));
    }

    private boolean fencing;

    /**
     * Fencing as production has it (the lab's {@code fencing on}): every node's level is
     * fence_ganesha_grace, then the lab's power switch. Once per lab.
     */
    public synchronized void fencingOn() {
        if (!fencing) {
            Shell.run(List.of(lab.script(), "fencing", "--dir", lab.dir().toString(), "on"), Duration.ofMinutes(2))
                    .orFail("ganesha-lab fencing on");
            fencing = true;
        }
    }

    /** The node's cable: pulled ({@code down}) or plugged back ({@code up}). */
    public void link(String node, String state) {
        Shell.run(List.of(lab.script(), "link", "--dir", lab.dir().toString(), node, state), Duration.ofSeconds(30))
                .orFail("ganesha-lab link " + state + " on " + node);
    }

    /**
     * Boots a node the fencer powered off: corosync, Pacemaker and ganesha.nfsd (the lab's
     * {@code power on}), then its node agent, as the kubelet starts a DaemonSet pod after a boot.
     */
    public void powerOn(String node) {
        Shell.run(List.of(lab.script(), "power", "--dir", lab.dir().toString(), node, "on"), Duration.ofMinutes(1))
                .orFail("ganesha-lab power on " + node);
        agents.remove(node).close();
        agents.put(node, newAgent(node).start());
    }

    /** Every node serving, every VIP at home, every grace instance started. */
    public void awaitHealthy(Duration timeout) {
        try {
            awaitHealthyOrTimeout(timeout);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // What Pacemaker made of the start: attributes, fail counts, failed actions and why.
            throw new AssertionError("the lab did not become healthy within " + timeout + "; Pacemaker says:\n"
                    + cluster.describe(), e);
        }
    }

    private void awaitHealthyOrTimeout(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Map<String, String> ganeshaActive = cluster.attribute("ganesha-active");
            Map<String, String> graceActive = cluster.attribute("grace-active");
            for (String node : NODES) {
                assertThat(ganeshaActive).containsEntry(node, "1");
                assertThat(graceActive).containsEntry(node, "1");
                assertThat(probes.get(node).holds(homeVip.get(node))).as(homeVip.get(node) + " home on " + node).isTrue();
            }
            assertThat(cluster.startedOn("nfs-grace")).containsExactlyInAnyOrderElementsOf(NODES);
        });
    }

    /** Survivors must leave grace before a measurement, or "entered grace" cannot be seen. */
    public void awaitNoneInGrace(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(200))
                .until(() -> probes.values().stream().noneMatch(NodeProbe::inGrace));
    }

    @Override
    public void close() {
        probes.values().forEach(NodeProbe::close);
        agents.values().forEach(AgentProcess::close);
        lab.close();
    }
}
