package io.ganeshaha.agent.testing;

import io.ganeshaha.agent.pacemaker.AttrdOutput;
import io.ganeshaha.agent.pacemaker.Cib;
import io.ganeshaha.agent.pacemaker.CommandRunner;
import io.ganeshaha.agent.pacemaker.PacemakerCommandException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** What Pacemaker says about the lab, read with its own tools from inside a node. */
public final class ClusterView {

    private final Lab lab;
    private final String node;

    public ClusterView(Lab lab, String node) {
        this.lab = lab;
        this.node = node;
    }

    /** Non-empty values of a transient attribute by node. */
    public Map<String, String> attribute(String name) {
        Shell.Result r = lab.exec(node, "attrd_updater", "-Q", "-A", "-n", name);
        return r.exitCode() == 0 ? AttrdOutput.valuesByNode(r.stdout(), name) : Map.of();
    }

    public void replaceSection(String scope, String xml) {
        lab.exec(node, Map.of(), Duration.ofSeconds(60), "cibadmin", "--replace", "--scope", scope, "--xml-text", xml)
                .orFail("cibadmin --replace --scope " + scope);
    }

    /** Both sections in one CIB update, the way the agent converges them. */
    public void replaceResourcesAndConstraints(String resources, String constraints) {
        try {
            cib().replaceResourcesAndConstraints(resources, constraints);
        } catch (PacemakerCommandException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** The agent's own {@link Cib}, its tools run inside the node. */
    private Cib cib() {
        return new Cib(new CommandRunner() {
            @Override
            public Result run(List<String> argv, Duration timeout) {
                Shell.Result r = lab.exec(node, Map.of(), timeout, argv.toArray(String[]::new));
                return new Result(r.exitCode(), r.stdout(), r.stderr());
            }
        }, Duration.ofSeconds(60));
    }

    public Document crmMon() {
        Shell.Result r = lab.exec(node, "crm_mon", "-1", "--output-as=xml").orFail("crm_mon");
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(r.stdout().getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("crm_mon printed no XML: " + r.stdout(), e);
        }
    }

    /** crm_mon's own text, with node attributes, fail counts and inactive resources, for a failure message. */
    public String describe() {
        Shell.Result r = lab.exec(node, "crm_mon", "-1", "-A", "-f", "-r", "--show-detail");
        return r.stdout() + r.stderr();
    }

    /** The nodes a resource (or every instance of a clone's primitive) is started on. */
    public List<String> startedOn(String resourceId) {
        return strings(crmMon(), "//resource[@id='" + resourceId + "' and @role='Started']/node/@name");
    }

    /** Failed actions crm_mon lists, as "op_key on node: exitstatus (reason)". */
    public List<String> failedActions() {
        NodeList failures = nodes(crmMon(), "//failures/failure");
        List<String> result = new ArrayList<>();
        for (int i = 0; i < failures.getLength(); i++) {
            Element f = (Element) failures.item(i);
            result.add(f.getAttribute("op_key") + " on " + f.getAttribute("node") + ": " + f.getAttribute("exitstatus")
                    + " (" + f.getAttribute("exitreason") + ")");
        }
        return result;
    }

    private static List<String> strings(Document doc, String xpath) {
        NodeList list = nodes(doc, xpath);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            values.add(list.item(i).getNodeValue());
        }
        return values;
    }

    private static NodeList nodes(Document doc, String xpath) {
        try {
            return (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
        } catch (Exception e) {
            throw new AssertionError("bad XPath " + xpath, e);
        }
    }
}
