package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A highly available NFS-Ganesha service: the hosts that serve it, the virtual IPs clients mount,
 * and how failover is tuned. The operator reconciles it; the node agents report each host's state
 * through {@link GaneshaNode} objects, which the operator folds into this object's status.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@Group(GaneshaCluster.GROUP)
@Version(GaneshaCluster.VERSION)
@ShortNames("gcl")
// The name labels the agents' objects (label values: 63 characters) and prefixes their names
// ("<name>-node-agent", "<name>-<node>").
@ValidationRule(value = "self.metadata.name.size() <= 52",
        message = "metadata.name of a GaneshaCluster may have at most 52 characters")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Failover", jsonPath = ".status.conditions[?(@.type==\"FailoverInProgress\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class GaneshaCluster extends CustomResource<GaneshaClusterSpec, GaneshaClusterStatus> implements Namespaced {
    public static final String GROUP = "ganeshaha.io";
    public static final String VERSION = "v1alpha1";

    public GaneshaCluster() {}

    /** A cluster as a user applies it; the spec comes from {@link GaneshaClusterSpecBuilder}. */
    public GaneshaCluster(ObjectMeta metadata, GaneshaClusterSpec spec) {
        setMetadata(metadata);
        setSpec(spec);
    }
}
