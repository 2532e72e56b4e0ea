package io.ganeshaha.migrate;

import static io.ganeshaha.migrate.Fixtures.FOUR_NODES_FQDN;
import static io.ganeshaha.migrate.Fixtures.THREE_NODES;
import static io.ganeshaha.migrate.Fixtures.THREE_NODES_NO_PORTBLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.api.v1alpha1.TakeoverOrder;
import io.ganeshaha.api.v1alpha1.VirtualIpSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportCommandTest {

    private static GaneshaCluster parsed(Fixtures.Run run) throws Exception {
        return YamlOutput.read(run.out());
    }

    private static String vips(MemberNode node) {
        return node.getVirtualIps().stream().map(v -> v.getAddress() + "/" + v.getPrefixLength()).toList().toString();
    }

    @Test
    void aThreeNodeGlusterFsClusterIsCarriedOverWhole() throws Exception {
        Fixtures.Run run = Fixtures.importFixture(THREE_NODES, "--namespace", "storage");
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(ImportCommand.EXIT_OK);
        GaneshaCluster cluster = parsed(run);
        assertThat(cluster.getApiVersion()).isEqualTo("ganeshaha.io/v1alpha1");
        assertThat(cluster.getKind()).isEqualTo("GaneshaCluster");
        assertThat(cluster.getMetadata().getName()).isEqualTo("ganesha-ha-360");
        assertThat(cluster.getMetadata().getNamespace()).isEqualTo("storage");
        assertThat(cluster.getSpec().getNodes()).extracting(MemberNode::getName).containsExactly("n1", "n2", "n3");
        assertThat(cluster.getSpec().getNodes()).extracting(MemberNode::getPacemakerName).containsExactly("n1", "n2", "n3");
        assertThat(cluster.getSpec().getNodes()).extracting(ImportCommandTest::vips)
                .containsExactly("[198.18.0.101/32]", "[198.18.0.102/32]", "[198.18.0.103/32]");
        assertThat(cluster.getSpec().getGraceDelaySeconds()).isEqualTo(5);
        assertThat(cluster.getSpec().getHaVolMnt()).isEqualTo("/var/run/gluster/shared_storage");
        assertThat(cluster.getSpec().getTakeoverOrder()).isEqualTo(TakeoverOrder.Preceding);
        assertThat(cluster.getSpec().getPortBlock().getEnabled()).isTrue();
        assertThat(cluster.getSpec().getPortBlock().getTickleDir())
                .isEqualTo("/var/run/gluster/shared_storage/nfs-ganesha/tickle_dir/");
    }

    @Test
    void fourNodesByFqdnKeepTheirPacemakerNamesAndTakeKubernetesNamesGiven() throws Exception {
        Fixtures.Run run = Fixtures.importFixture(FOUR_NODES_FQDN, "--node-name", "nfs-4.lab.example.org=nfs-4");
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isEqualTo(ImportCommand.EXIT_OK);
        GaneshaCluster cluster = parsed(run);
        assertThat(cluster.getMetadata().getName()).as("HA_NAME Lab_NFS.Cluster as a DNS label").isEqualTo("lab-nfs-cluster");
        assertThat(cluster.getMetadata().getNamespace()).isNull();
        assertThat(cluster.getSpec().getNodes()).extracting(MemberNode::getName).containsExactly(
                "nfs-1.lab.example.org", "nfs-2.lab.example.org", "nfs-3.lab.example.org", "nfs-4");
        assertThat(cluster.getSpec().getNodes().get(3).getPacemakerName()).isEqualTo("nfs-4.lab.example.org");
        assertThat(cluster.getSpec().getNodes()).extracting(ImportCommandTest::vips).containsExactly(
                "[198.18.1.11/32]", "[198.18.1.12/32]", "[198.18.1.13/32]", "[198.18.1.14/32]");
        assertThat(cluster.getSpec().getHaVolMnt()).isEqualTo("/run/gluster/shared_storage");
        assertThat(cluster.getSpec().getPortBlock().getTickleDir()).isEqualTo("/run/gluster/shared_storage/nfs-ganesha/tickle_dir/");
        assertThat(cluster.getSpec().getTakeoverOrder()).isEqualTo(TakeoverOrder.Preceding);
    }

    @Test
    void withoutPortblockPairsTheClusterHasNoPortBlock() throws Exception {
        Fixtures.Run run = Fixtures.importFixture(THREE_NODES_NO_PORTBLOCK);
        assertThat(run.exitCode()).isEqualTo(ImportCommand.EXIT_OK);
        assertThat(parsed(run).getSpec().getPortBlock()).isNull();
        assertThat(run.out()).doesNotContain("portBlock");
    }

    @Test
    void aVipTheConfAndTheCibDisagreeOnIsReportedAndTheCibWins(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("ganesha-ha.conf");
        Files.writeString(conf, Files.readString(Fixtures.conf(THREE_NODES)).replace("VIP_n2=\"198.18.0.102\"",
                "VIP_n2=\"198.18.0.202\""));
        Fixtures.Run run = Fixtures.run("import", "--config", conf.toString(), "--cib", Fixtures.cib(THREE_NODES).toString());
        assertThat(run.exitCode()).isEqualTo(ImportCommand.EXIT_NOT_CARRIED_OVER);
        assertThat(run.notCarriedOver()).singleElement().asString()
                .contains("VIP_n2=198.18.0.202").contains("198.18.0.102");
        assertThat(vips(parsed(run).getSpec().getNodes().get(1))).isEqualTo("[198.18.0.102/32]");
    }

    @Test
    void resourcesConstraintsAndPropertiesItCannotExpressAreNamedAndTheYamlStillPrinted(@TempDir Path dir)
            throws Exception {
        String cib = Fixtures.cibText(THREE_NODES);
        cib = Fixtures.withAppended(cib, "resources", """
                <primitive id="backup-cron" class="ocf" provider="heartbeat" type="Dummy"/>
                <primitive id="fence-n1" class="stonith" type="fence_ipmilan">
                  <instance_attributes id="fence-n1-ia"><nvpair id="fence-n1-ia-ip" name="ip" value="10.9.9.1"/></instance_attributes>
                </primitive>
                <primitive id="n9-cluster_ip-1" class="ocf" provider="heartbeat" type="IPaddr2">
                  <instance_attributes id="n9-ia"><nvpair id="n9-ia-ip" name="ip" value="198.18.0.199"/></instance_attributes>
                </primitive>""");
        cib = Fixtures.withAppended(cib, "constraints",
                "<rsc_colocation id=\"keep-together\" rsc=\"backup-cron\" with-rsc=\"n1-group\" score=\"INFINITY\"/>");
        String n1Netmask = "id=\"n1-cluster_ip-1-instance_attributes-cidr_netmask\" name=\"cidr_netmask\" value=\"32\"/>";
        cib = cib.replace(n1Netmask, n1Netmask + "<nvpair id=\"x-lvs\" name=\"lvs_support\" value=\"true\"/>");
        cib = cib.replace("</cluster_property_set>",
                "<nvpair id=\"o-st\" name=\"symmetric-cluster\" value=\"false\"/></cluster_property_set>");
        Path file = dir.resolve("cib.xml");
        Files.writeString(file, cib);

        Fixtures.Run run = Fixtures.run("import", "--config", Fixtures.conf(THREE_NODES).toString(), "--cib", file.toString());
        assertThat(run.exitCode()).isEqualTo(ImportCommand.EXIT_NOT_CARRIED_OVER);
        assertThat(run.notCarriedOver()).anySatisfy(l -> assertThat(l).contains("resource backup-cron (ocf:heartbeat:Dummy)"))
                .anySatisfy(l -> assertThat(l).contains("fencing resource fence-n1 (stonith:fence_ipmilan)"))
                .anySatisfy(l -> assertThat(l).contains("virtual IP n9-cluster_ip-1 (ip=198.18.0.199)")
                        .contains("no node"))
                .anySatisfy(l -> assertThat(l).contains("constraint keep-together (rsc_colocation"))
                .anySatisfy(l -> assertThat(l).contains("parameters of n1-cluster_ip-1").contains("lvs_support=true"))
                .anySatisfy(l -> assertThat(l).contains("cluster property symmetric-cluster=false"));
        assertThat(run.notCarriedOver()).as("each thing once, and nothing ganesha-ha.sh wrote").hasSize(6);
        assertThat(parsed(run).getSpec().getNodes()).hasSize(3);
    }

    @Test
    void aMalformedCibIsBadInputAndPrintsNothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cib.xml");
        Files.writeString(file, Fixtures.cibText(THREE_NODES).substring(0, 500));
        Fixtures.Run run = Fixtures.run("import", "--config", Fixtures.conf(THREE_NODES).toString(), "--cib", file.toString());
        assertThat(run.exitCode()).isEqualTo(ImportCommand.EXIT_BAD_INPUT);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains(file + " is not well-formed XML");

        Files.writeString(file, "<resources/>");
        run = Fixtures.run("import", "--config", Fixtures.conf(THREE_NODES).toString(), "--cib", file.toString());
        assertThat(run.exitCode()).isEqualTo(ImportCommand.EXIT_BAD_INPUT);
        assertThat(run.err()).contains("is not a CIB");
    }

    @Test
    void aMissingConfigIsBadInputNamingTheFile(@TempDir Path dir) {
        Fixtures.Run run = Fixtures.run("import", "--config", dir.resolve("nope.conf").toString(), "--cib",
                Fixtures.cib(THREE_NODES).toString());
        assertThat(run.exitCode()).isEqualTo(ImportCommand.EXIT_BAD_INPUT);
        assertThat(run.err()).contains("--config " + dir.resolve("nope.conf")).contains("cannot read it");
    }

    @Test
    void aNodeWithoutVipIsBadInputNamingTheNode(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("ganesha-ha.conf");
        Files.writeString(conf, Files.readString(Fixtures.conf(THREE_NODES)).replace("VIP_n3=\"198.18.0.103\"\n", ""));
        Fixtures.Run run = Fixtures.run("import", "--config", conf.toString(), "--cib", Fixtures.cib(THREE_NODES).toString());
        assertThat(run.exitCode()).isEqualTo(ImportCommand.EXIT_BAD_INPUT);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("node n3 of HA_CLUSTER_NODES has no VIP");
    }

    @Test
    void aPacemakerNameKubernetesDoesNotAcceptNeedsANodeNameMapping(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("ganesha-ha.conf");
        Files.writeString(conf, "HA_NAME=x\nHA_CLUSTER_NODES=\"Node_A,n2\"\nVIP_Node_A=198.18.0.1\nVIP_n2=198.18.0.2\n");
        Path cib = dir.resolve("cib.xml");
        Files.writeString(cib, "<cib><configuration><resources/><constraints/></configuration></cib>");
        Fixtures.Run run = Fixtures.run("import", "--config", conf.toString(), "--cib", cib.toString());
        assertThat(run.exitCode()).isEqualTo(ImportCommand.EXIT_BAD_INPUT);
        assertThat(run.err()).contains("--node-name Node_A=<kubernetes-name>");

        run = Fixtures.run("import", "--config", conf.toString(), "--cib", cib.toString(), "--node-name", "Node_A=node-a");
        assertThat(run.exitCode()).as("VIPs from the conf only: reported").isEqualTo(ImportCommand.EXIT_NOT_CARRIED_OVER);
        assertThat(parsed(run).getSpec().getNodes().get(0).getName()).isEqualTo("node-a");
        assertThat(run.notCarriedOver()).anySatisfy(l -> assertThat(l).contains("the CIB has no Node_A-cluster_ip-1"));
    }

    @Test
    void graceDelayComesFromGaneshaMon(@TempDir Path dir) throws Exception {
        String cib = Fixtures.cibText(THREE_NODES).replace("<primitive id=\"nfs-mon\" class=\"ocf\" provider=\"heartbeat\" type=\"ganesha_mon\">",
                "<primitive id=\"nfs-mon\" class=\"ocf\" provider=\"heartbeat\" type=\"ganesha_mon\"><instance_attributes id=\"m\">"
                        + "<nvpair id=\"m-gd\" name=\"grace_delay\" value=\"12\"/></instance_attributes>");
        Path file = dir.resolve("cib.xml");
        Files.writeString(file, cib);
        Fixtures.Run run = Fixtures.run("import", "--config", Fixtures.conf(THREE_NODES).toString(), "--cib", file.toString());
        assertThat(run.exitCode()).isEqualTo(ImportCommand.EXIT_OK);
        assertThat(parsed(run).getSpec().getGraceDelaySeconds()).isEqualTo(12);
    }

    @Test
    void preferencesThatFollowTheListAreFollowingAndScrambledOnesAreReported(@TempDir Path dir) throws Exception {
        // ganesha-ha.sh: n2-group prefers n3=1000 n1=2000 n2=3000. Swapped for every group: Following.
        String cib = Fixtures.cibText(THREE_NODES);
        String following = cib;
        for (String[] g : new String[][] {{"n1", "n2", "n3"}, {"n2", "n3", "n1"}, {"n3", "n1", "n2"}}) {
            following = following
                    .replace("rsc=\"" + g[0] + "-group\" node=\"" + g[1] + "\" score=\"1000\"",
                            "rsc=\"" + g[0] + "-group\" node=\"" + g[1] + "\" score=\"2000\"")
                    .replace("rsc=\"" + g[0] + "-group\" node=\"" + g[2] + "\" score=\"2000\"",
                            "rsc=\"" + g[0] + "-group\" node=\"" + g[2] + "\" score=\"1000\"");
        }
        Path file = dir.resolve("cib.xml");
        Files.writeString(file, following);
        Fixtures.Run run = Fixtures.run("import", "--config", Fixtures.conf(THREE_NODES).toString(), "--cib", file.toString());
        assertThat(run.err()).isEmpty();
        assertThat(parsed(run).getSpec().getTakeoverOrder()).isEqualTo(TakeoverOrder.Following);

        String scrambled = cib.replace("rsc=\"n2-group\" node=\"n2\" score=\"3000\"", "rsc=\"n2-group\" node=\"n2\" score=\"500\"");
        Files.writeString(file, scrambled);
        run = Fixtures.run("import", "--config", Fixtures.conf(THREE_NODES).toString(), "--cib", file.toString());
        assertThat(run.exitCode()).isEqualTo(ImportCommand.EXIT_NOT_CARRIED_OVER);
        assertThat(run.notCarriedOver()).singleElement().asString().contains("location preferences of n2-group")
                .contains("n2=500").contains("Preceding");
    }

    @Test
    void portblockPairsOnSomeNodesOnlyAreNamedNotHalfCarried(@TempDir Path dir) throws Exception {
        String cib = Fixtures.cibText(THREE_NODES).replaceAll("(?s)<primitive id=\"n3-nfs_(un)?block\".*?</primitive>", "");
        Path file = dir.resolve("cib.xml");
        Files.writeString(file, cib);
        Fixtures.Run run = Fixtures.run("import", "--config", Fixtures.conf(THREE_NODES).toString(), "--cib", file.toString());
        assertThat(run.exitCode()).isEqualTo(ImportCommand.EXIT_NOT_CARRIED_OVER);
        assertThat(parsed(run).getSpec().getPortBlock()).isNull();
        assertThat(run.notCarriedOver()).hasSize(4).allSatisfy(l -> assertThat(l).contains("portblock n"))
                .noneSatisfy(l -> assertThat(l).contains("n3-nfs"));
    }

    @Test
    void aPacemakerThatDoesNotAnswerIsNamedWithinTheTimeout(@TempDir Path dir) throws Exception {
        Path slow = dir.resolve("cibadmin");
        Files.writeString(slow, "#!/bin/sh\nsleep 30\n");
        assertThat(slow.toFile().setExecutable(true)).isTrue();
        long start = System.nanoTime();
        Fixtures.Run run = Fixtures.run("import", "--config", Fixtures.conf(THREE_NODES).toString(),
                "--cibadmin", slow.toString(), "--timeout", "1");
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(10_000);
        assertThat(run.exitCode()).isEqualTo(ImportCommand.EXIT_BAD_INPUT);
        assertThat(run.err()).contains("--query did not answer within 1 s").contains("--cib");
    }

    @Test
    void theLiveCibIsCibadminsOutput(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve("cibadmin");
        Files.writeString(fake, "#!/bin/sh\n[ \"$1\" = --query ] || exit 64\ncat " + Fixtures.cib(THREE_NODES).toAbsolutePath() + "\n");
        assertThat(fake.toFile().setExecutable(true)).isTrue();
        Fixtures.Run run = Fixtures.run("import", "--config", Fixtures.conf(THREE_NODES).toString(), "--cibadmin", fake.toString());
        assertThat(run.exitCode()).isEqualTo(ImportCommand.EXIT_OK);
        assertThat(run.out()).isEqualTo(Fixtures.importFixture(THREE_NODES).out()
                .replace(Fixtures.cib(THREE_NODES).toString(), "the output of cibadmin --query"));
    }

    @Test
    void namesAreMadeValidForKubernetes() {
        assertThat(KubernetesNames.clusterName("Lab_NFS.Cluster")).contains("lab-nfs-cluster");
        assertThat(KubernetesNames.clusterName("--x--")).contains("x");
        assertThat(KubernetesNames.clusterName("a".repeat(60))).hasValueSatisfying(n -> assertThat(n).hasSize(52));
        assertThat(KubernetesNames.clusterName("___")).isEmpty();
        assertThat(VipImport.dottedToPrefix("255.255.255.0")).isEqualTo(24);
        assertThat(Set.of(KubernetesNames.isNodeName("nfs-1.lab"), KubernetesNames.isNodeName("Nfs_1"))).containsExactlyInAnyOrder(true, false);
    }
}
