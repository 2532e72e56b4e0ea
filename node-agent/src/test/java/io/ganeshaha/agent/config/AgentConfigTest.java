package io.ganeshaha.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.api.agent.AgentSettings;
import io.ganeshaha.api.agent.HaConfigMap;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The agent reads exactly what the operator renders for it: one contract, two sides. */
class AgentConfigTest {

    private static AgentConfig load(String propertiesText) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(propertiesText));
        Map<String, String> values = new HashMap<>();
        properties.forEach((k, v) -> values.put((String) k, (String) v));
        // The agent runs in Quarkus, whose converter reads durations as "5s" and "100ms".
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(AgentConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(values, HaConfigMap.AGENT_PROPERTIES, 300)).build();
        return config.getConfigMapping(AgentConfig.class);
    }

    @Test
    void loadsEverySettingTheOperatorRenders() throws IOException {
        AgentSettings rendered = AgentSettings.forCluster("nfs", "unix:path=/run/ganesha-bus/socket",
                "/var/run/ganesha.pid", "/usr/lib/ocf/resource.d/site", "/etc/ganesha/site-exports.conf", List.of("192.0.2.11", "2001:db8::13"));

        AgentConfig config = load(rendered.render("rendered for a test"));

        assertThat(config.socket()).isEqualTo(Path.of(rendered.socket()));
        assertThat(config.instanceDir()).isEqualTo(Path.of(rendered.instanceDir()));
        assertThat(config.dbusAddress()).isEqualTo("unix:path=/run/ganesha-bus/socket");
        assertThat(config.pidFile()).isEqualTo(Path.of("/var/run/ganesha.pid"));
        assertThat(config.nfsStateDir()).isEqualTo(Path.of(rendered.nfsStateDir()));
        assertThat(config.ocfProviderDir()).contains(Path.of("/usr/lib/ocf/resource.d/site"));
        assertThat(config.pacemakerConfigDir()).contains(Path.of(HaConfigMap.MOUNT_PATH));
        assertThat(config.exportsFile()).isEqualTo(Path.of("/etc/ganesha/site-exports.conf"));
        assertThat(config.kubernetes().cluster()).contains("nfs");
        assertThat(config.kubernetes().virtualIps()).contains(List.of("192.0.2.11", "2001:db8::13"));
    }

    @Test
    void anAgentWithoutTheOperatorUsesTheSameDefaultPaths() throws IOException {
        AgentConfig config = load("");
        AgentSettings defaults = AgentSettings.forCluster("", AgentSettings.DEFAULT_DBUS_ADDRESS,
                AgentSettings.DEFAULT_PID_FILE, "unused", AgentSettings.DEFAULT_EXPORTS_FILE, List.of());

        assertThat(config.socket()).isEqualTo(Path.of(defaults.socket()));
        assertThat(config.instanceDir()).isEqualTo(Path.of(defaults.instanceDir()));
        assertThat(config.dbusAddress()).isEqualTo(defaults.dbusAddress());
        assertThat(config.pidFile()).isEqualTo(Path.of(defaults.pidFile()));
        assertThat(config.nfsStateDir()).isEqualTo(Path.of(defaults.nfsStateDir()));
        assertThat(config.exportsFile()).isEqualTo(Path.of(defaults.exportsFile()));
        assertThat(config.ocfProviderDir()).isEmpty();
        assertThat(config.kubernetes().cluster()).isEmpty();
    }
}
