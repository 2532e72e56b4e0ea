package io.ganeshaha.agent.ganeshaconf;

import io.ganeshaha.agent.watch.NfsdProcess;
import io.ganeshaha.api.agent.HaConfigMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The cluster's NFSV4 block on this node, and whether ganesha.nfsd runs with it. Each pass writes
 * the block the operator rendered ({@link HaConfigMap#NFSV4} in the agent's configuration
 * directory) into {@code blockFile}, which ganesha.conf includes, when the file differs; reads
 * what ganesha.conf and its includes set now ({@link Nfsv4Settings}); and compares that with
 * what the running nfsd started with. ganesha reads the NFSV4 block only at start, so a change
 * waits for nfsd's next start: until then the node reports a restart pending. The agent never
 * restarts nfsd itself: each restart is a failover for the node's clients, which its
 * administrator times. Without the key a file there is left as it is (the cluster does not manage
 * ganesha's NFSV4 settings) and a missing one is created without a block. Runs on one thread; {@link #report()} is safe from any.
 */
public final class Nfsv4Watch implements Runnable {

    private static final Logger LOG = Logger.getLogger(Nfsv4Watch.class);

    /** 1 while nfsd waits for a restart to run with the NFSV4 settings ganesha.conf sets, 0 if not, NaN if unknown. */
    public static final String RESTART_PENDING_METRIC = "ganesha_ha_nfsv4_restart_pending";

    /**
     * @param configured what ganesha.conf and its includes set now
     * @param restartPending the running nfsd started with other settings, or with settings not
     *     known (the file changed after nfsd's start, before this agent saw nfsd)
     */
    public record Report(Nfsv4Settings configured, boolean restartPending) {}

    /** The file's text while the cluster sets no NFSV4 block. */
    static final String NO_BLOCK = "# the cluster's NFSV4 block: none (the GaneshaCluster sets no spec.ganesha.nfsv4)\n";

    private final Path configDir;
    private final Path blockFile;
    private final Path ganeshaConfig;
    private final Supplier<Optional<NfsdProcess>> nfsd;
    private final Function<NfsdProcess, Optional<Instant>> startedAt;

    private Optional<NfsdProcess> seen = Optional.empty();
    /** What {@link #seen} started with; empty when not known. */
    private Optional<Nfsv4Settings> startedWith = Optional.empty();
    private String writeProblem;
    private String readProblem;
    private volatile Optional<Report> report = Optional.empty();

    /**
     * @param configDir where the operator's ConfigMap is mounted; empty when the agent runs without one
     * @param blockFile the file ganesha.conf includes for the cluster's NFSV4 block
     * @param nfsd the nfsd process while there is one
     * @param startedAt when a process started (wall clock, to the second), empty if it cannot be read
     */
    public Nfsv4Watch(Optional<Path> configDir, Path blockFile, Path ganeshaConfig, Supplier<Optional<NfsdProcess>> nfsd,
            Function<NfsdProcess, Optional<Instant>> startedAt) {
        this.configDir = configDir.orElse(null);
        this.blockFile = blockFile;
        this.ganeshaConfig = ganeshaConfig;
        this.nfsd = nfsd;
        this.startedAt = startedAt;
    }

    /** {@link #RESTART_PENDING_METRIC}'s value. */
    public double restartPendingGauge() {
        return report.map(r -> r.restartPending() ? 1.0 : 0.0).orElse(Double.NaN);
    }

    /** The settings as of the last pass; empty if ganesha.conf could not be read. */
    public Optional<Report> report() {
        return report;
    }

    @Override
    public synchronized void run() {
        boolean wrote = false;
        try {
            wrote = writeBlock();
            writeProblem = null;
        } catch (IOException | RuntimeException e) {
            writeProblem = warnOnce(writeProblem, "cannot write the cluster's NFSV4 block to " + blockFile + ": "
                    + e.getMessage());
        }
        Nfsv4Settings configured;
        try {
            configured = Nfsv4Settings.of(ganeshaConfig);
            readProblem = null;
        } catch (IOException | RuntimeException e) {
            readProblem = warnOnce(readProblem, "cannot read ganesha's NFSV4 settings from " + ganeshaConfig + ": "
                    + e.getMessage());
            report = Optional.empty();
            return;
        }
        Optional<NfsdProcess> process = nfsd.get();
        if (!process.equals(seen)) {
            seen = process;
            startedWith = process.flatMap(p -> settingsAtStart(p, configured));
        } else if (wrote) {
            // Written under the running nfsd: it read the block before, whatever changed in it
            // (a parameter that Nfsv4Settings does not carry too), so it waits for its next start.
            startedWith = Optional.empty();
        }
        boolean pending = process.isPresent() && !startedWith.equals(Optional.of(configured));
        Optional<Report> next = Optional.of(new Report(configured, pending));
        if (pending && !next.equals(report)) {
            LOG.warnf("ganesha.nfsd (pid %d) runs with NFSV4 settings other than %s now sets (%s): they take effect "
                    + "at its next start", process.get().pid(), ganeshaConfig, describe(configured));
        }
        report = next;
    }

    /**
     * What a process just seen started with: what the files set now, unless the block file changed
     * after its start (a change this agent wrote before it restarted): then not known.
     */
    private Optional<Nfsv4Settings> settingsAtStart(NfsdProcess process, Nfsv4Settings configured) {
        Optional<Instant> start = startedAt.apply(process);
        if (start.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (Files.readString(blockFile, StandardCharsets.UTF_8).equals(NO_BLOCK)) {
                return Optional.of(configured); // no settings: what nfsd read before it was there is the same
            }
            Instant written = Files.getLastModifiedTime(blockFile).toInstant();
            // The start is known to the second: a file written in the second nfsd started counts
            // as read by it (the agent writes only when the cluster's spec changes).
            return written.getEpochSecond() > start.get().getEpochSecond() ? Optional.empty() : Optional.of(configured);
        } catch (NoSuchFileException e) {
            return Optional.of(configured);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Writes the operator's block into {@link #blockFile} when it differs; whether it wrote. */
    private boolean writeBlock() throws IOException {
        if (configDir == null) {
            return false;
        }
        Path source = configDir.resolve(HaConfigMap.NFSV4);
        String wanted;
        try {
            wanted = Files.readString(source, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            // The cluster sets no NFSV4 block: ganesha.conf's own holds. A file already there is the
            // administrator's or an earlier spec's and stays; a missing one is created without a
            // block, so that the %include can go into ganesha.conf before the spec sets one
            // (ganesha refuses to start on an include it cannot open).
            if (Files.notExists(blockFile)) {
                replace(NO_BLOCK);
                LOG.infof("created %s without an NFSV4 block (the cluster sets none): ganesha.conf may include it",
                        blockFile);
            }
            return false;
        }
        Optional<String> present;
        try {
            present = Optional.of(Files.readString(blockFile, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            present = Optional.empty();
        }
        if (present.equals(Optional.of(wanted))) {
            return false;
        }
        replace(wanted);
        LOG.infof("wrote the cluster's NFSV4 block to %s; ganesha.nfsd reads it at its next start", blockFile);
        return true;
    }

    private void replace(String text) throws IOException {
        Path temporary = blockFile.resolveSibling("." + blockFile.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, blockFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Logs {@code message} unless it was the last one logged; returns it. */
    private static String warnOnce(String last, String message) {
        if (!Objects.equals(message, last)) {
            LOG.warn(message);
        }
        return message;
    }

    private static String describe(Nfsv4Settings s) {
        return "Grace_Period " + s.gracePeriodSeconds() + ", Lease_Lifetime " + s.leaseLifetimeSeconds()
                + ", Server_Scope " + s.serverScope();
    }
}
