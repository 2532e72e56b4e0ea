package io.ganeshaha.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tests' edits survive a write of the operator between their read and their patch. */
class EditsTest {

    KubernetesMockServer server;
    KubernetesClient client;
    Resource<ConfigMap> edited;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        client.configMaps().inNamespace("ns").resource(new ConfigMapBuilder().withNewMetadata().withName("cm")
                .endMetadata().addToData("spec", "1").build()).create();
        edited = client.configMaps().inNamespace("ns").withName("cm");
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    /**
     * Another writer's change, as the operator's status write would be. Each call writes a new key:
     * a write that leaves the object as it was does not change its resourceVersion.
     */
    void writeBehindTheEditsBack(String key) {
        ConfigMap now = edited.get();
        now.getData().put(key, "operator");
        client.configMaps().inNamespace("ns").resource(now).update();
    }

    @Test
    void aWriteBetweenReadAndPatchIsAConflictAndTheEditIsMadeAgainOnTheNewerObject() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> edited.edit(c -> {
            writeBehindTheEditsBack("status");
            c.getData().put("spec", "2");
            return c;
        })).isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));

        ConfigMap after = Edits.edit(edited, c -> {
            if (calls.incrementAndGet() == 1) {
                writeBehindTheEditsBack("status-again");
            }
            c.getData().put("spec", "2");
            return c;
        });

        assertThat(calls).hasValue(2);
        assertThat(after.getData()).containsEntry("spec", "2").containsEntry("status", "operator")
                .containsEntry("status-again", "operator");
        assertThat(edited.get().getData()).isEqualTo(after.getData());
    }

    @Test
    void aConflictEveryTimeEndsAfterTheBoundNamingIt() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> Edits.edit(edited, c -> {
            calls.incrementAndGet();
            writeBehindTheEditsBack("status-" + calls);
            c.getData().put("spec", "2");
            return c;
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("newer object 10 times")
                .hasCauseInstanceOf(KubernetesClientException.class);
        assertThat(calls).hasValue(Edits.ATTEMPTS);
        assertThat(edited.get().getData()).containsEntry("spec", "1").containsKey("status-" + Edits.ATTEMPTS);
    }

    @Test
    void aStatusWriteIsMadeAgainOnTheNewerObjectToo() {
        var daemonSets = client.apps().daemonSets().inNamespace("ns");
        daemonSets.resource(new DaemonSetBuilder().withNewMetadata().withName("agents").endMetadata().build()).create();
        var agents = daemonSets.withName("agents");
        AtomicInteger calls = new AtomicInteger();

        DaemonSet after = Edits.editStatus(agents, ds -> {
            if (calls.incrementAndGet() == 1) {
                // The operator rewrites the DaemonSet (a new template) between the read and the write.
                DaemonSet now = agents.get();
                now.getMetadata().setLabels(java.util.Map.of("template", "2"));
                daemonSets.resource(now).update();
            }
            ds.setStatus(new DaemonSetStatusBuilder().withNumberReady(2).build());
            return ds;
        });

        assertThat(calls).hasValue(2);
        assertThat(after.getStatus().getNumberReady()).isEqualTo(2);
        assertThat(agents.get().getMetadata().getLabels()).containsEntry("template", "2");
        assertThat(agents.get().getStatus().getNumberReady()).isEqualTo(2);
    }

    @Test
    void anyOtherRefusalIsNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        Resource<ConfigMap> missing = client.configMaps().inNamespace("ns").withName("absent");
        assertThatThrownBy(() -> Edits.edit(missing, c -> {
            calls.incrementAndGet();
            return c;
        })).isInstanceOf(KubernetesClientException.class);
        assertThat(calls.get()).isLessThanOrEqualTo(1);
    }
}
