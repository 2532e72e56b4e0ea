package io.ganeshaha.operator;

import static io.ganeshaha.operator.GaneshaClusterReconcilerTest.cluster;
import static io.ganeshaha.operator.GaneshaClusterReconcilerTest.node;
import static io.ganeshaha.operator.GaneshaClusterReconcilerTest.vip;
import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.operator.controller.SpecValidator;
import io.ganeshaha.operator.controller.SpecValidator.Problem;
import org.junit.jupiter.api.Test;

/** The operator's own judgement of a spec, without a server. */
class SpecValidatorTest {

    @Test
    void validSpecHasNoProblem() {
        assertThat(SpecValidator.validate(GaneshaClusterReconcilerTest.threeNodes("ok").getSpec())).isEmpty();
    }

    @Test
    void duplicateKubernetesNodeName() {
        assertThat(SpecValidator.validate(cluster("x", node("a", null), node("a", null)).getSpec()))
                .get().extracting(Problem::reason).isEqualTo("DuplicateNodeName");
    }

    @Test
    void duplicatePacemakerNameFromTheDefault() {
        // b's Pacemaker name defaults to "b", which a already claims.
        assertThat(SpecValidator.validate(cluster("x", node("a", "b"), node("b", null)).getSpec()))
                .get().satisfies(p -> {
                    assertThat(p.reason()).isEqualTo("DuplicatePacemakerName");
                    assertThat(p.message()).startsWith("spec.nodes[1].pacemakerName");
                });
    }

    @Test
    void anNfsv4BlockGaneshaWouldRefuseOrThatEndsGraceTooSoonIsRefusedNamingTheField() {
        var spec = GaneshaClusterReconcilerTest.threeNodes("ok").getSpec();
        var nfsv4 = new io.ganeshaha.api.v1alpha1.Nfsv4Spec();
        nfsv4.setGracePeriodSeconds(20);
        nfsv4.setLeaseLifetimeSeconds(20);
        spec.getGanesha().setNfsv4(nfsv4);
        assertThat(SpecValidator.validate(spec)).isEmpty();
        nfsv4.setLeaseLifetimeSeconds(30);
        assertThat(SpecValidator.validate(spec)).get().satisfies(p -> {
            assertThat(p.reason()).isEqualTo("InvalidNfsv4");
            assertThat(p.message()).isEqualTo("spec.ganesha.nfsv4: gracePeriodSeconds 20 is shorter than "
                    + "leaseLifetimeSeconds 30");
        });
    }

    @Test
    void aRelativeTickleDirectoryIsRefusedNamingTheField() {
        var spec = GaneshaClusterReconcilerTest.threeNodes("ok").getSpec();
        spec.setPortBlock(new io.ganeshaha.api.v1alpha1.PortBlockSpecBuilder().withEnabled(true)
                .withTickleDir("tickles").build());
        assertThat(SpecValidator.validate(spec)).get().satisfies(p -> {
            assertThat(p.reason()).isEqualTo("InvalidTickleDir");
            assertThat(p.message()).startsWith("spec.portBlock.tickleDir");
        });
    }

    @Test
    void ipv6DuplicatesAreFoundInAnySpelling() {
        assertThat(SpecValidator.validate(cluster("x",
                node("a", null, vip("2001:db8::1", 64, null)),
                node("b", null, vip("2001:DB8:0:0::1", 64, null))).getSpec()))
                .get().extracting(Problem::reason).isEqualTo("DuplicateVirtualIp");
    }

    @Test
    void hostNamesAreNotAddressesAndAreNeverResolved() {
        assertThat(SpecValidator.validate(cluster("x",
                node("a", null, vip("localhost", 24, null)), node("b", null)).getSpec()))
                .get().satisfies(p -> {
                    assertThat(p.reason()).isEqualTo("InvalidVirtualIpAddress");
                    assertThat(p.message()).startsWith("spec.nodes[0].virtualIps[0].address");
                });
    }

    @Test
    void ipv4PrefixBeyond32IsRejected() {
        assertThat(SpecValidator.validate(cluster("x",
                node("a", null, vip("10.0.0.1", 33, null)), node("b", null)).getSpec()))
                .get().extracting(Problem::reason).isEqualTo("InvalidVirtualIpPrefixLength");
    }
}
