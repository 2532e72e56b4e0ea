package io.ganeshaha.api.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster properties as the operator writes them into the ConfigMap and the agents read them. */
class HaConfigMapTest {

    @Test
    void clusterPropertiesReadBackAsRendered() {
        String text = HaConfigMap.renderClusterProperties(Map.of("no-quorum-policy", "ignore", "b-later", "x"),
                "Rendered by ganesha-ha-operator for GaneshaCluster nfs.");
        assertThat(text).isEqualTo("# Rendered by ganesha-ha-operator for GaneshaCluster nfs.\n"
                + "b-later=x\nno-quorum-policy=ignore\n");
        assertThat(HaConfigMap.parseClusterProperties(text))
                .containsExactly(entry("b-later", "x"), entry("no-quorum-policy", "ignore"));
    }

    @Test
    void aHandWrittenFileReadsToo() {
        assertThat(HaConfigMap.parseClusterProperties("\n! a comment\n  no-quorum-policy = stop  \n"))
                .containsExactly(entry("no-quorum-policy", "stop"));
        assertThat(HaConfigMap.parseClusterProperties("")).isEmpty();
    }
}
