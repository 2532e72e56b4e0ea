package io.ganeshaha.agent.ocf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OcfParametersTest {

    private static OcfRequest request(String agent, String... env) throws OcfProtocolException {
        List<String> lines = new ArrayList<>(List.of("ganesha-ha-ocf 1", "agent=" + agent, "action=start"));
        lines.addAll(List.of(env));
        return OcfRequest.parse(lines);
    }

    @Test
    void aGlusterFsCibWithNoParametersGetsTheGlusterFsDefaults() throws Exception {
        OcfParameters.Mon mon = OcfParameters.mon(request("ganesha_mon"));
        assertThat(mon.ganeshaActive()).isEqualTo("ganesha-active");
        assertThat(mon.graceActive()).isEqualTo("grace-active");
        assertThat(mon.graceDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(OcfParameters.grace(request("ganesha_grace")).graceActive()).isEqualTo("grace-active");
        assertThat(OcfParameters.nfsd(request("ganesha_nfsd")).haVolMnt())
                .isEqualTo(Path.of("/var/run/gluster/shared_storage"));
    }

    @Test
    void explicitValuesWin() throws Exception {
        OcfParameters.Mon mon = OcfParameters.mon(request("ganesha_mon", "OCF_RESKEY_grace_delay=0",
                "OCF_RESKEY_ganesha_active=nfs.up", "OCF_RESKEY_grace_active=nfs_grace-1"));
        assertThat(mon).isEqualTo(new OcfParameters.Mon("nfs.up", "nfs_grace-1", Duration.ZERO));
    }

    @Test
    void badGraceDelayIsAConfigurationErrorNamingTheParameter() {
        assertThatThrownBy(() -> OcfParameters.mon(request("ganesha_mon", "OCF_RESKEY_grace_delay=5s")))
                .isInstanceOf(OcfConfigurationException.class)
                .hasMessage("parameter grace_delay must be a whole number of seconds, got '5s'");
        assertThatThrownBy(() -> OcfParameters.mon(request("ganesha_mon", "OCF_RESKEY_grace_delay=-1")))
                .hasMessageContaining("grace_delay must be a whole number of seconds, got '-1'");
        assertThatThrownBy(() -> OcfParameters.mon(request("ganesha_mon", "OCF_RESKEY_grace_delay= 5")))
                .as("as strict as the entry point's validate-all").hasMessageContaining("got ' 5'");
        assertThatThrownBy(() -> OcfParameters.mon(request("ganesha_mon", "OCF_RESKEY_grace_delay=+5")))
                .hasMessageContaining("got '+5'");
        assertThatThrownBy(() -> OcfParameters.mon(request("ganesha_mon", "OCF_RESKEY_grace_delay=3601")))
                .hasMessageContaining("got 3601");
    }

    @Test
    void badAttributeNamesAreRejected() {
        assertThatThrownBy(() -> OcfParameters.mon(request("ganesha_mon", "OCF_RESKEY_grace_active=grace active")))
                .isInstanceOf(OcfConfigurationException.class)
                .hasMessageContaining("parameter grace_active").hasMessageContaining("'grace active'");
        assertThatThrownBy(() -> OcfParameters.mon(request("ganesha_mon", "OCF_RESKEY_ganesha_active=grace-active")))
                .hasMessageContaining("ganesha_active and grace_active must differ");
        assertThatThrownBy(() -> OcfParameters.grace(request("ganesha_grace", "OCF_RESKEY_grace_active=a\"b")))
                .hasMessageContaining("parameter grace_active");
    }

    @Test
    void haVolMntMustBeAbsolute() {
        assertThatThrownBy(() -> OcfParameters.nfsd(request("ganesha_nfsd", "OCF_RESKEY_ha_vol_mnt=shared")))
                .isInstanceOf(OcfConfigurationException.class)
                .hasMessage("parameter ha_vol_mnt must be an absolute path, got 'shared'");
    }

    @Test
    void takeoverNeedsAHomeNodeName() throws Exception {
        assertThat(OcfParameters.takeover(request("ganesha_takeover", "OCF_RESKEY_home_node=nfs-2.lab.example")).homeNode())
                .isEqualTo("nfs-2.lab.example");
        assertThatThrownBy(() -> OcfParameters.takeover(request("ganesha_takeover")))
                .isInstanceOf(OcfConfigurationException.class).hasMessageContaining("home_node is required");
        assertThatThrownBy(() -> OcfParameters.takeover(request("ganesha_takeover", "OCF_RESKEY_home_node=a/b")))
                .hasMessageContaining("not a Pacemaker node name");
    }
}
