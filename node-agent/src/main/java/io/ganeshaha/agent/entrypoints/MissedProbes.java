package io.ganeshaha.agent.entrypoints;

import io.ganeshaha.agent.pacemaker.Cib;
import io.ganeshaha.agent.pacemaker.CibXml;
import io.ganeshaha.agent.pacemaker.CommandRunner;
import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.jboss.logging.Logger;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Pacemaker's probes that ran on this node before the agent installed the entry points. The agents
 * of a cluster start one by one, and the first to converge the CIB adds the resources while another
 * node's agent has not yet put the entry points in that host's provider directory: Pacemaker's probe
 * there finds no agent ({@code OCF_ERR_INSTALLED}, rc 5), and it never places the resource on that
 * node again until the failure is cleaned up. Found running the agent image as its pod: the second
 * node never started ganesha_nfsd or ganesha_mon, and its VIP could never come home.
 *
 * <p>Every tick this looks at the CIB's record of this node's operations and cleans up, operation
 * by operation, those of this provider that Pacemaker's executor could not run for want of the
 * agent (rc 5 with op-status 7) while their entry point is now installed: Pacemaker runs them again
 * and finds it. Nothing else is cleaned up (a grace monitor's failure is part of the failover and
 * stays). Failures are logged and retried next tick.
 */
public final class MissedProbes implements Runnable {

    private static final Logger LOG = Logger.getLogger(MissedProbes.class);

    /** OCF_ERR_INSTALLED, the result Pacemaker records when the resource agent is missing. */
    static final String NOT_INSTALLED = "5";
    /**
     * PCMK_EXEC_NOT_INSTALLED: the executor found no agent to run. An agent that ran and answered
     * rc 5 itself (ganesha_nfsd's validate-all without the shared storage) leaves op-status 0, and
     * that failure stays.
     */
    static final String EXEC_NOT_INSTALLED = "7";

    /**
     * An operation of a resource of this provider that the executor could not run on this node for
     * want of its entry point: cleaned up alone (operation and interval), so any other failure of
     * the same resource stays.
     */
    record Missed(String resource, String type, String operation, String intervalMs) {}

    /**
     * Clean-ups of one resource after which Pacemaker still finds no entry point: then the provider
     * directory is not where Pacemaker looks, and cleaning up again would only make it probe again.
     */
    static final int MAX_CLEANUPS_PER_RESOURCE = 3;

    private final Cib cib;
    private final CommandRunner runner;
    private final Duration timeout;
    private final LocalNode localNode;
    private final Path providerDir;
    private final String provider;
    private final java.util.Map<String, Integer> cleanups = new java.util.HashMap<>();
    private String lastProblem;

    public MissedProbes(Cib cib, CommandRunner runner, Duration timeout, LocalNode localNode, Path providerDir) {
        this.cib = cib;
        this.runner = runner;
        this.timeout = timeout;
        this.localNode = localNode;
        this.providerDir = providerDir;
        this.provider = providerDir.getFileName().toString();
    }

    @Override
    public void run() {
        try {
            String node = localNode.name();
            for (Missed m : missed(cib.query("status"), node, provider, type -> Files.isExecutable(providerDir.resolve(type)))) {
                int done = cleanups.getOrDefault(m.resource(), 0);
                if (done >= MAX_CLEANUPS_PER_RESOURCE) {
                    if (done == MAX_CLEANUPS_PER_RESOURCE) {
                        LOG.warnf("Pacemaker still finds no entry point for %s (%s:%s) on %s after %d clean-ups, though "
                                + "it is installed in %s: is that the directory Pacemaker reads "
                                + "(/usr/lib/ocf/resource.d/%s)? Not cleaned up again", m.resource(), provider, m.type(),
                                node, done, providerDir, provider);
                        cleanups.put(m.resource(), done + 1);
                    }
                    continue;
                }
                List<String> argv = List.of("crm_resource", "--cleanup", "--resource", m.resource(), "--node", node,
                        "--operation", m.operation(), "--interval", m.intervalMs() + "ms");
                CommandRunner.Result r = runner.run(argv, timeout);
                if (r.exitCode() != 0) {
                    throw new PacemakerCommandException(String.join(" ", argv) + " failed with " + r.exitCode() + ": "
                            + r.stderr().strip());
                }
                cleanups.put(m.resource(), done + 1);
                LOG.infof("Pacemaker ran %s %s of %s (%s:%s) on %s before its entry point was installed and found none; "
                        + "cleaned up so that it runs it again", m.operation(), m.intervalMs().equals("0") ? "(probe)"
                        : "(every " + m.intervalMs() + " ms)", m.resource(), provider, m.type(), node);
            }
            lastProblem = null;
        } catch (PacemakerCommandException | IOException | RuntimeException e) {
            if (!String.valueOf(e.getMessage()).equals(lastProblem)) {
                LOG.warnf("cannot check Pacemaker's probes of the entry points: %s (retried)", e.getMessage());
            }
            lastProblem = String.valueOf(e.getMessage());
        }
    }

    /**
     * The resources of {@code provider} on {@code node}, in the CIB's status section
     * {@code statusXml}, with an operation that ended "not installed" while {@code installed} says
     * their entry point is there now.
     */
    static List<Missed> missed(String statusXml, String node, String provider, Predicate<String> installed)
            throws IOException {
        Element status;
        try {
            status = CibXml.read(statusXml).getDocumentElement();
        } catch (IOException e) {
            throw new IOException("the CIB's status section is not XML: " + e.getMessage(), e);
        }
        List<Missed> missed = new ArrayList<>();
        NodeList states = status.getElementsByTagName("node_state");
        for (int i = 0; i < states.getLength(); i++) {
            Element state = (Element) states.item(i);
            if (!node.equals(state.getAttribute("uname"))) {
                continue;
            }
            NodeList resources = state.getElementsByTagName("lrm_resource");
            for (int j = 0; j < resources.getLength(); j++) {
                Element rsc = (Element) resources.item(j);
                if (!"ocf".equals(rsc.getAttribute("class")) || !provider.equals(rsc.getAttribute("provider"))) {
                    continue;
                }
                String type = rsc.getAttribute("type");
                if (!installed.test(type)) {
                    continue;
                }
                NodeList ops = rsc.getElementsByTagName("lrm_rsc_op");
                for (int k = 0; k < ops.getLength(); k++) {
                    Element op = (Element) ops.item(k);
                    if (NOT_INSTALLED.equals(op.getAttribute("rc-code"))
                            && EXEC_NOT_INSTALLED.equals(op.getAttribute("op-status"))) {
                        Missed m = new Missed(rsc.getAttribute("id"), type, op.getAttribute("operation"),
                                op.getAttribute("interval").isEmpty() ? "0" : op.getAttribute("interval"));
                        if (!missed.contains(m)) {
                            missed.add(m);
                        }
                    }
                }
            }
        }
        return missed;
    }
}
