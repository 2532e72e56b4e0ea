package io.ganeshaha.agent.pacemaker;

import java.io.IOException;
import java.io.StringReader;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CIB's configuration sections and ganesha-ha's marker property, through cibadmin, and the
 * cluster properties, through crm_attribute; every call bounded like the other Pacemaker tools.
 */
public class Cib {

    /** cibadmin's exit code when an XPath matches nothing (CRM_EX_NOSUCH). */
    static final int NO_SUCH_OBJECT = 105;
    /** cibadmin's exit code when --create finds the element there already (CRM_EX_EXISTS). */
    static final int ALREADY_EXISTS = 108;

    private final CommandRunner runner;
    private final Duration timeout;

    public Cib(CommandRunner runner, Duration timeout) {
        this.runner = runner;
        this.timeout = timeout;
    }

    /** The section ({@code resources}, {@code constraints}) as XML text. */
    public String query(String scope) throws PacemakerCommandException {
        CommandRunner.Result r = runner.run(List.of("cibadmin", "--query", "--scope", scope), timeout);
        if (r.exitCode() != 0) {
            throw new PacemakerCommandException("cibadmin --query --scope " + scope + " failed with " + r.exitCode()
                    + ": " + r.stderr().strip());
        }
        return r.stdout();
    }

    /** Replaces the whole section with {@code xml}, whose root element is the section's. */
    public void replace(String scope, String xml) throws PacemakerCommandException {
        CommandRunner.Result r = runner.run(List.of("cibadmin", "--replace", "--scope", scope, "--xml-text", xml),
                timeout);
        if (r.exitCode() != 0) {
            throw new PacemakerCommandException("cibadmin --replace --scope " + scope + " failed with " + r.exitCode()
                    + ": " + r.stderr().strip());
        }
    }

    /**
     * Replaces the resources and constraints sections together, in one CIB update, as
     * {@code pcs cluster cib-push --config} (what ganesha-ha.sh ran) does: the configuration is
     * read, the two sections swapped in, and the whole configuration written back. Two separate
     * replacements would let the scheduler run in between on resources without their constraints
     * (seen in the lab: nfs-grace started on a node its {@code grace-active} rule bans, answered
     * OCF_NOT_RUNNING, and never ran there again), or on constraints naming no resource.
     */
    public void replaceResourcesAndConstraints(String resources, String constraints) throws PacemakerCommandException {
        String configuration = query("configuration");
        replace("configuration", withSections(configuration, resources, constraints));
    }

    /**
     * {@code configuration} (a {@code <configuration>} element) with its two sections replaced,
     * everything else (comments included) as it was.
     */
    static String withSections(String configuration, String resources, String constraints)
            throws PacemakerCommandException {
        try {
            DocumentBuilder builder = CibXml.builder();
            Document doc = builder.parse(new InputSource(new StringReader(configuration)));
            Element root = doc.getDocumentElement();
            if (!root.getTagName().equals("configuration")) {
                throw new PacemakerCommandException("cibadmin --query --scope configuration answered <" + root.getTagName()
                        + ">, not <configuration>");
            }
            for (String[] section : new String[][] {{"resources", resources}, {"constraints", constraints}}) {
                Element replacement = builder.parse(new InputSource(new StringReader(section[1]))).getDocumentElement();
                if (!replacement.getTagName().equals(section[0])) {
                    throw new IllegalArgumentException("the " + section[0] + " section to write is <"
                            + replacement.getTagName() + ">");
                }
                Node imported = doc.importNode(replacement, true);
                Node current = null;
                for (Node child = root.getFirstChild(); child != null; child = child.getNextSibling()) {
                    if (child instanceof Element e && e.getTagName().equals(section[0])) {
                        current = child;
                    }
                }
                if (current != null) {
                    root.replaceChild(imported, current);
                } else {
                    root.appendChild(imported);
                }
            }
            return CibXml.write(doc);
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new PacemakerCommandException("cannot put the resources and constraints into the CIB configuration: "
                    + e.getMessage());
        }
    }

    /** The property set holding the marker; created with it, owned by ganesha-ha. */
    public static final String MARKER_SET = "ganesha-ha";

    /** The marker's value, a cluster property in crm_config, if set. */
    public Optional<String> marker(String name) throws PacemakerCommandException {
        CommandRunner.Result r = runner.run(List.of("cibadmin", "--query", "--xpath", markerXpath(name)), timeout);
        if (r.exitCode() == NO_SUCH_OBJECT) {
            return Optional.empty();
        }
        if (r.exitCode() != 0) {
            throw new PacemakerCommandException("cibadmin --query --xpath " + markerXpath(name) + " failed with "
                    + r.exitCode() + ": " + r.stderr().strip());
        }
        Matcher value = VALUE.matcher(r.stdout());
        return value.find() ? Optional.of(value.group(1)) : Optional.empty();
    }

    /**
     * Sets the marker to {@code value} only if it still holds {@code expected} (absent: only if it
     * does not exist yet), in one CIB operation: cibadmin fails when the XPath matches nothing, or
     * when the property set exists already. False when another writer got there first.
     */
    public boolean compareAndSetMarker(String name, Optional<String> expected, String value)
            throws PacemakerCommandException {
        String nvpair = "<nvpair id=\"" + MARKER_SET + "-" + name + "\" name=\"" + name + "\" value=\"" + value + "\"/>";
        List<String> argv = expected.isPresent()
                ? List.of("cibadmin", "--replace", "--xpath",
                        markerXpath(name) + "[@value='" + expected.get() + "']", "--xml-text", nvpair)
                : List.of("cibadmin", "--create", "--scope", "crm_config", "--xml-text",
                        "<cluster_property_set id=\"" + MARKER_SET + "\">" + nvpair + "</cluster_property_set>");
        CommandRunner.Result r = runner.run(argv, timeout);
        if (r.exitCode() == NO_SUCH_OBJECT || r.exitCode() == ALREADY_EXISTS) {
            return false;
        }
        if (r.exitCode() != 0) {
            throw new PacemakerCommandException(String.join(" ", argv.subList(0, 3)) + " for " + name + " failed with "
                    + r.exitCode() + ": " + r.stderr().strip());
        }
        return true;
    }

    /**
     * A cluster property ({@code crm_config}) in whichever property set holds it; empty when none
     * does (Pacemaker then uses its default). Two sets naming it is an error: which one Pacemaker
     * uses is not for the agent to guess.
     */
    public Optional<String> clusterProperty(String name) throws PacemakerCommandException {
        List<String> argv = List.of("crm_attribute", "--type", "crm_config", "--name", name, "--query");
        CommandRunner.Result r = runner.run(argv, timeout);
        if (r.exitCode() == NO_SUCH_OBJECT) {
            return Optional.empty();
        }
        if (r.exitCode() != 0) {
            throw new PacemakerCommandException("crm_attribute --query for cluster property " + name + " failed with "
                    + r.exitCode() + ": " + r.stderr().strip());
        }
        return propertyValue(r.stdout(), name);
    }

    /**
     * Sets a cluster property where it is (a new one goes to {@code cib-bootstrap-options}, as pcs
     * and ganesha-ha.sh put them).
     */
    public void setClusterProperty(String name, String value) throws PacemakerCommandException {
        CommandRunner.Result r = runner.run(
                List.of("crm_attribute", "--type", "crm_config", "--name", name, "--update", value), timeout);
        if (r.exitCode() != 0) {
            throw new PacemakerCommandException("crm_attribute --update " + name + "=" + value + " failed with "
                    + r.exitCode() + ": " + r.stderr().strip());
        }
    }

    /**
     * crm_attribute's answer, one line per property set naming the property:
     * {@code scope=crm_config  name=no-quorum-policy value=ignore} (the value unquoted, to the end
     * of the line).
     */
    static Optional<String> propertyValue(String output, String name) throws PacemakerCommandException {
        List<String> values = output.lines().map(PROPERTY::matcher).filter(Matcher::matches)
                .filter(m -> m.group(1).equals(name)).map(m -> m.group(2).strip()).toList();
        if (values.size() > 1) {
            throw new PacemakerCommandException("cluster property " + name + " is set in " + values.size()
                    + " property sets (" + String.join(", ", values) + "): remove all but one");
        }
        return values.stream().findFirst();
    }

    private static final Pattern PROPERTY = Pattern.compile("scope=\\S+\\s+name=(\\S+)\\s+value=(.*)");

    private static String markerXpath(String name) {
        return "//crm_config//nvpair[@name='" + name + "']";
    }

    private static final Pattern VALUE = Pattern.compile("value=\"([^\"]*)\"");
}
