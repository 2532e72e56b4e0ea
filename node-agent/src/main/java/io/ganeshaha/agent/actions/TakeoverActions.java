package io.ganeshaha.agent.actions;

import io.ganeshaha.agent.failover.GraceNotifier;
import io.ganeshaha.agent.instances.InstanceStore;
import io.ganeshaha.agent.nlm.NlmRelease;
import io.ganeshaha.agent.ocf.OcfAgent;
import io.ganeshaha.agent.ocf.OcfConfigurationException;
import io.ganeshaha.agent.ocf.OcfExitCode;
import io.ganeshaha.agent.ocf.OcfParameters;
import io.ganeshaha.agent.ocf.OcfRequest;
import io.ganeshaha.agent.ocf.OcfResponse;
import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.agent.failover.TakeoverGate;
import io.ganeshaha.agent.recovery.ClientRecords;
import io.ganeshaha.agent.recovery.Handback;
import io.ganeshaha.agent.recovery.ReleasePlan;
import io.ganeshaha.agent.recovery.TakenOverRecords;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.lang3.concurrent.BasicThreadFactory;
import org.jboss.logging.Logger;

/**
 * ganesha_takeover: start on a node other than the virtual IPs' home puts the local nfsd into grace
 * for the home node before Pacemaker adds the addresses (the group's next members). It covers what
 * no notify covers: a whole node lost without fencing has its clone instances stopped with no stop
 * action, hence no post-stop notify. It notes which clients came over (the home node's recovery
 * records, the ones the grace call made nfsd load), and its stop on that node, which Pacemaker
 * runs once the addresses have left it and before they start at home, drops those clients' state
 * here: otherwise their reclaim at home finds their locks still held by this node's nfsd. Before
 * that, it hands their records back into the home node's tree, and the home node's start makes
 * its nfsd load them ({@link Handback}): a node cut off until its fence may have deleted them
 * meanwhile.
 */
public final class TakeoverActions {

    private static final Logger LOG = Logger.getLogger(TakeoverActions.class);

    private final InstanceStore instances;
    private final GraceNotifier notifier;
    private final LocalNode localNode;
    private final TakeoverGate gate;
    private final Supplier<OcfParameters.Mon> monParameters;
    private final Clock clock;
    private final Path recoveryRoot;
    private final Runnable addressesComing;
    private final TakenOverRecords takenOverRecords;
    private final Handback handback;
    private final NlmRelease nlmRelease;
    /** Runs each stop's release, so that the stop can end by its deadline whatever the release waits for. */
    private final ExecutorService releases = Executors.newCachedThreadPool(BasicThreadFactory.builder()
            .namingPattern("takeover-release-%d").daemon().build());

    /** The instance parameter holding the owners of the clients that came over, one per line. */
    static final String MOVED_CLIENTS = "moved_clients";
    /** The instance parameter holding the records (their tags) of the clients that came over, one per line. */
    static final String MOVED_RECORDS = "moved_records";

    /**
     * @param monParameters ganesha_mon's parameters on this node (attribute names, grace_delay),
     *     GlusterFS's defaults before any mon started here
     * @param recoveryRoot ganesha's RecoveryRoot as nfsd sees it ({@code /var/lib/nfs/ganesha}):
     *     its {@code v4recov} holds this node's records, {@code <peer>/v4recov} a peer's
     * @param addressesComing told at every start, right before the group's addresses come up here:
     *     their clients' connections are reset as they do ({@code io.ganeshaha.agent.tickle.Tickler})
     * @param takenOverRecords the records the notifier's takeover calls found (the same instance
     *     the notifier tells), over {@code recoveryRoot}
     * @param nlmRelease the stop's release of the NFSv3 clients that locked here through the
     *     addresses that left
     */
    public TakeoverActions(InstanceStore instances, GraceNotifier notifier, LocalNode localNode, TakeoverGate gate,
            Supplier<OcfParameters.Mon> monParameters, Clock clock, Path recoveryRoot, Runnable addressesComing,
            TakenOverRecords takenOverRecords, NlmRelease nlmRelease) {
        this.nlmRelease = nlmRelease;
        this.addressesComing = addressesComing;
        this.recoveryRoot = recoveryRoot;
        this.takenOverRecords = takenOverRecords;
        this.handback = new Handback(recoveryRoot);
        this.instances = instances;
        this.notifier = notifier;
        this.localNode = localNode;
        this.gate = gate;
        this.monParameters = monParameters;
        this.clock = clock;
    }

    public OcfResponse handle(OcfRequest request, String instance, Instant deadline)
            throws OcfConfigurationException, PacemakerCommandException {
        OcfParameters.Takeover parameters = OcfParameters.takeover(request);
        return switch (request.action()) {
            case "start" -> {
                instances.markStarted(OcfAgent.TAKEOVER, instance, Map.of("home_node", parameters.homeNode()));
                String self = request.onNode().orElse(localNode.name());
                if (self.equals(parameters.homeNode())) {
                    // Its own addresses come home: clients following them reclaim here, in grace.
                    List<String> log = comingHome(self, deadline);
                    addressesComing.run();
                    yield OcfResponse.of(OcfExitCode.SUCCESS).withLog(log);
                }
                GraceNotifier.Outcome outcome = notifier.takeOver(parameters.homeNode(), self, deadline);
                // Then every other serving peer, bounded by grace_delay: on node loss no notify
                // put them in grace, and a client of theirs must not take a lock the home node's
                // clients have yet to reclaim.
                OcfParameters.Mon mon = monParameters.get();
                Instant gateDeadline = min(deadline, clock.instant().plus(mon.graceDelay()));
                TakeoverGate.Outcome peers = gate.await(parameters.homeNode(), self, mon.ganeshaActive(),
                        mon.graceActive(), gateDeadline);
                if (peers.complete()) {
                    LOG.infof("takeover: %s", peers.describe(parameters.homeNode()));
                } else {
                    LOG.warnf("takeover: %s", peers.describe(parameters.homeNode()));
                }
                List<String> log = new ArrayList<>(outcome.logLines("takeover", self));
                log.add((peers.complete() ? "" : "WARNING: ") + "takeover: " + peers.describe(parameters.homeNode()));
                List<String> moved = movedRecords(parameters.homeNode(), log);
                Map<String, String> started = new HashMap<>(Map.of("home_node", parameters.homeNode()));
                started.put(MOVED_CLIENTS, String.join("\n", owners(moved)));
                started.put(MOVED_RECORDS, String.join("\n", moved));
                instances.markStarted(OcfAgent.TAKEOVER, instance, started);
                addressesComing.run();
                // Success either way: the addresses serve the clients even if grace failed, and
                // the failure is in the log.
                yield OcfResponse.of(OcfExitCode.SUCCESS).withLog(log);
            }
            case "stop" -> {
                // Never fails: a failed stop gets a node fenced. What could not be done is logged.
                List<String> log = releaseWithin(instance, parameters.homeNode(),
                        request.onNode().orElse(localNode.name()), deadline);
                instances.markStopped(OcfAgent.TAKEOVER, instance);
                yield OcfResponse.of(OcfExitCode.SUCCESS).withLog(log);
            }
            case "fence" -> beforeFencing(parameters.homeNode(), request.onNode().orElse(localNode.name()), deadline);
            case "monitor" -> OcfResponse.of(instances.isStarted(OcfAgent.TAKEOVER, instance)
                    ? OcfExitCode.SUCCESS : OcfExitCode.NOT_RUNNING);
            case "validate-all" -> OcfResponse.of(OcfExitCode.SUCCESS);
            default -> OcfResponse.of(OcfExitCode.ERR_UNIMPLEMENTED, "ganesha_takeover has no action " + request.action());
        };
    }

    /**
     * fence_ganesha_grace's off, on whichever node Pacemaker's fencer runs it, before the device
     * that powers {@code target} off: this node in grace for it, then every other serving peer
     * (the takeover gate's request and acknowledgements), bounded by {@code grace_delay}. A node
     * lost whole holds its locks on the shared storage until the power device kills its nfsd;
     * once every survivor is in grace, nobody can take them before its clients reclaim. Always a
     * success: the fencing level must go on to the power device (what failed is logged).
     */
    private OcfResponse beforeFencing(String target, String self, Instant deadline) throws PacemakerCommandException {
        if (self.equals(target)) {
            String line = "fencing " + target + ": this is the node being fenced; no grace here";
            LOG.warn(line);
            return OcfResponse.of(OcfExitCode.SUCCESS).withLog(List.of("WARNING: " + line));
        }
        GraceNotifier.Outcome outcome = notifier.beforeFencing(target, self, deadline);
        OcfParameters.Mon mon = monParameters.get();
        TakeoverGate.Outcome peers = gate.await(target, self, mon.ganeshaActive(), mon.graceActive(),
                min(deadline, clock.instant().plus(mon.graceDelay())));
        String line = "before fencing " + target + ": " + peers.describe(target);
        if (peers.complete()) {
            LOG.info(line);
        } else {
            LOG.warn(line);
        }
        List<String> log = new ArrayList<>(outcome.logLines("fencing", self));
        log.add((peers.complete() ? "" : "WARNING: ") + line);
        return OcfResponse.of(OcfExitCode.SUCCESS).withLog(log);
    }

    /**
     * The home node's recorded clients (their records' tags), the ones nfsd loaded for the
     * takeover: those the takeover's grace calls found ({@link TakenOverRecords}), and those in its
     * {@code v4recov} and {@code v4old} now, where a home nfsd that restarted already (a hung one
     * ended and started again by its supervisor, seconds after the VIP left) moved them when it
     * started, before this start read them.
     */
    private List<String> movedRecords(String home, List<String> log) {
        // Waits for the reads the grace calls began (bounded: the addresses wait for this start).
        Set<String> tags = new LinkedHashSet<>(takenOverRecords.remembered(home, Duration.ofSeconds(2)));
        try {
            tags.addAll(takenOverRecords.read(home));
        } catch (IOException | RuntimeException e) {
            String warning = "WARNING: takeover: cannot read the client records of " + home + " in "
                    + recoveryRoot.resolve(home) + "/{v4recov,v4old} (" + e.getMessage() + ")"
                    + (tags.isEmpty() ? ": they will not be released here at fail-back"
                            : "; those its grace calls found: " + tags.size());
            LOG.warn(warning);
            log.add(warning);
        }
        try {
            List<String> clustered = ClientRecords.clusteredDirs(recoveryRoot.resolve(home).resolve("v4recov"));
            if (!clustered.isEmpty()) {
                String error = "ERROR: takeover: " + home + "'s client records are under v4recov/" + clustered.get(0)
                        + " (ganesha's NFS_CORE_PARAM Clustered = true, its default): nfsd here matches none of them, so"
                        + " its clients cannot reclaim here; set Clustered = false on every node (README, \"Installing on"
                        + " an NFS host\", step 3)";
                LOG.error(error);
                log.add(error);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("cannot look for node directories in %s's v4recov: %s", home, e.getMessage());
        }
        List<String> moved = List.copyOf(tags);
        if (!moved.isEmpty()) {
            log.add("takeover: " + moved.size() + " client(s) of " + home + " may reclaim here: " + owners(moved));
        }
        return moved;
    }

    /** The owners of the records {@code tags}, each once. */
    private static List<String> owners(List<String> tags) {
        Set<String> owners = new LinkedHashSet<>();
        // An owner holding a newline cannot be kept one per line (ganesha wrote it in hex).
        tags.forEach(tag -> ClientRecords.parse(tag).map(ClientRecords.Record::owner).filter(o -> o.indexOf('\n') < 0)
                .ifPresent(owners::add));
        return List.copyOf(owners);
    }

    /**
     * Home: its addresses are about to come up here. With records a taker handed back, nfsd enters
     * grace keeping what it holds (event 0), loads them (event 5, per taker), and the hand-back is
     * removed; records it could not load are kept in this node's own {@code v4recov}, where its
     * next start reads them. Without any, a nfsd still in grace has its grace started over
     * ({@link GraceNotifier#homeComing}).
     */
    private List<String> comingHome(String self, Instant deadline) {
        List<String> log = new ArrayList<>();
        Map<String, List<String>> pending;
        try {
            pending = handback.pending();
        } catch (IOException | RuntimeException e) {
            String failure = "ERROR: home: cannot read the client records handed back to " + self + " in "
                    + recoveryRoot.resolve(Handback.DIR) + " (" + e.getMessage() + "); none loaded";
            LOG.error(failure);
            log.add(failure);
            pending = Map.of();
        }
        String severity = pending.isEmpty() ? "WARNING: " : "ERROR: ";
        GraceNotifier.Outcome grace = pending.isEmpty() ? notifier.homeComing(self, deadline)
                : notifier.homeComingWithRecords(self, deadline);
        grace.failures().forEach(f -> log.add(severity + f));
        boolean inGrace = grace.failures().isEmpty();
        for (Map.Entry<String, List<String>> taker : pending.entrySet()) {
            List<String> records = taker.getValue();
            try {
                GraceNotifier.Outcome loaded = inGrace && !records.isEmpty() ? notifier.loadHandedBack(self,
                        taker.getKey(), Handback.graceArgument(taker.getKey()), deadline) : null;
                if (loaded != null && loaded.failures().isEmpty()) {
                    log.add("home: nfsd on " + self + " loaded " + records.size() + " client record(s) " + taker.getKey()
                            + " handed back: " + owners(records));
                } else if (!records.isEmpty()) {
                    if (loaded != null) {
                        loaded.failures().forEach(f -> log.add("ERROR: " + f));
                    }
                    handback.keep(records);
                    String kept = "home: " + records.size() + " client record(s) " + taker.getKey() + " handed back are"
                            + " kept in " + self + "'s own records, for its nfsd's next start: " + owners(records);
                    LOG.warn(kept);
                    log.add("WARNING: " + kept);
                }
                handback.clear(taker.getKey());
            } catch (IOException | RuntimeException e) {
                String failure = "ERROR: home: the client records " + taker.getKey() + " handed back to " + self
                        + ": " + e.getMessage();
                LOG.error(failure);
                log.add(failure);
            }
        }
        return log;
    }

    /**
     * {@link #releaseMovedClients} on its own thread, waited for until the stop's deadline: the
     * hand-back writes to the shared storage and the CIB read have no bound of their own, and a
     * hung mount must not hold the stop past Pacemaker's timeout (a failed stop fences this node,
     * and with it every client it serves). Past the deadline the stop ends with the failure in its
     * log, and the release ends in the background where it waited: the records it still writes are
     * loaded at home's next start, and it makes no grace call any more (their deadline passed).
     */
    private List<String> releaseWithin(String instance, String home, String self, Instant deadline) {
        Future<List<String>> release = releases.submit(() -> releaseMovedClients(instance, home, self, deadline));
        try {
            return release.get(Math.max(0, Duration.between(clock.instant(), deadline).toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            String failure = "ERROR: fail-back to " + home + ": releasing the clients that came over did not end within "
                    + "the stop's time (the shared storage, nfsd or the CIB not answering); the stop ends without it";
            LOG.error(failure);
            return List.of(failure);
        } catch (ExecutionException e) {
            LOG.errorf(e.getCause(), "fail-back to %s: releasing the clients that came over failed", home);
            return List.of("ERROR: fail-back to " + home + ": releasing the clients that came over failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of("ERROR: fail-back to " + home + ": interrupted while releasing the clients that came over");
        }
    }

    private List<String> releaseMovedClients(String instance, String home, String self, Instant deadline) {
        Map<String, Map<String, String>> started = instances.started(OcfAgent.TAKEOVER);
        Map<String, String> params = started.getOrDefault(instance, Map.of());
        List<String> moved = lines(params, MOVED_CLIENTS);
        List<String> log = new ArrayList<>();
        if (self.equals(home)) {
            return log;
        }
        handBack(home, self, lines(params, MOVED_RECORDS), log);
        log.addAll(nlmRelease.atFailBack(home, instance, self, deadline));
        if (moved.isEmpty()) {
            return log;
        }
        Set<String> others = new LinkedHashSet<>();
        started.forEach((other, otherParams) -> {
            if (!other.equals(instance)) {
                others.addAll(lines(otherParams, MOVED_CLIENTS));
            }
        });
        try {
            ClientRecords.read(recoveryRoot.resolve("v4recov")).forEach(r -> others.add(r.owner()));
        } catch (IOException | RuntimeException e) {
            // Without this node's own records no release can be shown to touch the moved client alone.
            String failure = "ERROR: fail-back to " + home + ": cannot read this node's client records ("
                    + e.getMessage() + "); releasing none of " + moved;
            LOG.error(failure);
            log.add(failure);
            return log;
        }
        ReleasePlan plan = ReleasePlan.of(moved, others);
        plan.skipped().forEach(s -> {
            String warning = "WARNING: fail-back to " + home + ": not released here, its reclaim at home may conflict: " + s;
            LOG.warn(warning);
            log.add(warning);
        });
        GraceNotifier.Outcome outcome = notifier.release(home, plan.release(), self, deadline);
        outcome.acknowledged().forEach(owner -> log.add("fail-back to " + home + ": nfsd on " + self
                + " released the client '" + owner + "'"));
        outcome.failures().forEach(f -> log.add("ERROR: " + f));
        return log;
    }

    /**
     * Writes the moved clients' records into the home node's tree for its nfsd to load before the
     * addresses come up there ({@link Handback}). A failure is logged: the release goes on.
     */
    private void handBack(String home, String self, List<String> records, List<String> log) {
        if (records.isEmpty()) {
            return;
        }
        try {
            List<String> refused = handback.write(home, self, records);
            refused.forEach(r -> {
                LOG.warnf("fail-back to %s: not handed back: %s", home, r);
                log.add("WARNING: fail-back to " + home + ": not handed back: " + r);
            });
            log.add("fail-back to " + home + ": " + (records.size() - refused.size()) + " client record(s) handed back"
                    + " into " + home + "'s tree");
        } catch (IOException | RuntimeException e) {
            String failure = "ERROR: fail-back to " + home + ": cannot hand the client records back into "
                    + recoveryRoot.resolve(home).resolve(Handback.DIR) + " (" + e.getMessage() + "); a client whose "
                    + "record " + home + " lost cannot reclaim there";
            LOG.error(failure);
            log.add(failure);
        }
    }

    private static List<String> lines(Map<String, String> params, String name) {
        String joined = params.getOrDefault(name, "");
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split("\n"));
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
