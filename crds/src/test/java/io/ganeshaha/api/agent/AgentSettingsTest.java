package io.ganeshaha.api.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AgentSettingsTest {

    @Test
    void rendersOneKeyALineUnderTheAgentsPrefix() {
        String text = AgentSettings.forCluster("nfs", "unix:path=/run/dbus/system_bus_socket", "/var/run/ganesha.pid",
                "/usr/lib/ocf/resource.d/ganesha-ha", "/etc/ganesha/ha-exports.conf", List.of("192.0.2.11", "192.0.2.12")).render("for nfs");

        assertThat(text.lines()).containsExactly(
                "# for nfs",
                "ganesha-ha.agent.socket=/run/ganesha-ha/agent.sock",
                "ganesha-ha.agent.instance-dir=/run/ganesha-ha/resources",
                "ganesha-ha.agent.dbus-address=unix:path=/run/dbus/system_bus_socket",
                "ganesha-ha.agent.pid-file=/var/run/ganesha.pid",
                "ganesha-ha.agent.nfs-state-dir=/var/lib/nfs",
                "ganesha-ha.agent.ocf-provider-dir=/usr/lib/ocf/resource.d/ganesha-ha",
                "ganesha-ha.agent.pacemaker-config-dir=" + HaConfigMap.MOUNT_PATH,
                "ganesha-ha.agent.exports-file=/etc/ganesha/ha-exports.conf",
                "ganesha-ha.agent.kubernetes.cluster=nfs",
                "ganesha-ha.agent.kubernetes.virtual-ips=192.0.2.11,192.0.2.12");
    }

    @Test
    void everySettingIsRequired() {
        assertThatThrownBy(() -> AgentSettings.forCluster("nfs", null, "/p", "/o", "/e", List.of()))
                .isInstanceOf(NullPointerException.class).hasMessage("dbusAddress");
    }
}
