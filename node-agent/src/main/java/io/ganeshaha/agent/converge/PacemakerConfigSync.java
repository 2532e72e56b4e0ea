package io.ganeshaha.agent.converge;

import io.ganeshaha.agent.pacemaker.Cib;
import io.ganeshaha.agent.pacemaker.CibXml;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import io.ganeshaha.api.v1alpha1.CibGeneration;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Converges the CIB's resources and constraints sections, and the cluster properties the cluster
 * owns ({@code no-quorum-policy}), to the operator's rendering, as GlusterFS's ganesha-ha.sh wrote
 * them by hand: the GaneshaCluster owns those, except the fence devices kept there
 * ({@link FenceDevices}). Other cluster properties ({@code stonith-enabled}) and the fencing
 * topology are the administrator's and never written. Every agent runs it; they agree because the CIB
 * records which cluster and generation it was configured from (cluster property
 * {@value #GENERATION_PROPERTY}, {@code <uid>/<generation>}), every write first moves that marker
 * with a compare-and-set, and no agent writes an older generation of the same cluster: an agent
 * whose ConfigMap copy lags cannot roll a newer configuration back. A CIB edited by hand is
 * rewritten at the next tick, only what differs (the two sections together, each property on its
 * own). Failures are bounded (the tools' timeout), logged once, retried.
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
        String resources = cib.query("resources");
        String constraints = cib.query("constraints");
        FenceDevices.Sections wanted = FenceDevices.keep(resources, constraints, desired.resources(),
                desired.constraints());
        boolean sectionsEqual = CibXml.sameContent(resources, wanted.resources())
                && CibXml.sameContent(constraints, wanted.constraints());
        List<PropertyChange> properties = propertyChanges(desired);
        ConvergeDecision decision = ConvergeDecision.decide(desired.generation(), current,
                sectionsEqual && properties.isEmpty());
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
                if (decision == ConvergeDecision.APPLY && !sectionsEqual) {
                    // Together: the scheduler must never see resources without their rules.
                    cib.replaceResourcesAndConstraints(wanted.resources(), wanted.constraints());
                    LOG.infof("configured Pacemaker's resources and constraints from %s (the CIB had %s)%s", target,
                            marker.orElse("none"), wanted.kept().isEmpty() ? ""
                                    : "; kept the administrator's fence devices " + wanted.kept());
                }
                for (PropertyChange change : properties) {
                    cib.setClusterProperty(change.name(), change.value());
                    LOG.infof("set cluster property %s=%s from %s (the CIB had %s)", change.name(), change.value(),
                            target, change.was().map(was -> change.name() + "=" + was).orElse("it unset"));
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

    /** A rendered cluster property the CIB does not hold: its value there, if any. */
    private record PropertyChange(String name, String value, Optional<String> was) {}

    /**
     * The rendered properties whose value in the CIB differs or is unset, in name order; none when
     * the ConfigMap carries no properties (an older operator): then they are left as they are.
     */
    private List<PropertyChange> propertyChanges(DesiredConfiguration desired) throws PacemakerCommandException {
        List<PropertyChange> changes = new ArrayList<>();
        for (Map.Entry<String, String> wanted : desired.clusterProperties().orElse(Collections.emptySortedMap()).entrySet()) {
            Optional<String> was = cib.clusterProperty(wanted.getKey());
            if (!was.equals(Optional.of(wanted.getValue()))) {
                changes.add(new PropertyChange(wanted.getKey(), wanted.getValue(), was));
            }
        }
        return changes;
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
