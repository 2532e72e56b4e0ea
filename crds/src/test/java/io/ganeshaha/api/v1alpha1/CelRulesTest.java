package io.ganeshaha.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.api.v1alpha1.CrdRules.Violation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GaneshaCluster CRD's CEL rules, evaluated on the checked-in YAML: what the API server rejects
 * on {@code kubectl apply}, with the message and the field it names.
 */
class CelRulesTest {

    private static CrdRules rules;

    @BeforeAll
    static void load() throws Exception {
        rules = CrdRules.of(Path.of("ganeshaclusters.ganeshaha.io-v1.yml"));
    }

    static VirtualIpSpec vip(String address, int prefix) {
        return new VirtualIpSpecBuilder().withAddress(address).withPrefixLength(prefix).build();
    }

    static MemberNode node(String name, String pacemakerName, VirtualIpSpec... vips) {
        return new MemberNodeBuilder().withName(name).withPacemakerName(pacemakerName).withVirtualIps(vips).build();
    }

    static GaneshaCluster cluster(MemberNode... nodes) {
        return new GaneshaCluster(new ObjectMetaBuilder().withName("nfs").build(),
                new GaneshaClusterSpecBuilder().withNodes(nodes).build());
    }

    @Test
    void everyRuleCompiles() throws Exception {
        assertThat(rules.allRules()).hasSize(13);
        for (String rule : rules.allRules()) {
            CrdRules.compile(rule);
        }
    }

    @Test
    void aValidClusterPassesEveryRule() throws Exception {
        GaneshaCluster ok = cluster(
                node("nfs-1", null, vip("192.0.2.11", 24), vip("2001:db8::11", 64)),
                node("nfs-2", "nfs-2.example.com", vip("192.0.2.12", 32)),
                node("nfs-3", null, vip("192.0.2.13", 24)));
        assertThat(rules.violations(ok)).isEmpty();
    }

    @Test
    void duplicateNodeNamesAreRejectedOnSpecNodes() throws Exception {
        GaneshaCluster bad = cluster(node("nfs-1", "a", vip("192.0.2.11", 24)), node("nfs-1", "b", vip("192.0.2.12", 24)));
        assertThat(rules.violations(bad)).containsExactly(new Violation("spec.nodes", "node names must be unique"));
    }

    @Test
    void aPacemakerNameEqualToAnotherNodesDefaultIsADuplicate() throws Exception {
        // nfs-2 has no pacemakerName, so Pacemaker knows it as "nfs-2", which nfs-1 claims too.
        GaneshaCluster bad = cluster(node("nfs-1", "nfs-2", vip("192.0.2.11", 24)), node("nfs-2", null, vip("192.0.2.12", 24)));
        assertThat(rules.violations(bad)).containsExactly(new Violation("spec.nodes",
                "Pacemaker node names (pacemakerName, or name when unset) must be unique"));
    }

    @Test
    void aVirtualIpOnTwoNodesIsRejected() throws Exception {
        GaneshaCluster bad = cluster(node("nfs-1", null, vip("192.0.2.11", 24)), node("nfs-2", null, vip("192.0.2.11", 24)));
        assertThat(rules.violations(bad)).containsExactly(
                new Violation("spec.nodes", "a virtual IP address may appear only once in the cluster"));
    }

    @Test
    void aVirtualIpTwiceOnOneNodeIsRejected() throws Exception {
        GaneshaCluster bad = cluster(node("nfs-1", null, vip("192.0.2.11", 24), vip("192.0.2.11", 32)),
                node("nfs-2", null, vip("192.0.2.12", 24)));
        assertThat(rules.violations(bad)).containsExactly(
                new Violation("spec.nodes", "a virtual IP address may appear only once in the cluster"));
    }

    @Test
    void aNameTooLongToLabelTheAgentsObjectsIsRejected() throws Exception {
        GaneshaCluster bad = cluster(node("nfs-1", null, vip("192.0.2.11", 24)), node("nfs-2", null, vip("192.0.2.12", 24)));
        bad.getMetadata().setName("n".repeat(53));
        assertThat(rules.violations(bad)).containsExactly(
                new Violation("", "metadata.name of a GaneshaCluster may have at most 52 characters"));
        bad.getMetadata().setName("n".repeat(52));
        assertThat(rules.violations(bad)).isEmpty();
    }

    @Test
    void anIpv4PrefixAbove32IsRejectedOnItsField() throws Exception {
        GaneshaCluster bad = cluster(node("nfs-1", null, vip("192.0.2.11", 33)), node("nfs-2", null, vip("2001:db8::1", 128)));
        assertThat(rules.violations(bad)).containsExactly(new Violation("spec.nodes[0].virtualIps[0].prefixLength",
                "prefixLength of an IPv4 address must be at most 32"));
    }

    static ExportSpec export(int id, String pseudo) {
        return new ExportSpecBuilder().withExportId(id).withPath("/srv/nfs" + pseudo).withPseudo(pseudo).build();
    }

    static GaneshaCluster withExports(ExportSpec... exports) {
        GaneshaCluster c = cluster(node("nfs-1", null, vip("192.0.2.11", 24)), node("nfs-2", null, vip("192.0.2.12", 24)));
        c.getSpec().setExports(new java.util.ArrayList<>(List.of(exports)));
        return c;
    }

    @Test
    void exportsWithDistinctIdsAndPseudoPathsPass() throws Exception {
        ExportSpec withClients = export(3, "/c");
        withClients.setClients(List.of(new ExportClientSpecBuilder().withClients("192.0.2.0/24", "2001:db8::/64",
                "nfs-client.example.com", "*.example.com", "@trusted", "*").withAccessType(ExportAccess.RO).build()));
        withClients.setFsal(new FsalSpecBuilder().withName("CEPH").withOptions(new FsalOption("User_Id", "ganesha"),
                new FsalOption("Filesystem", "cephfs a")).build());
        assertThat(rules.violations(withExports(export(1, "/a"), export(2, "/b"), withClients))).isEmpty();
    }

    @Test
    void aDuplicateExportIdIsRejected() throws Exception {
        assertThat(rules.violations(withExports(export(1, "/a"), export(1, "/b"))))
                .containsExactly(new Violation("spec.exports", "export ids must be unique"));
    }

    @Test
    void aDuplicatePseudoPathIsRejected() throws Exception {
        assertThat(rules.violations(withExports(export(1, "/a"), export(2, "/a"))))
                .containsExactly(new Violation("spec.exports", "pseudo paths must be unique"));
    }

    @Test
    void theExportsFileIsNeverGaneshaConfItself() throws Exception {
        GaneshaCluster c = withExports();
        c.getSpec().getGanesha().setExportsFile("/etc/ganesha/ganesha.conf");
        assertThat(rules.violations(c)).containsExactly(new Violation("spec.ganesha.exportsFile",
                "exportsFile is the agents' own file, which ganesha.conf includes, not ganesha.conf itself"));
        c.getSpec().getGanesha().setExportsFile("/etc/ganesha/cluster-exports.conf");
        assertThat(rules.violations(c)).isEmpty();
    }

    @Test
    void anFsalSettingGivenTwiceOrNamingTheFsalIsRejected() throws Exception {
        ExportSpec twice = export(1, "/a");
        twice.setFsal(new FsalSpecBuilder().withOptions(new FsalOption("User_Id", "a"), new FsalOption("User_Id", "b"))
                .build());
        assertThat(rules.violations(withExports(twice))).containsExactly(new Violation("spec.exports[0].fsal.options",
                "each FSAL setting may be given once"));
        twice.setFsal(new FsalSpecBuilder().withOptions(new FsalOption("User_Id", "a"), new FsalOption("user_id", "b"))
                .build());
        assertThat(rules.violations(withExports(twice))).as("in another case: ganesha reads one setting twice")
                .containsExactly(new Violation("spec.exports[0].fsal.options", "each FSAL setting may be given once"));

        ExportSpec name = export(1, "/a");
        name.setFsal(new FsalSpecBuilder().withOptions(new FsalOption("NAME", "CEPH")).build());
        assertThat(rules.violations(withExports(name))).containsExactly(new Violation("spec.exports[0].fsal.options",
                "the FSAL's name is fsal.name, not a setting"));
    }

    static GaneshaCluster withNfsv4(Integer grace, Integer lease, FsalOption... parameters) {
        GaneshaCluster c = withExports();
        Nfsv4Spec nfsv4 = new Nfsv4Spec();
        nfsv4.setGracePeriodSeconds(grace);
        nfsv4.setLeaseLifetimeSeconds(lease);
        nfsv4.setParameters(new ArrayList<>(List.of(parameters)));
        c.getSpec().getGanesha().setNfsv4(nfsv4);
        return c;
    }

    @Test
    void aGracePeriodShorterThanTheLeaseIsRejected() throws Exception {
        assertThat(rules.violations(withNfsv4(20, 20))).isEmpty();
        assertThat(rules.violations(withNfsv4(90, 60, new FsalOption("Minor_Versions", "1, 2")))).isEmpty();
        assertThat(rules.violations(withNfsv4(19, 20))).containsExactly(new Violation("spec.ganesha.nfsv4",
                "gracePeriodSeconds must be at least leaseLifetimeSeconds: a client learns that its server changed only "
                        + "when it next renews its lease, and must still be in grace then to reclaim"));
    }

    @Test
    void nfsv4SettingsOwnedByTheirFieldsOrByGaneshaHaAreRejectedInAnyCase() throws Exception {
        String owned = "Grace_Period, Lease_Lifetime and Server_Scope are set by their own fields; RecoveryBackend, "
                + "RecoveryRoot, RecoveryDir and Graceless are ganesha-ha's (fs records under /var/lib/nfs/ganesha, "
                + "and grace)";
        for (String name : List.of("Grace_Period", "LEASE_LIFETIME", "server_scope", "RecoveryBackend", "RecoveryRoot",
                "recoverydir", "Graceless")) {
            assertThat(rules.violations(withNfsv4(90, 60, new FsalOption(name, "1")))).as(name)
                    .containsExactly(new Violation("spec.ganesha.nfsv4.parameters", owned));
        }
        assertThat(rules.violations(withNfsv4(90, 60, new FsalOption("Graceless_Mode", "1")))).isEmpty();
        assertThat(rules.violations(withNfsv4(90, 60, new FsalOption("Minor_Versions", "1"),
                new FsalOption("Minor_Versions", "2")))).containsExactly(new Violation("spec.ganesha.nfsv4.parameters",
                        "each NFSV4 setting may be given once"));
        assertThat(rules.violations(withNfsv4(90, 60, new FsalOption("Minor_Versions", "1"),
                new FsalOption("MINOR_VERSIONS", "2")))).as("in another case").containsExactly(
                        new Violation("spec.ganesha.nfsv4.parameters", "each NFSV4 setting may be given once"));
    }
}
