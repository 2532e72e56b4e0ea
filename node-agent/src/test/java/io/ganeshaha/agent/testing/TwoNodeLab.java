package io.ganeshaha.agent.testing;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;
import io.ganeshaha.api.v1alpha1.GaneshaClusterSpecBuilder;
import io.ganeshaha.api.v1alpha1.MemberNode;
import io.ganeshaha.api.v1alpha1.MemberNodeBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A two-node lab (Pacemaker, ganesha.nfsd and a bus per node) with a Kubernetes API (Fabric8's
 * CRUD mock) that both nodes reach through their uplinks, and the GaneshaCluster describing it.
 * What runs on it (agents, the operator) is the test's; whatever it hands to {@link #own} is closed
 * before the lab goes down. Shared by the two-node agent tests and the operator's end-to-end test.
 */
public final class TwoNodeLab implements AutoCloseable {

    public static final String N1 = "nfs-1.lab.example";
    public static final String N2 = "nfs-2.lab.example";
    /** The Kubernetes node names of N1 and N2. */
    public static final String K1 = "node-1";
    public static final String K2 = "node-2";
    public static final String VIP1 = "198.18.0.101";
    public static final String VIP2 = "198.18.0.102";
    public static final String NAMESPACE = "lab";
    public static final String CLUSTER = "nfs";
    public static final String HA_VOL_MNT = "/var/run/gluster/shared_storage";

    public final Path work;
    public final Lab lab;
    public final KubernetesApi api;
    public final NodeProbe probe1;
    public final NodeProbe probe2;
    private final Owned owned = new Owned();

    private TwoNodeLab(Path work, Lab lab, KubernetesApi api) {
        this.work = work;
        this.lab = lab;
        this.api = api;
        this.probe1 = own(new NodeProbe(lab, N1));
        this.probe2 = own(new NodeProbe(lab, N2));
    }

    /** Brings the lab up in {@code work} with both uplinks to the API connected; on failure, down again. */
    public static TwoNodeLab up(Path work) throws Exception {
        return up(work, "/run/ganesha/ganesha.pid");
    }

    /** The same, with ganesha.nfsd writing {@code pidFile} in both nodes. */
    public static TwoNodeLab up(Path work, String pidFile) throws Exception {
        return up(work, pidFile, Lab.ProviderDirs.SOURCE_TREE);
    }

    /** The same, with the nodes' OCF provider directories as {@code providerDirs} says. */
    public static TwoNodeLab up(Path work, String pidFile, Lab.ProviderDirs providerDirs) throws Exception {
        Files.createDirectories(work);
        Lab lab = Lab.up(work.resolve("lab"), List.of(N1, N2), pidFile, providerDirs);
        KubernetesApi api = null;
        try {
            api = new KubernetesApi(lab, work);
            api.connect(N1);
            api.connect(N2);
            return new TwoNodeLab(work, lab, api);
        } catch (Exception | Error e) {
            if (api != null) {
                api.close();
            }
            lab.close();
            throw e;
        }
    }

    /** The lab's GaneshaCluster: K1/N1 home to VIP1, K2/N2 home to VIP2, on eth0. */
    public static GaneshaCluster ganeshaCluster(int graceDelaySeconds) {
        return new GaneshaCluster(new ObjectMetaBuilder().withNamespace(NAMESPACE).withName(CLUSTER).build(),
                new GaneshaClusterSpecBuilder().withNodes(member(K1, N1, VIP1), member(K2, N2, VIP2))
                        .withGraceDelaySeconds(graceDelaySeconds).withHaVolMnt(HA_VOL_MNT).build());
    }

    private static MemberNode member(String name, String pacemakerName, String vip) {
        return new MemberNodeBuilder().withName(name).withPacemakerName(pacemakerName).addNewVirtualIp()
                .withAddress(vip).withPrefixLength(24).withNetworkInterface("eth0").endVirtualIp().build();
    }

    /** Closed, in the reverse order of handing over, before the lab goes down. */
    public <T extends AutoCloseable> T own(T closeable) {
        return owned.own(closeable);
    }

    @Override
    public void close() {
        owned.closeAll();
        api.close();
        lab.close();
    }
}
