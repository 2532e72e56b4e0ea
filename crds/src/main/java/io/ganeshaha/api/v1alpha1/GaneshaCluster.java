package io.ganeshaha.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An highly available NFS-Ganesha service: the hosts that serve it, the virtual IPs clients mount,
 * and how failover is tuned. First version: the operator (issue 4) reconciles it.
 */
@Group(GaneshaCluster.GROUP)
@Version(GaneshaCluster.VERSION)
@ShortNames("gcl")
public class GaneshaCluster extends CustomResource<GaneshaClusterSpec, GaneshaClusterStatus> implements Namespaced {
    public static final String GROUP = "ganeshaha.io";
    public static final String VERSION = "v1alpha1";
}
