package io.ganeshaha.cib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class CibRendererTest {

    private static final HaCluster CLUSTER = new HaCluster("ganesha-ha", "/var/run/gluster/shared_storage",
            Duration.ofSeconds(5), List.of(
                    new Member("nfs-1.lab.example", List.of(new VirtualIp("198.18.0.101", 24, Optional.of("eth0")))),
                    new Member("n2", List.of(VirtualIp.of("198.18.0.102", 24))),
                    new Member("n3", List.of(VirtualIp.of("198.18.0.103", 24), VirtualIp.of("fd00::3", 64)))));

    private static final HaCluster TWO = new HaCluster(CLUSTER.provider(), CLUSTER.haVolMnt(), CLUSTER.graceDelay(),
            CLUSTER.members().subList(0, 2));

    private static final HaCluster BLOCKED = new HaCluster(CLUSTER.provider(), CLUSTER.haVolMnt(), CLUSTER.graceDelay(),
            CLUSTER.members(), TakeoverOrder.PRECEDING, Optional.empty(),
            Optional.of(new PortBlock("/var/run/gluster/shared_storage/nfs-ganesha/tickle_dir/")));

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
        assertThat(xpath(doc, "count(/constraints/rsc_order)"))
                .as("no order holds a group's start behind the grace clone's instances").isEqualTo("0");
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
    void theQuorumPolicyIsGaneshaHaShsIgnoreBelowThreeMembersAndStopFromThree() {
        HaCluster four = new HaCluster(CLUSTER.provider(), CLUSTER.haVolMnt(), CLUSTER.graceDelay(),
                java.util.stream.Stream.concat(CLUSTER.members().stream(),
                        java.util.stream.Stream.of(new Member("n4", List.of(VirtualIp.of("198.18.0.104", 24))))).toList());

        assertThat(CibRenderer.clusterProperties(TWO)).containsExactly(java.util.Map.entry("no-quorum-policy", "ignore"));
        assertThat(CibRenderer.clusterProperties(CLUSTER)).containsExactly(java.util.Map.entry("no-quorum-policy", "stop"));
        assertThat(CibRenderer.clusterProperties(four)).containsEntry("no-quorum-policy", "stop");
    }

    @Test
    void onlyTheOwnedPropertiesAreRenderedAndFencingIsNotOne() {
        assertThat(CibRenderer.OWNED_PROPERTIES).containsExactly(CibRenderer.NO_QUORUM_POLICY)
                .doesNotContain("stonith-enabled");
        assertThat(CibRenderer.OWNED_PROPERTIES).containsAll(CibRenderer.clusterProperties(CLUSTER).keySet());
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

    @Test
    void withoutPortBlockNoPortblockResourceIsRendered() throws Exception {
        assertThat(count(parse(CibRenderer.resources(CLUSTER)), "//primitive[@type='portblock']")).isZero();
    }

    @Test
    void aSingleVipNodeGetsGlusterFsPortblockPairUnderItsNames() throws Exception {
        Document doc = parse(CibRenderer.resources(BLOCKED));
        assertThat(members(doc, "n2-group"))
                .isEqualTo("n2-takeover n2-nfs_block n2-cluster_ip-1 n2-nfs_unblock");
        String block = "/resources/group[@id='n2-group']/primitive[@id='n2-nfs_block']";
        assertThat(xpath(doc, block + "/@class") + ":" + xpath(doc, block + "/@provider") + ":" + xpath(doc, block + "/@type"))
                .isEqualTo("ocf:heartbeat:portblock");
        assertThat(params(doc, "n2-nfs_block")).isEqualTo("protocol=tcp portno=2049 action=block ip=198.18.0.102");
        assertThat(params(doc, "n2-nfs_unblock")).isEqualTo("protocol=tcp portno=2049 action=unblock ip=198.18.0.102"
                + " reset_local_on_unblock_stop=true tickle_dir=/var/run/gluster/shared_storage/nfs-ganesha/tickle_dir/");
        String unblock = "//primitive[@id='n2-nfs_unblock']/operations/op";
        assertThat(xpath(doc, unblock + "[@name='start']/@timeout")).isEqualTo("60s");
        assertThat(xpath(doc, unblock + "[@name='stop']/@timeout")).isEqualTo("60s");
        assertThat(xpath(doc, unblock + "[@name='monitor']/@interval")).isEqualTo("10s");
        assertThat(xpath(doc, unblock + "[@name='monitor']/@timeout")).isEqualTo("60s");
    }

    @Test
    void aNodeWithSeveralVipsBlocksThemAllBeforeTheFirstComesUpAndUnblocksAfterTheLast() throws Exception {
        Document doc = parse(CibRenderer.resources(BLOCKED));
        assertThat(members(doc, "n3-group")).isEqualTo(
                "n3-takeover n3-nfs_block n3-nfs_block-2 n3-cluster_ip-1 n3-cluster_ip-2 n3-nfs_unblock n3-nfs_unblock-2");
        assertThat(xpath(doc, "//primitive[@id='n3-nfs_block-2']//nvpair[@name='ip']/@value")).isEqualTo("fd00::3");
        assertThat(xpath(doc, "//primitive[@id='n3-nfs_unblock-2']//nvpair[@name='ip']/@value")).isEqualTo("fd00::3");
        assertThat(count(doc, "//primitive[@type='portblock']")).as("a pair per VIP").isEqualTo(8);
    }

    @Test
    void pacemakerAcceptsTheWholeRenderedCib(@TempDir Path dir) throws Exception {
        Path crmVerify = Path.of("/usr/sbin/crm_verify");
        assumeTrue(Files.isExecutable(crmVerify), "Pacemaker's crm_verify is not installed");
        for (HaCluster cluster : List.of(CLUSTER, BLOCKED, TWO)) {
            Path cib = dir.resolve("cib.xml");
            Files.writeString(cib, wholeCib(cluster));
            Process verify = new ProcessBuilder(crmVerify.toString(), "--xml-file", cib.toString(), "-V")
                    .redirectErrorStream(true).start();
            assertThat(verify.waitFor(30, TimeUnit.SECONDS)).as("crm_verify answers").isTrue();
            String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(verify.exitValue()).as("crm_verify: %s", output).isZero();
            assertThat(output).doesNotContainIgnoringCase("error").doesNotContainIgnoringCase("warning");
        }
    }

    /**
     * The rendered sections in a CIB as a GlusterFS cluster has it: its nodes, no fencing, and the
     * rendered cluster properties where crm_attribute puts them.
     */
    private static String wholeCib(HaCluster cluster) {
        StringBuilder nodes = new StringBuilder();
        int id = 1;
        for (Member member : cluster.members()) {
            nodes.append("<node id=\"").append(id++).append("\" uname=\"").append(member.node()).append("\"/>");
        }
        StringBuilder properties = new StringBuilder();
        CibRenderer.clusterProperties(cluster).forEach((name, value) -> properties.append(
                "<nvpair id=\"cib-bootstrap-options-").append(name).append("\" name=\"").append(name)
                .append("\" value=\"").append(value).append("\"/>"));
        return "<cib validate-with=\"pacemaker-3.9\" epoch=\"1\" num_updates=\"0\" admin_epoch=\"0\"><configuration>"
                + "<crm_config><cluster_property_set id=\"cib-bootstrap-options\">"
                + "<nvpair id=\"cib-bootstrap-options-stonith-enabled\" name=\"stonith-enabled\" value=\"false\"/>"
                + properties + "</cluster_property_set></crm_config><nodes>" + nodes + "</nodes>"
                + CibRenderer.resources(cluster) + CibRenderer.constraints(cluster) + "</configuration><status/></cib>";
    }

    /** A group's primitives' ids, in order. */
    private static String members(Document doc, String group) throws Exception {
        NodeList primitives = (NodeList) XPathFactory.newInstance().newXPath().evaluate(
                "/resources/group[@id='" + group + "']/primitive", doc, XPathConstants.NODESET);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < primitives.getLength(); i++) {
            out.append(i == 0 ? "" : " ").append(((org.w3c.dom.Element) primitives.item(i)).getAttribute("id"));
        }
        return out.toString();
    }

    /** A primitive's instance attributes as {@code name=value ...}, in document order. */
    private static String params(Document doc, String primitive) throws Exception {
        NodeList nvpairs = (NodeList) XPathFactory.newInstance().newXPath().evaluate(
                "//primitive[@id='" + primitive + "']/instance_attributes/nvpair", doc, XPathConstants.NODESET);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < nvpairs.getLength(); i++) {
            var nv = (org.w3c.dom.Element) nvpairs.item(i);
            out.append(i == 0 ? "" : " ").append(nv.getAttribute("name")).append('=').append(nv.getAttribute("value"));
        }
        return out.toString();
    }
}
