package io.ganeshaha.cib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class CibRendererTest {

    private static final HaCluster CLUSTER = new HaCluster("ganesha-ha", "/var/run/gluster/shared_storage",
            Duration.ofSeconds(5), List.of(
                    new Member("nfs-1.lab.example", List.of(new VirtualIp("198.18.0.101", 24, Optional.of("eth0")))),
                    new Member("n2", List.of(VirtualIp.of("198.18.0.102", 24))),
                    new Member("n3", List.of(VirtualIp.of("198.18.0.103", 24), VirtualIp.of("fd00::3", 64)))));

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String xpath(Document doc, String expression) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(expression, doc);
    }

    private static int count(Document doc, String expression) throws Exception {
        return ((NodeList) XPathFactory.newInstance().newXPath().evaluate(expression, doc, XPathConstants.NODESET)).getLength();
    }

    @Test
    void theThreeClonesAsGaneshaHaShLaidThemOut() throws Exception {
        Document doc = parse(CibRenderer.resources(CLUSTER));
        assertThat(xpath(doc, "/resources/clone[@id='nfs_setup-clone']/primitive/@type")).isEqualTo("ganesha_nfsd");
        assertThat(xpath(doc, "/resources/clone[@id='nfs_setup-clone']/primitive//nvpair[@name='ha_vol_mnt']/@value"))
                .isEqualTo("/var/run/gluster/shared_storage");
        assertThat(xpath(doc, "/resources/clone[@id='nfs-mon-clone']/primitive/@type")).isEqualTo("ganesha_mon");
        assertThat(xpath(doc, "/resources/clone[@id='nfs-mon-clone']/primitive//nvpair[@name='grace_delay']/@value"))
                .isEqualTo("5");
        assertThat(xpath(doc, "/resources/clone[@id='nfs-grace-clone']/meta_attributes/nvpair[@name='notify']/@value"))
                .isEqualTo("true");
        assertThat(xpath(doc, "/resources/clone[@id='nfs-grace-clone']/primitive/@provider")).isEqualTo("ganesha-ha");
    }

    @Test
    void eachNodesVipsFollowItsTakeoverGateInOneGroup() throws Exception {
        Document doc = parse(CibRenderer.resources(CLUSTER));
        assertThat(count(doc, "/resources/group/primitive[@type='IPaddr2']")).isEqualTo(4);
        assertThat(xpath(doc, "/resources/group[@id='n3-group']/primitive[1]/@type")).as("the gate comes first")
                .isEqualTo("ganesha_takeover");
        assertThat(xpath(doc, "/resources/group[@id='n3-group']/primitive[1]//nvpair[@name='home_node']/@value"))
                .isEqualTo("n3");
        assertThat(xpath(doc, "/resources/group[@id='n3-group']/primitive[3]/@id")).isEqualTo("n3-cluster_ip-2");
        assertThat(xpath(doc, "//primitive[@id='nfs-1.lab.example-cluster_ip-1']//nvpair[@name='nic']/@value"))
                .isEqualTo("eth0");
        assertThat(xpath(doc, "//primitive[@id='n3-cluster_ip-2']//nvpair[@name='cidr_netmask']/@value"))
                .isEqualTo("64");
    }

    @Test
    void rulesBanGraceAndVipsWhereTheirAttributeIsNotOne() throws Exception {
        Document doc = parse(CibRenderer.constraints(CLUSTER));
        assertThat(xpath(doc, "/constraints/rsc_location[@rsc='nfs-grace-clone']/rule/@score")).isEqualTo("-INFINITY");
        assertThat(xpath(doc, "/constraints/rsc_location[@rsc='nfs-grace-clone']/rule/expression/@attribute"))
                .isEqualTo("grace-active");
        assertThat(xpath(doc, "/constraints/rsc_location[@rsc='n2-group']/rule/expression/@attribute"))
                .isEqualTo("ganesha-active");
        assertThat(xpath(doc, "/constraints/rsc_location[@rsc='n2-group']/rule/expression/@operation"))
                .isEqualTo("ne");
    }

    @Test
    void eachVipPrefersItsHomeThenTheNodeListedBeforeItAsGlusterFsDid() throws Exception {
        // ganesha-ha.sh for members n1 n2 n3: n2's group prefers n3=1000, n1=2000, n2=3000.
        Document doc = parse(CibRenderer.constraints(CLUSTER));
        assertThat(xpath(doc, "/constraints/rsc_location[@rsc='n2-group' and @node='n2']/@score")).isEqualTo("1000");
        assertThat(xpath(doc, "/constraints/rsc_location[@rsc='n2-group' and @node='nfs-1.lab.example']/@score"))
                .isEqualTo("900");
        assertThat(xpath(doc, "/constraints/rsc_location[@rsc='n2-group' and @node='n3']/@score")).isEqualTo("800");
        assertThat(xpath(doc, "/constraints/rsc_location[@rsc='nfs-1.lab.example-group' and @node='n3']/@score"))
                .as("the first member's predecessor is the last one").isEqualTo("900");
        assertThat(xpath(doc, "/constraints/rsc_order[@then='n3-group']/@first")).isEqualTo("nfs-grace-clone");
    }

    @Test
    void ganeshaMonIsToldThePidFileTheAgentWatches() throws Exception {
        assertThat(xpath(parse(CibRenderer.resources(CLUSTER)),
                "count(//primitive[@type='ganesha_mon']//nvpair[@name='pid_file'])")).as("the default: none").isEqualTo("0");
        HaCluster glusterPid = new HaCluster(CLUSTER.provider(), CLUSTER.haVolMnt(), CLUSTER.graceDelay(),
                CLUSTER.members(), TakeoverOrder.PRECEDING, Optional.of("/var/run/ganesha.pid"));
        assertThat(xpath(parse(CibRenderer.resources(glusterPid)),
                "//primitive[@type='ganesha_mon']//nvpair[@name='pid_file']/@value")).isEqualTo("/var/run/ganesha.pid");
    }

    @Test
    void theFollowingOrderPrefersTheNodeListedAfterTheHome() throws Exception {
        HaCluster following = new HaCluster(CLUSTER.provider(), CLUSTER.haVolMnt(), CLUSTER.graceDelay(),
                CLUSTER.members(), TakeoverOrder.FOLLOWING, Optional.empty());
        Document doc = parse(CibRenderer.constraints(following));
        assertThat(xpath(doc, "/constraints/rsc_location[@rsc='n2-group' and @node='n3']/@score")).isEqualTo("900");
        assertThat(xpath(doc, "/constraints/rsc_location[@rsc='n2-group' and @node='nfs-1.lab.example']/@score"))
                .isEqualTo("800");
    }

    @Test
    void idsAreValidXmlIdsWhateverTheNodeName() {
        assertThat(CibRenderer.xmlId("10.0.0.1-cluster_ip-1")).isEqualTo("id-10.0.0.1-cluster_ip-1");
        assertThat(CibRenderer.xmlId("a:b/c")).isEqualTo("a_b_c");
    }

    @Test
    void badClustersAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new HaCluster("p", "/s", Duration.ofSeconds(5),
                List.of(new Member("a", List.of()), new Member("a", List.of()))))
                .hasMessageContaining("node a is named twice");
        assertThatThrownBy(() -> VirtualIp.of("198.18.0.1", 0)).hasMessageContaining("must be 1 to 128");
        assertThatThrownBy(() -> new HaCluster("p", "/s", Duration.ofMillis(1500), List.of(new Member("a", List.of()))))
                .hasMessageContaining("whole");
    }
}
