package io.ganeshaha.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GaneshaHaConfTest {

    @Test
    void valuesAreReadAsGaneshaHaShGreppedThemWithoutTheirQuotes() throws Exception {
        GaneshaHaConf conf = GaneshaHaConf.parse("""
                # Name of the HA cluster created.
                HA_NAME="ganesha-ha-360"
                #HA_CLUSTER_NODES="old1,old2"
                HA_CLUSTER_NODES=" a , b,c "
                HA_VOL_MNT='/srv/shared'
                VIP_a=10.0.2.1   # unquoted, with a comment
                VIP_a="10.0.9.9"
                """);
        assertThat(conf.name()).isEqualTo("ganesha-ha-360");
        assertThat(conf.nodes()).containsExactly("a", "b", "c");
        assertThat(conf.setting(GaneshaHaConf.HA_VOL_MNT)).contains("/srv/shared");
        assertThat(conf.vipOf("a")).as("the first line of a name wins, as grep | head").contains("10.0.2.1");
    }

    @Test
    void aVipIsFoundUnderTheNodeAsWrittenOrWithDashesAndDotsAsUnderscores() {
        GaneshaHaConf conf = GaneshaHaConf.parse("""
                VIP_server1="10.0.2.1"
                VIP_nfs-2.lab.example.org="10.0.2.2"
                VIP_nfs_3_lab_example_org="10.0.2.3"
                """);
        assertThat(conf.vipOf("server1")).contains("10.0.2.1");
        assertThat(conf.vipOf("nfs-2.lab.example.org")).contains("10.0.2.2");
        assertThat(conf.vipOf("nfs-3.lab.example.org")).contains("10.0.2.3");
        assertThat(conf.vipOf("nfs-4.lab.example.org")).isEmpty();
    }

    @Test
    void aConfWithoutNodesOrNameIsBadInputNamingTheSetting() {
        GaneshaHaConf empty = GaneshaHaConf.parse("# nothing\n");
        assertThatThrownBy(empty::nodes).isInstanceOf(BadInput.class).hasMessageContaining("HA_CLUSTER_NODES");
        assertThatThrownBy(empty::name).isInstanceOf(BadInput.class).hasMessageContaining("HA_NAME");
    }
}
