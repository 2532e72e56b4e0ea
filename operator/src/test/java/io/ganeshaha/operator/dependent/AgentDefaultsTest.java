package io.ganeshaha.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.ganeshaha.api.v1alpha1.AgentSpec;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentDefaultsTest {

    @Test
    void nothingConfiguredIsThisReleasesAgentAtNodeCriticalPriority() {
        AgentDefaults d = AgentDefaults.of(Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(d.imageFor(new AgentSpec())).isEqualTo(AgentDefaults.BUILT_IN_IMAGE);
        assertThat(d.pullPolicyFor(new AgentSpec())).isEqualTo("IfNotPresent");
        assertThat(d.pod().priorityClassName()).isEqualTo("system-node-critical");
        assertThat(d.pod().tolerations()).isEmpty();
        assertThat(d.resourcesFor(new AgentSpec())).isNull();
    }

    @Test
    void theChartsJsonIsReadAndTheClusterWinsWhereItSaysSomething() {
        AgentDefaults d = AgentDefaults.of(Optional.of("registry.example/node-agent:0.2.0"), Optional.of("Always"),
                Optional.of("""
                        {"imagePullSecrets":[{"name":"regcred"}],
                         "tolerations":[{"key":"storage","operator":"Exists","effect":"NoSchedule"}],
                         "nodeSelector":{"nfs":"true"},"priorityClassName":"",
                         "resources":{"requests":{"cpu":"50m","memory":"128Mi"}}}"""));
        assertThat(d.pod().imagePullSecrets()).singleElement().extracting(r -> r.getName()).isEqualTo("regcred");
        assertThat(d.pod().tolerations()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("storage");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(d.pod().nodeSelector()).containsEntry("nfs", "true");
        assertThat(d.pod().priorityClassName()).as("empty means the built-in").isEqualTo("system-node-critical");

        AgentSpec unset = new AgentSpec();
        assertThat(d.imageFor(unset)).isEqualTo("registry.example/node-agent:0.2.0");
        assertThat(d.pullPolicyFor(unset)).isEqualTo("Always");
        assertThat(d.resourcesFor(unset).getRequests()).containsEntry("memory", new Quantity("128Mi"));

        AgentSpec own = new AgentSpec();
        own.setImage("mine/node-agent:dev");
        own.setImagePullPolicy("Never");
        own.setResources(new ResourceRequirementsBuilder().addToRequests("memory", new Quantity("64Mi")).build());
        assertThat(d.imageFor(own)).isEqualTo("mine/node-agent:dev");
        assertThat(d.pullPolicyFor(own)).isEqualTo("Never");
        assertThat(d.resourcesFor(own).getRequests()).containsEntry("memory", new Quantity("64Mi"));
    }

    @Test
    void aTypoInThePodSettingsIsNamed() {
        assertThatThrownBy(() -> AgentDefaults.of(Optional.empty(), Optional.empty(),
                Optional.of("{\"toleration\":[]}"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(AgentDefaults.POD).hasMessageContaining("toleration");
        assertThatThrownBy(() -> AgentDefaults.of(Optional.empty(), Optional.empty(), Optional.of("{not json")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(AgentDefaults.POD);
    }
}
