package io.ganeshaha.agent.converge;

import io.ganeshaha.agent.pacemaker.Cib;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Converges the CIB's resources and constraints sections to the operator's rendering, as
 * GlusterFS's ganesha-ha.sh wrote them by hand: the GaneshaCluster owns those two sections. Every
 * agent runs it; they agree because the CIB records the generation it was configured from
 * (cluster property {@value #GENERATION_PROPERTY}) and no agent writes an older one, so agents
 * whose ConfigMap copy lags cannot roll a newer configuration back. A CIB edited by hand is
 * rewritten at the next tick. Failures are bounded (the tools' timeout), logged, retried.
 */
public final class PacemakerConfigSync implements Runnable {

    private static final Logger LOG = Logger.getLogger(PacemakerConfigSync.class);

    public static final String GENERATION_PROPERTY = "ganesha-ha-cib-generation";

    private final Path dir;
    private final Cib cib;
    private volatile Optional<Long> applied = Optional.empty();
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
        Optional<Long> current = generation(cib.property(GENERATION_PROPERTY));
        boolean equal = CibXml.sameContent(cib.query("resources"), desired.resources())
                && CibXml.sameContent(cib.query("constraints"), desired.constraints());
        ConvergeDecision decision = ConvergeDecision.decide(desired.generation(), current, equal);
        switch (decision) {
            case APPLY -> {
                // Resources first: constraints may only name resources that exist.
                cib.replace("resources", desired.resources());
                cib.replace("constraints", desired.constraints());
                cib.setProperty(GENERATION_PROPERTY, Long.toString(desired.generation()));
                LOG.infof("configured Pacemaker's resources and constraints from generation %d (the CIB had %s)",
                        desired.generation(), current.map(Object::toString).orElse("none"));
                current = Optional.of(desired.generation());
            }
            case MARK -> {
                cib.setProperty(GENERATION_PROPERTY, Long.toString(desired.generation()));
                current = Optional.of(desired.generation());
            }
            case STALE_VIEW -> LOG.debugf("the CIB is configured from generation %d, newer than this node's %d",
                    (Object) current.get(), (Object) desired.generation());
            case UP_TO_DATE -> { }
        }
        applied = current;
        state = "generation " + current.map(Object::toString).orElse("none") + " (" + decision + ")";
        return decision;
    }

    private static Optional<Long> generation(Optional<String> text) {
        try {
            return text.map(Long::parseLong);
        } catch (NumberFormatException e) {
            // Someone else's value: treat as unconfigured, the next apply overwrites it.
            return Optional.empty();
        }
    }

    private void problem(String message) {
        if (!Objects.equals(message, lastProblem)) {
            LOG.warnf("cannot converge Pacemaker's configuration: %s", message);
        }
        lastProblem = message;
        state = "failing: " + message;
    }

    /** The generation the CIB was configured from, as last read. */
    public Optional<Long> appliedGeneration() {
        return applied;
    }

    public String state() {
        return state;
    }
}
