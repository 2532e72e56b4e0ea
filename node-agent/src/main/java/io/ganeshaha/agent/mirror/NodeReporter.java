package io.ganeshaha.agent.mirror;

import io.ganeshaha.agent.exports.ExportsReport;
import io.ganeshaha.agent.ganeshaconf.Nfsv4Watch;
import io.ganeshaha.agent.failover.FailoverTimeline;
import io.ganeshaha.agent.failover.LocalAttributes;
import io.ganeshaha.agent.failover.NfsdGrace;
import io.ganeshaha.agent.ocf.OcfParameters;
import io.ganeshaha.agent.pacemaker.Fencing;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.watch.NfsdHealth;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Gathers what this node's agent knows into a {@link NodeReport}, once per mirror tick: nfsd's
 * health, the two attributes from the agent's view of attrd (refreshed every few seconds, so no
 * attrd call here), whether nfsd is in grace (one bounded get_grace call, only while it serves),
 * the cluster's VIPs this host holds, the last failover, and whether Pacemaker fences (from the
 * agent's view of stonith-enabled, read on its own schedule). Never throws: what cannot be read
 * this tick is reported as unknown or unset.
 */
public final class NodeReporter implements Supplier<NodeReport> {

    /** Where each part of the report comes from. */
    public record Sources(Supplier<NfsdHealth> nfsd, Supplier<String> hangDetection, NfsdGrace grace, Duration graceCallTimeout,
            LocalAttributes attributes, Supplier<Optional<OcfParameters.Mon>> mon, BooleanSupplier agentReady,
            Supplier<Optional<FailoverTimeline>> lastFailover, Supplier<Optional<Long>> pacemakerConfigGeneration,
            Supplier<Fencing> fencing, Supplier<Optional<ExportsReport>> exports, Supplier<Optional<Nfsv4Watch.Report>> nfsv4) {}

    private final Sources sources;
    private final HostAddresses addresses;
    private final List<String> virtualIps;

    public NodeReporter(Sources sources, HostAddresses addresses, List<String> virtualIps) {
        this.sources = sources;
        this.addresses = addresses;
        this.virtualIps = List.copyOf(virtualIps);
    }

    @Override
    public NodeReport get() {
        Optional<OcfParameters.Mon> mon = sources.mon().get();
        NfsdHealth health = sources.nfsd().get();
        Optional<Boolean> inGrace = Optional.empty();
        if (health.serving()) {
            try {
                inGrace = Optional.of(sources.grace().inGrace(sources.graceCallTimeout()));
            } catch (NfsdGrace.GraceFailure e) {
                // unknown this tick
            }
        }
        return new NodeReport(health, sources.hangDetection().get(),
                attributeSet(mon.map(OcfParameters.Mon::ganeshaActive).orElse(OcfParameters.DEFAULT_GANESHA_ACTIVE)),
                attributeSet(mon.map(OcfParameters.Mon::graceActive).orElse(OcfParameters.DEFAULT_GRACE_ACTIVE)),
                inGrace, addresses.held(virtualIps), sources.agentReady().getAsBoolean(), sources.lastFailover().get(),
                sources.pacemakerConfigGeneration().get(), sources.fencing().get(), sources.exports().get(),
                sources.nfsv4().get());
    }

    /** Unknown reads as unset. */
    private boolean attributeSet(String name) {
        try {
            return sources.attributes().get(name).isPresent();
        } catch (PacemakerCommandException e) {
            return false;
        }
    }
}
