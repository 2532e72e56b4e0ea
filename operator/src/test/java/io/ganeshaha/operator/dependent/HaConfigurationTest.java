package io.ganeshaha.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.ganeshaha.api.agent.HaConfigMap;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterStatus;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpecBuilder;
import io.ganeshaha.api.v1alpha1.MemberNodeBuilder;
import io.ganeshaha.api.v1alpha1.PortBlockSpecBuilder;
import io.ganeshaha.api.v1alpha1.TakeoverOrder;
import java.io.StringReader;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.xml.sax.InputSource;

class HaConfigurationTest {

    private static GaneshaCluster cluster(TakeoverOrder order) {
        GaneshaClusterSpecBuilder spec = new GaneshaClusterSpecBuilder().withTakeoverOrder(order);
        for (String node : new String[] {"a", "b", "c"}) {
            spec.addToNodes(new MemberNodeBuilder().withName(node).addNewVirtualIp().withAddress("192.0.2." + node.charAt(0) % 50)
                    .withPrefixLength(24).endVirtualIp().build());
        }
        return new GaneshaCluster(new ObjectMetaBuilder().withName("nfs").withUid("u").withGeneration(1L).build(),
                spec.build());
    }

    private static String score(String constraints, String group, String node) throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(constraints)));
        return XPathFactory.newInstance().newXPath().evaluate(
                "/constraints/rsc_location[@rsc='" + group + "' and @node='" + node + "']/@score", doc);
    }

    @Test
    void theSpecsTakeoverOrderReachesTheConstraints() throws Exception {
        String preceding = HaConfiguration.render(cluster(TakeoverOrder.Preceding)).data().get(HaConfigMap.CONSTRAINTS);
        String following = HaConfiguration.render(cluster(TakeoverOrder.Following)).data().get(HaConfigMap.CONSTRAINTS);

        assertThat(score(preceding, "b-group", "a")).isEqualTo("900");
        assertThat(score(preceding, "b-group", "c")).isEqualTo("800");
        assertThat(score(following, "b-group", "c")).isEqualTo("900");
        assertThat(score(following, "b-group", "a")).isEqualTo("800");
    }

    @Test
    void portBlockPairsAreRenderedOnlyWhenTheSpecEnablesThem() throws Exception {
        GaneshaCluster cluster = cluster(TakeoverOrder.Preceding);
        assertThat(HaConfiguration.render(cluster).data().get(HaConfigMap.RESOURCES)).doesNotContain("portblock");

        cluster.getSpec().setPortBlock(new PortBlockSpecBuilder().withEnabled(true).build());
        cluster.getSpec().setHaVolMnt("/srv/ha/");
        assertThat(tickleDir(HaConfiguration.render(cluster).data().get(HaConfigMap.RESOURCES), "b-nfs_unblock"))
                .as("ganesha-ha.sh's default under haVolMnt").isEqualTo("/srv/ha/nfs-ganesha/tickle_dir/");

        cluster.getSpec().getPortBlock().setTickleDir("/shared/tickles");
        assertThat(tickleDir(HaConfiguration.render(cluster).data().get(HaConfigMap.RESOURCES), "b-nfs_unblock"))
                .isEqualTo("/shared/tickles");

        cluster.getSpec().getPortBlock().setEnabled(false);
        assertThat(HaConfiguration.render(cluster).data().get(HaConfigMap.RESOURCES)).doesNotContain("portblock");
    }

    @Test
    void theQuorumPolicyFollowsTheMemberCountAsGaneshaHaShSetIt() {
        GaneshaCluster three = cluster(TakeoverOrder.Preceding);
        assertThat(HaConfigMap.parseClusterProperties(HaConfiguration.render(three).data().get(HaConfigMap.CLUSTER_PROPERTIES)))
                .containsExactly(java.util.Map.entry("no-quorum-policy", "stop"));
        three.getSpec().getNodes().remove(2);
        assertThat(HaConfigMap.parseClusterProperties(HaConfiguration.render(three).data().get(HaConfigMap.CLUSTER_PROPERTIES)))
                .containsExactly(java.util.Map.entry("no-quorum-policy", "ignore"));
    }

    @Test
    void aChangedQuorumPolicyAloneIsANewPacemakerConfiguration() {
        GaneshaCluster cluster = cluster(TakeoverOrder.Preceding);
        HaConfiguration rendered = HaConfiguration.render(cluster);
        GaneshaClusterStatus status = new GaneshaClusterStatus();
        status.setPacemakerConfiguration(rendered.pacemakerConfiguration(cluster));
        cluster.setStatus(status);
        cluster.getMetadata().setGeneration(2L);
        assertThat(rendered.pacemakerConfiguration(cluster).getGeneration()).as("the same rendering keeps its generation")
                .isEqualTo("u/1");

        Map<String, String> otherPolicy = new TreeMap<>(rendered.data());
        otherPolicy.put(HaConfigMap.CLUSTER_PROPERTIES, otherPolicy.get(HaConfigMap.CLUSTER_PROPERTIES)
                .replace("no-quorum-policy=stop", "no-quorum-policy=ignore"));
        assertThat(otherPolicy).isNotEqualTo(rendered.data());
        assertThat(new HaConfiguration(otherPolicy).pacemakerConfiguration(cluster).getGeneration())
                .as("same sections, another policy: the agents must write it").isEqualTo("u/2");
    }

    private static String tickleDir(String resources, String primitive) throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(resources)));
        return XPathFactory.newInstance().newXPath().evaluate(
                "//primitive[@id='" + primitive + "']//nvpair[@name='tickle_dir']/@value", doc);
    }

    @Test
    void theNfsv4BlockIsRenderedOnlyWhenTheSpecSetsOneAndNamesItsCluster() {
        GaneshaCluster c = cluster(TakeoverOrder.Preceding);
        assertThat(HaConfiguration.nfsv4Block(c)).isEmpty();
        var nfsv4 = new io.ganeshaha.api.v1alpha1.Nfsv4Spec();
        nfsv4.setLeaseLifetimeSeconds(30);
        c.getSpec().getGanesha().setNfsv4(nfsv4);
        assertThat(HaConfiguration.nfsv4Block(c)).get().satisfies(block -> assertThat(block)
                .contains("Grace_Period = 90;\n", "Lease_Lifetime = 30;\n", "Server_Scope = \"nfs\";\n")
                .startsWith("# rendered by the ganesha-ha operator from GaneshaCluster null/nfs"));
    }
}
