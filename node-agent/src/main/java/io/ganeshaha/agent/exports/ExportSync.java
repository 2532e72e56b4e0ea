package io.ganeshaha.agent.exports;

import io.ganeshaha.agent.watch.NfsdProcess;
import io.ganeshaha.api.agent.ExportBlocks;
import io.ganeshaha.api.v1alpha1.ExportSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Keeps what this node's ganesha.nfsd serves equal to the cluster's exports, live: an export
 * added with AddExport, changed with UpdateExport, removed with RemoveExport, replaced (removed,
 * then added) when its path, pseudo path or FSAL changed; never a restart, never another export
 * touched. Each pass compares the ConfigMap's exports with what ganesha serves of ganesha-ha's
 * ({@link ExportPlan}) and makes only the calls that differ, so an unchanged cluster costs no call.
 *
 * <p>What ganesha serves is checked with DisplayExport once per nfsd process (a restarted nfsd
 * serves what the exports file held); in between the agent trusts what it applied. An export
 * ganesha refuses stays as it was (a replacement that is refused puts the previous version back),
 * is reported with ganesha's words, and is tried again after {@link #RETRY_REFUSED} (a path may
 * appear) or at once when its spec changes. An id ganesha serves from another configuration is
 * never touched. Runs on one thread; {@link #report()} is safe from any.
 */
public final class ExportSync implements Runnable {

    private static final Logger LOG = Logger.getLogger(ExportSync.class);

    /** How long a refused export waits before it is tried again unchanged. */
    public static final Duration RETRY_REFUSED = Duration.ofSeconds(30);

    private record Refusal(String block, String message, Instant at) {}

    private final Path configDir;
    private final ExportFiles files;
    private final ExportManager ganesha;
    private final Supplier<Optional<NfsdProcess>> servingNfsd;
    private final Clock clock;

    private Optional<NfsdProcess> verifiedFor = Optional.empty();
    /** The nfsd process the last pass went through for, every call made. */
    private Optional<NfsdProcess> settledFor = Optional.empty();
    /**
     * Nothing the agent can apply now: no exports in the ConfigMap (ganesha's exports are not the
     * agent's), or the ConfigMap or the host's files are unusable (reported; waiting would not help).
     */
    private boolean nothingToApply;
    private final SortedMap<Integer, ExportSpec> served = new TreeMap<>();
    private final Set<Integer> foreign = new TreeSet<>();
    /** The agent's exports ganesha serves in a version not known (a call not answered, a lost record). */
    private final Set<Integer> unknownVersion = new TreeSet<>();
    private final Map<Integer, Refusal> refused = new TreeMap<>();
    private Optional<Long> applied = Optional.empty();
    private Optional<Long> desiredGeneration = Optional.empty();
    private String lastPending;
    /** What ganesha serves changed since the files last recorded it. */
    private boolean unrecorded;
    private volatile ExportsReport report = new ExportsReport(Optional.empty(), Optional.empty(), 0, new TreeMap<>(),
            Optional.of("not checked yet"));

    /**
     * @param servingNfsd the nfsd process while it serves, empty while it does not
     */
    public ExportSync(Path configDir, ExportFiles files, ExportManager ganesha,
            Supplier<Optional<NfsdProcess>> servingNfsd, Clock clock) {
        this.configDir = configDir;
        this.files = files;
        this.ganesha = ganesha;
        this.servingNfsd = servingNfsd;
        this.clock = clock;
    }

    /** The exports on this node as of the last pass. */
    public ExportsReport report() {
        return report;
    }

    @Override
    public synchronized void run() {
        try {
            pass();
        } catch (IOException | RuntimeException e) {
            nothingToApply = true;
            pending("the exports could not be applied: " + e.getMessage());
        }
    }

    /**
     * A pass now, for a node about to take its virtual IP back: true once ganesha serves what it
     * can of the cluster's exports (every call made; refusals are reported, not waited out), or
     * when there are no exports to apply; false while nfsd does not serve or does not answer.
     */
    public synchronized boolean settle() {
        run();
        Optional<NfsdProcess> nfsd = servingNfsd.get();
        return settledFor.isPresent() && settledFor.equals(nfsd) || nothingToApply;
    }

    void pass() throws IOException {
        settledFor = Optional.empty();
        nothingToApply = false;
        files.ensureServedFile();
        Optional<DesiredExports> read = DesiredExports.read(configDir);
        nothingToApply = read.isEmpty();
        if (read.isEmpty()) {
            pending("no exports in " + configDir + " (exports.json): ganesha's exports are left as they are");
            return;
        }
        DesiredExports desired = read.get();
        desiredGeneration = Optional.of(desired.generation().generation());
        Optional<NfsdProcess> nfsd = servingNfsd.get();
        if (nfsd.isEmpty()) {
            verifiedFor = Optional.empty();
            pending("ganesha.nfsd is not serving: the exports are applied once it is");
            return;
        }
        try {
            if (!nfsd.equals(verifiedFor)) {
                verify(desired);
                verifiedFor = nfsd;
                unrecorded = true;
            }
            apply(desired);
            publish(desired, Optional.empty());
            settledFor = nfsd;
        } catch (ExportManager.Unavailable e) {
            // Looked at again from the start next pass: the nfsd may be another one by then.
            verifiedFor = Optional.empty();
            pending("ganesha.nfsd did not answer: " + e.getMessage());
        } finally {
            if (unrecorded) {
                files.recordServed(served);
                unrecorded = false;
            }
        }
    }

    /**
     * What ganesha serves of the recorded and the specified exports, asked one by one. A served id
     * the record does not hold is the agent's if the agent staged it (a call whose answer was lost,
     * a record that could not be read): its version is unknown, so it is given its spec again. Any
     * other is from ganesha's own configuration.
     */
    private void verify(DesiredExports desired) throws IOException, ExportManager.Unavailable {
        served.clear();
        served.putAll(files.recorded());
        foreign.clear();
        unknownVersion.clear();
        refused.clear();
        Set<Integer> ids = new TreeSet<>(served.keySet());
        ids.addAll(desired.exports().keySet());
        ids.addAll(desired.invalid().keySet());
        for (int id : ids) {
            Optional<String> path = ganesha.servedPath(id);
            if (path.isEmpty()) {
                if (served.remove(id) != null) {
                    unrecorded = true;
                }
            } else if (!served.containsKey(id) && files.staged(id)) {
                served.put(id, adopted(id, path.get(), desired.exports().get(id)));
                unknownVersion.add(id);
                unrecorded = true;
            } else if (!served.containsKey(id)) {
                foreign.add(id);
            }
        }
        LOG.infof("ganesha.nfsd serves %d of ganesha-ha's exports%s", served.size(),
                foreign.isEmpty() ? "" : " and ids " + foreign + " from another configuration, which are left alone");
    }

    /**
     * An export of the agent's that ganesha serves in an unknown version: its spec, if it is
     * specified, with the path ganesha serves (so a changed path is still a replacement); else
     * enough of one to remove it.
     */
    private static ExportSpec adopted(int id, String path, ExportSpec specified) {
        ExportSpec spec = specified == null ? new ExportSpec()
                : ExportBlocks.fromJson(ExportBlocks.toJson(List.of(specified))).get(0);
        spec.setExportId(id);
        spec.setPath(path);
        if (spec.getPseudo() == null) {
            spec.setPseudo("/");
        }
        return spec;
    }

    /** The ids the plan must not touch: from another configuration, or not applicable as specified. */
    private Set<Integer> leftAlone(DesiredExports desired) {
        Set<Integer> ids = new TreeSet<>(foreign);
        ids.addAll(desired.invalid().keySet());
        return ids;
    }

    /**
     * Makes the calls the plan asks for. A refused step is tried again once its spec changes, or
     * after {@link #RETRY_REFUSED}; a refused replacement only once its spec changes, since every
     * try removes the export that is served and drops its clients' state.
     */
    private void apply(DesiredExports desired) throws IOException, ExportManager.Unavailable {
        Instant now = clock.instant();
        List<ExportPlan.Step> steps = ExportPlan.plan(desired.exports(), served, leftAlone(desired), unknownVersion);
        // A refusal stands while its export still differs from what is served.
        refused.keySet().retainAll(steps.stream().map(ExportPlan.Step::id).toList());
        for (ExportPlan.Step step : steps) {
            int id = step.id();
            String block = step.desired() == null ? "" : ExportBlocks.render(step.desired());
            Refusal before = refused.get(id);
            if (before != null && before.block().equals(block) && (step.kind() == ExportPlan.Kind.REPLACE
                    || now.isBefore(before.at().plus(RETRY_REFUSED)))) {
                continue;
            }
            try {
                carryOut(step);
                unknownVersion.remove(id);
                refused.remove(id);
                LOG.infof("export %d: %s done (generation %d)", id, describe(step), desired.generation().generation());
            } catch (ExportManager.Refused e) {
                refused.put(id, new Refusal(block, e.getMessage(), now));
                if (before == null || !before.message().equals(e.getMessage())) {
                    LOG.warnf("export %d: ganesha.nfsd refused the %s: %s", id, describe(step), e.getMessage());
                }
            }
        }
    }

    private void carryOut(ExportPlan.Step step) throws IOException, ExportManager.Refused, ExportManager.Unavailable {
        int id = step.id();
        switch (step.kind()) {
            case REMOVE -> {
                ganesha.remove(id);
                served.remove(id);
                unrecorded = true;
            }
            case ADD -> {
                ganesha.add(files.stage(step.desired()), id);
                served.put(id, step.desired());
                unrecorded = true;
            }
            case UPDATE -> {
                ganesha.update(files.stage(step.desired()), id);
                served.put(id, step.desired());
                unrecorded = true;
            }
            case REPLACE -> {
                Path file = files.stage(step.desired()); // before the removal: a file that cannot be written removes nothing
                ganesha.remove(id);
                served.remove(id);
                unrecorded = true;
                try {
                    ganesha.add(file, id);
                } catch (ExportManager.Refused refusal) {
                    restore(step);
                    throw refusal;
                }
                served.put(id, step.desired());
                unrecorded = true;
            }
        }
    }

    /** After a refused replacement: the previous version back, as it was served. */
    private void restore(ExportPlan.Step step) throws IOException, ExportManager.Unavailable {
        try {
            ganesha.add(files.stage(step.served()), step.id());
            served.put(step.id(), step.served());
            unrecorded = true;
        } catch (ExportManager.Refused again) {
            LOG.errorf("export %d: ganesha.nfsd refused its previous version back too (%s): it is not served",
                    step.id(), again.getMessage());
        }
    }

    private static String describe(ExportPlan.Step step) {
        return switch (step.kind()) {
            case REMOVE -> "removal";
            case ADD -> "addition of " + step.desired().getPseudo();
            case UPDATE -> "update";
            case REPLACE -> "replacement (" + step.served().getPath() + " at " + step.served().getPseudo() + " by "
                    + step.desired().getPath() + " at " + step.desired().getPseudo() + ")";
        };
    }

    private void publish(DesiredExports desired, Optional<String> pending) {
        SortedMap<Integer, String> problems = new TreeMap<>(desired.invalid());
        refused.forEach((id, r) -> problems.put(id, r.message()));
        for (int id : desired.exports().keySet()) {
            if (foreign.contains(id)) {
                problems.put(id, "ganesha.nfsd serves an export " + id + " that ganesha-ha did not add (from its own "
                        + "configuration): it is left alone");
            }
        }
        // After a pass that ended, every step was made or stands refused: nothing refused, all served.
        if (problems.isEmpty()) {
            applied = Optional.of(desired.generation().generation());
        }
        int count = (int) desired.exports().keySet().stream().filter(id -> served.containsKey(id) || foreign.contains(id))
                .count();
        lastPending = null;
        report = new ExportsReport(applied, desiredGeneration, count, problems, pending);
    }

    private void pending(String why) {
        if (!why.equals(lastPending)) {
            LOG.info(why);
            lastPending = why;
        }
        ExportsReport last = report;
        report = new ExportsReport(applied, desiredGeneration, last.served(), last.refused(), Optional.of(why));
    }

    /** For tests: the exports as applied, by id. */
    List<Integer> servedIds() {
        return List.copyOf(served.keySet());
    }
}
