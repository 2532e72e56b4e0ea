package io.ganeshaha.api.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ganeshaha.api.v1alpha1.FsalOption;
import io.ganeshaha.api.v1alpha1.Nfsv4Spec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Nfsv4BlockTest {

    static Nfsv4Spec spec(Integer grace, Integer lease, String scope, FsalOption... parameters) {
        Nfsv4Spec s = new Nfsv4Spec();
        s.setGracePeriodSeconds(grace);
        s.setLeaseLifetimeSeconds(lease);
        s.setServerScope(scope);
        s.setParameters(new ArrayList<>(List.of(parameters)));
        return s;
    }

    @Test
    void unsetFieldsAreGaneshasDefaultsAndTheScopeIsTheClustersName() {
        assertThat(Nfsv4Block.render(spec(null, null, null), "nfs", "by a test")).isEqualTo("""
                # by a test
                # ganesha keeps the last NFSV4 block it reads, whole: include this file after any other.
                NFSV4 {
                    Grace_Period = 90;
                    Lease_Lifetime = 60;
                    Server_Scope = "nfs";
                    RecoveryBackend = fs;
                }
                """);
    }

    @Test
    void otherSettingsFollowByNameListsBareAndTextQuoted() {
        assertThat(Nfsv4Block.render(spec(40, 20, "site a", new FsalOption("Minor_Versions", "1, 2"),
                new FsalOption("Allow_Numeric_Owners", "true"), new FsalOption("DomainName", "example.com")), "nfs", "c"))
                .endsWith("""
                        NFSV4 {
                            Grace_Period = 40;
                            Lease_Lifetime = 20;
                            Server_Scope = "site a";
                            RecoveryBackend = fs;
                            Allow_Numeric_Owners = true;
                            DomainName = "example.com";
                            Minor_Versions = 1, 2;
                        }
                        """);
    }

    @Test
    void whatGaneshaWouldRefuseOrWhatWouldUndoFailoverIsAnError() {
        assertThatThrownBy(() -> Nfsv4Block.render(spec(10, 20, null), "nfs", "c"))
                .hasMessage("gracePeriodSeconds 10 is shorter than leaseLifetimeSeconds 20");
        assertThatThrownBy(() -> Nfsv4Block.render(spec(300, 20, null), "nfs", "c"))
                .hasMessage("gracePeriodSeconds 300 is not within 1..270");
        assertThatThrownBy(() -> Nfsv4Block.render(spec(200, 181, null), "nfs", "c"))
                .hasMessage("leaseLifetimeSeconds 181 is not within 1..180");
        assertThatThrownBy(() -> Nfsv4Block.render(spec(90, 60, "a\"b"), "nfs", "c"))
                .hasMessageContaining("serverScope");
        assertThatThrownBy(() -> Nfsv4Block.render(spec(90, 60, null, new FsalOption("graceless", "true")), "nfs", "c"))
                .hasMessage("nfsv4.parameters may not set graceless");
        assertThatThrownBy(() -> Nfsv4Block.render(spec(90, 60, null, new FsalOption("Minor_Versions", "1"),
                new FsalOption("MINOR_VERSIONS", "2")), "nfs", "c")).hasMessage("nfsv4.parameters gives MINOR_VERSIONS twice");
        assertThatThrownBy(() -> Nfsv4Block.render(spec(90, 60, null, new FsalOption("Domain;Name", "x")), "nfs", "c"))
                .hasMessageContaining("not a setting's name");
    }
}
