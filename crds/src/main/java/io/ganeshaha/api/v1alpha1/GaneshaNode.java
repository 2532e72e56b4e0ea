package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One member host's state, written only by the node agent on that host (one writer per object, as
 * node-feature-discovery does), only when something changed or to heartbeat. The operator reads
 * them and is the only writer of the {@link GaneshaCluster}'s status. Named
 * {@code <cluster>-<node>}, labelled with the cluster, owned by the GaneshaCluster.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@Group(GaneshaCluster.GROUP)
@Version(GaneshaCluster.VERSION)
@ShortNames("gnode")
@AdditionalPrinterColumn(name = "Cluster", jsonPath = ".spec.cluster", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node", jsonPath = ".spec.nodeName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Nfsd", jsonPath = ".status.nfsd", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "VIPs", jsonPath = ".status.virtualIps", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Last Seen", jsonPath = ".status.lastSeen", type = AdditionalPrinterColumn.Type.DATE)
public class GaneshaNode extends CustomResource<GaneshaNodeSpec, NodeObservation> implements Namespaced {

    /** The label naming the GaneshaCluster a GaneshaNode belongs to. */
    public static final String CLUSTER_LABEL = "ganeshaha.io/cluster";

    public static String nameFor(String cluster, String nodeName) {
        return cluster + "-" + nodeName;
    }
}
