package io.ganeshaha.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.cib.CibRenderer;
import io.ganeshaha.api.agent.PacemakerLayout;
import io.ganeshaha.cib.HaCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The imported YAML is a GaneshaCluster, and the operator's rendering of it has the GlusterFS
 * cluster's VIP resources, failover preference order and portblock resources under the same names:
 * an operator who knew the GlusterFS layout finds it again.
 */
class RoundTripTest {

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.THREE_NODES, Fixtures.FOUR_NODES_FQDN, Fixtures.THREE_NODES_NO_PORTBLOCK})
    void theRenderingOfTheImportHasTheGlusterFsNamesAndOrder(String fixture) throws Exception {
        Fixtures.Run run = Fixtures.importFixture(fixture);
        assertThat(run.exitCode()).isZero();
        // Strict: every field the import writes is one the API model knows.
        GaneshaCluster cluster = YamlOutput.MAPPER.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .readValue(run.out(), GaneshaCluster.class);
        HaCluster ha = PacemakerLayout.of(cluster.getSpec());
        Document rendered = Dom.parseCib("<cib><configuration>" + CibRenderer.resources(ha) + CibRenderer.constraints(ha)
                + "</configuration></cib>", "the rendering");
        Document glusterfs = Dom.parseCib(Fixtures.cibText(fixture), "the fixture");

        assertThat(ids(rendered, "IPaddr2")).isEqualTo(ids(glusterfs, "IPaddr")).isNotEmpty();
        assertThat(ids(rendered, "portblock")).isEqualTo(ids(glusterfs, "portblock"));
        assertThat(preferenceOrders(rendered)).isEqualTo(preferenceOrders(glusterfs)).hasSize(ha.members().size());
        for (String group : groupIds(glusterfs)) {
            assertThat(members(rendered, group)).as("the GlusterFS group %s, after the takeover gate", group)
                    .endsWith(members(glusterfs, group).toArray(String[]::new));
        }
    }

    private static NodeList select(Document doc, String xpath) throws Exception {
        return (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
    }

    private static List<String> ids(Document doc, String type) throws Exception {
        List<String> ids = new ArrayList<>();
        NodeList nodes = select(doc, "//primitive[@type='" + type + "']");
        for (int i = 0; i < nodes.getLength(); i++) {
            ids.add(((Element) nodes.item(i)).getAttribute("id"));
        }
        return ids;
    }

    private static List<String> groupIds(Document doc) throws Exception {
        List<String> ids = new ArrayList<>();
        NodeList groups = select(doc, "//resources/group");
        for (int i = 0; i < groups.getLength(); i++) {
            ids.add(((Element) groups.item(i)).getAttribute("id"));
        }
        return ids;
    }

    private static List<String> members(Document doc, String group) throws Exception {
        List<String> ids = new ArrayList<>();
        NodeList primitives = select(doc, "//resources/group[@id='" + group + "']/primitive");
        for (int i = 0; i < primitives.getLength(); i++) {
            ids.add(((Element) primitives.item(i)).getAttribute("id"));
        }
        return ids;
    }

    /** Per group, the nodes it prefers from most to least (scores differ, the order is what counts). */
    private static Map<String, List<String>> preferenceOrders(Document doc) throws Exception {
        Map<String, Map<String, String>> scores = new TreeMap<>();
        NodeList locations = select(doc, "//constraints/rsc_location[@node]");
        for (int i = 0; i < locations.getLength(); i++) {
            Element l = (Element) locations.item(i);
            scores.computeIfAbsent(l.getAttribute("rsc"), r -> new java.util.LinkedHashMap<>())
                    .put(l.getAttribute("node"), l.getAttribute("score"));
        }
        Map<String, List<String>> orders = new TreeMap<>();
        scores.forEach((rsc, byNode) -> orders.put(rsc, TakeoverOrderInference.ranking(byNode).orElseThrow()));
        return orders;
    }
}
