package io.ganeshaha.agent.converge;

import io.ganeshaha.agent.pacemaker.Cib;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.api.v1alpha1.CibGeneration;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Converges the CIB's resources and constraints sections to the operator's rendering, as
 * GlusterFS's ganesha-ha.sh wrote them by hand: the GaneshaCluster owns those two sections. Every
 * agent runs it; they agree because the CIB records which cluster and generation it was configured
 * from (cluster property {@value #GENERATION_PROPERTY}, {@code <uid>/<generation>}), every write
 * first moves that marker with a compare-and-set, and no agent writes an older generation of the
 * same cluster: an agent whose ConfigMap copy lags cannot roll a newer configuration back. A CIB
 * edited by hand is rewritten at the next tick. Failures are bounded (the tools' timeout), logged, retried.
 */
public final class PacemakerConfigSync implements Runnable {

    private static final Logger LOG = Logger.getLogger(PacemakerConfigSync.class);

    public static final String GENERATION_PROPERTY = "ganesha-ha-cib-generation";

    private final Path dir;
    private final Cib cib;
    private volatile Optional<Long> generation = Optional.empty();
    private volatile String state = "not checked yet";
    private String lastProblem;

    public PacemakerConfigSync(Path dir, Cib cib) {
        this.dir = dir;
        this.cib = cib;
    }

    @Override
    public void run() {
        try {
            Optional<DesiredConfiguration> desired = DesiredConfiguration.read(dir);
            if (desired.isEmpty()) {
                problem("no complete rendering in " + dir + " yet");
                return;
            }
            converge(desired.get());
            lastProblem = null;
        } catch (IOException | PacemakerCommandException | RuntimeException e) {
            problem(e.getMessage());
        }
    }

    ConvergeDecision converge(DesiredConfiguration desired) throws IOException, PacemakerCommandException {
        Optional<String> marker = cib.marker(GENERATION_PROPERTY);
        Optional<CibGeneration> current = marker.flatMap(CibGeneration::parse);
        boolean equal = CibXml.sameContent(cib.query("resources"), desired.resources())
                && CibXml.sameContent(cib.query("constraints"), desired.constraints());
        ConvergeDecision decision = ConvergeDecision.decide(desired.generation(), current, equal);
        String target = desired.generation().toString();
        switch (decision) {
            case APPLY, MARK -> {
                // The marker first, and only if nobody moved it since it was read: an agent whose
                // copy lags loses here and writes nothing; once the marker is newer than its copy,
                // it stops trying (STALE_VIEW).
                if (!cib.compareAndSetMarker(GENERATION_PROPERTY, marker, target)) {
                    state = "the CIB changed while comparing; looking again next tick";
                    LOG.infof("another writer changed %s (was %s) while comparing: looking again next tick",
                            GENERATION_PROPERTY, marker.orElse("unset"));
                    return decision;
                }
                if (decision == ConvergeDecision.APPLY) {
                    // Resources first: constraints may only name resources that exist.
                    cib.replace("resources", desired.resources());
                    cib.replace("constraints", desired.constraints());
                    LOG.infof("configured Pacemaker's resources and constraints from %s (the CIB had %s)", target,
                            marker.orElse("none"));
                }
                current = Optional.of(desired.generation());
            }
            case STALE_VIEW -> LOG.debugf("the CIB is configured from %s, newer than this node's %s", marker.get(),
                    target);
            case UP_TO_DATE -> { }
        }
        String uid = desired.generation().clusterUid();
        generation = current.filter(g -> g.clusterUid().equals(uid)).map(CibGeneration::generation);
        state = current.map(CibGeneration::toString).orElse("none") + " (" + decision + ")";
        return decision;
    }

    private void problem(String message) {
        if (!Objects.equals(message, lastProblem)) {
            LOG.warnf("cannot converge Pacemaker's configuration: %s", message);
        }
        lastProblem = message;
        state = "failing: " + message;
    }

    /** The generation the CIB was configured from, when it is this node's cluster's (for the status). */
    public Optional<Long> generation() {
        return generation;
    }

    public String state() {
        return state;
    }
}
