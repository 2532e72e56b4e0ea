package io.ganeshaha.agent.mirror;

import io.ganeshaha.agent.exports.ExportsReport;
import io.ganeshaha.agent.failover.FailoverTimeline;
import io.ganeshaha.agent.ganeshaconf.Nfsv4Watch;
import io.ganeshaha.agent.pacemaker.Fencing;
import io.ganeshaha.agent.watch.NfsdHealth;
import java.util.List;
import java.util.Optional;

/**
 * What this node's agent knows about its host at one moment, as it will be mirrored into the
 * node's GaneshaNode status. A value: two equal reports mean there is nothing new to write.
 *
 * @param hangDetection whether a hung nfsd can be told, and how (see NfsdHealthTracker)
 * @param inGrace empty when it could not be asked (nfsd not serving, bus down)
 * @param virtualIps the cluster's virtual IPs that are addresses of this host now, sorted
 * @param pacemakerConfigGeneration the GaneshaCluster generation the CIB was configured from, as
 *     this agent last read it
 * @param fencing whether Pacemaker fences lost nodes, from {@code stonith-enabled} as last read
 * @param exports the cluster's exports on this node; empty when the agent does not manage them
 * @param nfsv4 the NFSV4 settings ganesha's configuration sets (server scope {@code (none)} when it
 *     sets none), and whether nfsd waits for a restart to run with them; empty if unreadable
 */
public record NodeReport(NfsdHealth nfsd, String hangDetection, boolean ganeshaActive, boolean graceActive,
        Optional<Boolean> inGrace, List<String> virtualIps, boolean agentReady, Optional<FailoverTimeline> lastFailover,
        Optional<Long> pacemakerConfigGeneration, Fencing fencing, Optional<ExportsReport> exports,
        Optional<Nfsv4Watch.Report> nfsv4) {

    public NodeReport {
        virtualIps = virtualIps.stream().sorted().toList();
    }
}
