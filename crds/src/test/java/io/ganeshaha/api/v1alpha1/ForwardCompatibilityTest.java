package io.ganeshaha.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/**
 * During an upgrade an agent or operator of the previous release reads objects the newer one wrote:
 * fields it does not know are skipped, never a failure (a failing read would stop the agent's
 * GaneshaNode reports, and the operator's status, until every component is upgraded).
 */
class ForwardCompatibilityTest {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    @Test
    void aClusterWithFieldsFromANewerReleaseReads() {
        GaneshaCluster c = JSON.unmarshal("""
                {"apiVersion":"ganeshaha.io/v1alpha1","kind":"GaneshaCluster","metadata":{"name":"nfs"},
                 "spec":{"nodes":[{"name":"a","virtualIps":[{"address":"192.0.2.1","prefixLength":24,"later":1}],
                          "later":true}],"later":{"x":1}},
                 "status":{"observedGeneration":3,"later":{"y":[1,2]},
                           "nodes":[{"name":"a","nfsd":"SERVING","later":"z"}],
                           "lastFailover":{"node":"a","later":0},"pacemakerConfiguration":{"generation":"u/3","later":2}}}
                """, GaneshaCluster.class);
        assertThat(c.getSpec().getNodes().get(0).getVirtualIps().get(0).getAddress()).isEqualTo("192.0.2.1");
        assertThat(c.getStatus().getObservedGeneration()).isEqualTo(3L);
        assertThat(c.getStatus().getNodes().get(0).getNfsd()).isEqualTo("SERVING");
        assertThat(c.getStatus().getPacemakerConfiguration().getGeneration()).isEqualTo("u/3");
    }

    @Test
    void aNodeReportWithFieldsFromANewerReleaseReads() {
        GaneshaNode n = JSON.unmarshal("""
                {"apiVersion":"ganeshaha.io/v1alpha1","kind":"GaneshaNode","metadata":{"name":"nfs-a"},
                 "spec":{"cluster":"nfs","nodeName":"a","later":1},
                 "status":{"nfsd":"HUNG","later":{"hangDetection":"off"}}}
                """, GaneshaNode.class);
        assertThat(n.getStatus().getNfsd()).isEqualTo("HUNG");
        assertThat(n.getStatus().getFencing()).as("an agent older than the fencing report").isNull();
    }

    @Test
    void aNodeReportNamingFencingReadsAndWritesItBack() {
        GaneshaNode n = JSON.unmarshal("""
                {"apiVersion":"ganeshaha.io/v1alpha1","kind":"GaneshaNode","metadata":{"name":"nfs-a"},
                 "spec":{"cluster":"nfs","nodeName":"a"},
                 "status":{"nfsd":"SERVING","fencing":"Disabled"}}
                """, GaneshaNode.class);
        assertThat(n.getStatus().getFencing()).isEqualTo(NodeObservation.FENCING_DISABLED);
        assertThat(JSON.asJson(n)).contains("\"fencing\":\"Disabled\"");
    }
}
