package io.ganeshaha.operator.status;

import io.ganeshaha.api.v1alpha1.FailoverRecord;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaNode;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.api.v1alpha1.NodeObservation;
import io.ganeshaha.api.v1alpha1.NodeExports;
import io.ganeshaha.api.v1alpha1.NodeStatus;
import io.ganeshaha.api.v1alpha1.VirtualIpSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The cluster as its node agents report it, folded from the members' GaneshaNode objects: which
 * node serves, which has failed, where every virtual IP is, whether a failover is under way. Pure:
 * the same reports and clock give the same verdict.
 *
 * <p>A report older than {@code staleAfter} is an agent that stopped reporting: its node counts as
 * not ready, and the VIPs it last claimed are not trusted.
 */
public final class ClusterHealth {

    /** One member as reported. */
    public record Member(MemberNode spec, Optional<NodeObservation> report, boolean fresh, Optional<Instant> seen) {

        String name() {
            return spec.getName();
        }

        boolean reported() {
            return report.isPresent();
        }

        /** nfsd serving and ganesha-active set, as the agent last saw it recently. */
        boolean serving() {
            return fresh && report.map(r -> "SERVING".equals(r.getNfsd()) && Boolean.TRUE.equals(r.getGaneshaActive())
                    && Boolean.TRUE.equals(r.getAgentReady())).orElse(false);
        }

        /** The agent says nfsd is not serving (or an attribute is gone): this node is failing or failed. */
        boolean failed() {
            return fresh && report.map(ClusterHealth::reportsFailure).orElse(false);
        }

        /** grace-active gone, ganesha-active still set: the survivors are being put in grace. */
        boolean awaitingGrace() {
            return fresh && report.map(r -> !Boolean.TRUE.equals(r.getGraceActive())
                    && Boolean.TRUE.equals(r.getGaneshaActive())).orElse(false);
        }

        List<String> heldVips() {
            return fresh ? report.map(NodeObservation::getVirtualIps).orElse(List.of()) : List.of();
        }
    }

    private final List<Member> members;

    /** A report saying nfsd does not serve there, or that an attribute is gone: failing or failed. */
    public static boolean reportsFailure(NodeObservation report) {
        return !"SERVING".equals(report.getNfsd()) || !Boolean.TRUE.equals(report.getGaneshaActive())
                || !Boolean.TRUE.equals(report.getGraceActive());
    }

    private ClusterHealth(List<Member> members) {
        this.members = members;
    }

    public static ClusterHealth of(GaneshaCluster cluster, Map<String, GaneshaNode> reportsByNodeName, Instant now,
            Duration staleAfter) {
        List<Member> members = new ArrayList<>();
        for (MemberNode node : cluster.getSpec().getNodes()) {
            Optional<NodeObservation> report = Optional.ofNullable(reportsByNodeName.get(node.getName()))
                    .map(GaneshaNode::getStatus);
            Optional<Instant> seen = report.flatMap(r -> instant(r.getLastSeen()));
            boolean fresh = seen.map(at -> !at.plus(staleAfter).isBefore(now)).orElse(false);
            members.add(new Member(node, report, fresh, seen));
        }
        return new ClusterHealth(members);
    }

    private static Optional<Instant> instant(String text) {
        try {
            return text == null ? Optional.empty() : Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    public List<NodeStatus> nodeStatuses() {
        List<NodeStatus> out = new ArrayList<>();
        for (Member m : members) {
            NodeStatus s = new NodeStatus();
            s.setName(m.name());
            s.setPacemakerName(m.spec().pacemakerNameOrDefault());
            m.report().ifPresent(r -> {
                s.setNfsd(r.getNfsd());
                s.setGaneshaActive(r.getGaneshaActive());
                s.setGraceActive(r.getGraceActive());
                s.setInGrace(r.getInGrace());
                s.setVirtualIps(r.getVirtualIps() == null ? new ArrayList<>() : new ArrayList<>(r.getVirtualIps()));
                s.setLastSeen(r.getLastSeen());
                s.setLastFailover(r.getLastFailover());
                s.setPacemakerConfigGeneration(r.getPacemakerConfigGeneration());
                s.setFencing(r.getFencing());
                s.setExports(r.getExports());
                s.setServerScope(r.getServerScope());
            });
            s.setAgentReady(m.fresh() && m.report().map(r -> Boolean.TRUE.equals(r.getAgentReady())).orElse(false));
            out.add(s);
        }
        return out;
    }

    /** "2/3": members serving with a live agent, of all members. */
    public String readyNodes() {
        return members.stream().filter(Member::serving).count() + "/" + members.size();
    }

    /**
     * Every VIP of the spec, in spec order, with the members that hold it now. Two reports can
     * claim one VIP when it moved: a node that died still has its last report (until it goes
     * stale) while the taker reports the VIP. The newest report wins; claims within
     * {@link #SAME_MOMENT} of it count too, so a VIP really up on two hosts shows as such.
     */
    public Map<String, List<String>> placement() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Member home : members) {
            for (VirtualIpSpec vip : home.spec().getVirtualIps()) {
                List<Member> claims = members.stream().filter(m -> m.heldVips().contains(vip.getAddress())).toList();
                Instant newest = claims.stream().map(m -> m.seen().orElse(Instant.MIN)).max(Instant::compareTo)
                        .orElse(Instant.MIN);
                out.put(vip.getAddress(), claims.stream()
                        .filter(m -> !m.seen().orElse(Instant.MIN).isBefore(newest.minus(SAME_MOMENT)))
                        .map(Member::name).toList());
            }
        }
        return out;
    }

    /** Reports this close together describe the same moment. */
    static final Duration SAME_MOMENT = Duration.ofSeconds(5);

    /** "192.0.2.11=nfs-1,192.0.2.12=nfs-1": where each VIP is; "none" while nobody holds it. */
    public String placementSummary() {
        return placement().entrySet().stream()
                .map(e -> e.getKey() + "=" + (e.getValue().isEmpty() ? "none" : String.join("+", e.getValue())))
                .collect(Collectors.joining(","));
    }

    /** VIPs held by no member serving NFS (nobody, or only a failed node). */
    public List<String> unservedVips() {
        List<String> out = new ArrayList<>();
        placement().forEach((vip, holders) -> {
            boolean served = holders.size() == 1 && members.stream()
                    .anyMatch(m -> m.name().equals(holders.get(0)) && m.serving());
            if (!served) {
                out.add(vip);
            }
        });
        return out;
    }

    public List<String> notReported() {
        return members.stream().filter(m -> !m.reported()).map(Member::name).toList();
    }

    public List<String> stale() {
        return members.stream().filter(m -> m.reported() && !m.fresh()).map(Member::name).toList();
    }

    public List<String> failed() {
        return members.stream().filter(Member::failed).map(Member::name).toList();
    }

    public List<String> awaitingGrace() {
        return members.stream().filter(Member::awaitingGrace).map(Member::name).toList();
    }

    /** Members whose agent says nfsd failed, and members whose agent went silent (a lost node). */
    public List<String> failedOrSilent() {
        List<String> out = new java.util.ArrayList<>(failed());
        out.addAll(stale());
        return out;
    }

    /** A failover or fail-back is under way: a node is in its grace window, or a VIP is unserved. */
    public boolean failoverInProgress() {
        return !awaitingGrace().isEmpty() || (!failedOrSilent().isEmpty() && !unservedVips().isEmpty());
    }

    /** The generation the CIB was configured from, as the freshest agents read it. */
    public Optional<Long> pacemakerConfigGeneration() {
        return members.stream().filter(Member::fresh).map(Member::report).flatMap(Optional::stream)
                .map(NodeObservation::getPacemakerConfigGeneration).filter(g -> g != null).max(Long::compare);
    }

    /**
     * Members whose agent recently read {@code stonith-enabled} as {@code fencing} (one of
     * NodeObservation's FENCING_ words). The property is one for the whole cluster, so any fresh
     * report speaks for all; two that differ saw it change.
     */
    public List<String> reportingFencing(String fencing) {
        return members.stream().filter(m -> m.fresh() && m.report().map(r -> fencing.equals(r.getFencing())).orElse(false))
                .map(Member::name).toList();
    }

    /**
     * Members whose agent reports that ganesha refused some of the cluster's exports, with what it
     * said, one entry a node ("nfs-2: export 4: ...").
     */
    public List<String> exportRefusals() {
        List<String> out = new ArrayList<>();
        for (Member m : members) {
            if (!m.fresh()) {
                continue;
            }
            m.report().map(NodeObservation::getExports).filter(e -> e.getRefused() != null && !e.getRefused().isEmpty())
                    .ifPresent(e -> out.add(m.name() + ": " + e.getRefused().stream()
                            .map(r -> "export " + r.getExportId() + ": " + r.getMessage()).collect(Collectors.joining("; "))));
        }
        return out;
    }

    /** Members whose ganesha does not serve the exports of {@code generation} yet, with why when known. */
    public List<String> exportsBehind(long generation) {
        List<String> out = new ArrayList<>();
        for (Member m : members) {
            NodeExports e = m.report().map(NodeObservation::getExports).orElse(null);
            if (m.report().isPresent() && !m.fresh()) {
                out.add(m.name() + " (its agent stopped reporting)");
            } else if (e == null) {
                out.add(m.name() + " (no report of its exports)");
            } else if (e.getAppliedGeneration() == null || e.getAppliedGeneration() < generation) {
                out.add(m.name() + (e.getPending() != null ? " (" + e.getPending() + ")"
                        : e.getDesiredGeneration() == null || e.getDesiredGeneration() < generation
                                ? " (its agent has not read generation " + generation + " yet)" : ""));
            }
        }
        return out;
    }

    /**
     * What is wrong with the members' NFSv4 server scopes, empty if nothing: a member whose
     * configuration sets none, or two that set different ones ("a=x, b=y"). Only fresh reports
     * that could read it count.
     */
    public Optional<String> serverScopeProblem() {
        Map<String, String> scopes = new java.util.TreeMap<>();
        members.stream().filter(Member::fresh).forEach(m -> m.report().map(NodeObservation::getServerScope)
                .ifPresent(scope -> scopes.put(m.name(), scope)));
        boolean unset = scopes.containsValue(NodeObservation.SERVER_SCOPE_NONE);
        if (!unset && new java.util.HashSet<>(scopes.values()).size() <= 1) {
            return Optional.empty();
        }
        return Optional.of(scopes.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ")));
    }

    /**
     * One member's NFSV4 settings as its agent read them from ganesha.conf.
     *
     * @param restartPending its nfsd started with other settings than these
     */
    public record Nfsv4Observed(String node, String serverScope, int gracePeriodSeconds, int leaseLifetimeSeconds,
            boolean restartPending) {

        /** "Grace_Period 90, Lease_Lifetime 60, Server_Scope x". */
        public String describe() {
            return "Grace_Period " + gracePeriodSeconds + ", Lease_Lifetime " + leaseLifetimeSeconds + ", Server_Scope "
                    + serverScope;
        }
    }

    /** The NFSV4 settings of the members with a fresh report that holds them, by name. */
    public List<Nfsv4Observed> nfsv4Settings() {
        List<Nfsv4Observed> out = new ArrayList<>();
        for (Member m : members) {
            m.report().filter(r -> m.fresh() && r.getServerScope() != null && r.getGracePeriodSeconds() != null
                    && r.getLeaseLifetimeSeconds() != null).ifPresent(r -> out.add(new Nfsv4Observed(m.name(),
                            r.getServerScope(), r.getGracePeriodSeconds(), r.getLeaseLifetimeSeconds(),
                            Boolean.TRUE.equals(r.getNfsv4RestartPending()))));
        }
        out.sort(Comparator.comparing(Nfsv4Observed::node));
        return out;
    }

    /** Members whose fresh report holds no NFSV4 settings (silent, or an agent older than them). */
    public List<String> nfsv4NotReported() {
        java.util.Set<String> reported = nfsv4Settings().stream().map(Nfsv4Observed::node)
                .collect(Collectors.toSet());
        return members.stream().map(Member::name).filter(n -> !reported.contains(n)).sorted().toList();
    }

    /** "3/3": members whose ganesha serves the exports of {@code generation}, of all members. */
    public String exportsApplied(long generation) {
        return (members.size() - exportsBehind(generation).size()) + "/" + members.size();
    }

    /** The most recent failover or fail-back any member recorded. */
    public Optional<FailoverRecord> lastFailover() {
        return members.stream().map(Member::report).flatMap(Optional::stream)
                .map(NodeObservation::getLastFailover).filter(f -> f != null && f.getDetected() != null)
                .max(Comparator.comparing(f -> instant(f.getDetected()).orElse(Instant.MIN)));
    }
}
