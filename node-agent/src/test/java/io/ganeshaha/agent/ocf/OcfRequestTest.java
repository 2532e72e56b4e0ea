package io.ganeshaha.agent.ocf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OcfRequestTest {

    @Test
    void parsesAgentActionAndEnvironment() throws Exception {
        OcfRequest request = OcfRequest.parse(List.of("ganesha-ha-ocf 1", "agent=ganesha_grace", "action=notify",
                "OCF_RESOURCE_INSTANCE=nfs-grace:1", "OCF_RESKEY_grace_active=", "OCF_RESKEY_CRM_meta_timeout=20000",
                "OCF_RESKEY_CRM_meta_on_node=nfs-1.lab.example", "OCF_RESKEY_CRM_meta_notify_stop_uname=a b=c"));
        assertThat(request.agent()).isEqualTo(OcfAgent.GRACE);
        assertThat(request.action()).isEqualTo("notify");
        assertThat(request.resourceInstance()).contains("nfs-grace:1");
        assertThat(request.parameter("grace_active")).as("empty means default").isEmpty();
        assertThat(request.onNode()).contains("nfs-1.lab.example");
        assertThat(request.timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(request.meta("notify_stop_uname")).as("value runs to the end of the line").contains("a b=c");
    }

    @Test
    void theEntryPointsBudgetBoundsTheAnswerElsePacemakersTimeout() throws Exception {
        OcfRequest budgeted = OcfRequest.parse(List.of("ganesha-ha-ocf 1", "agent=ganesha_mon", "action=monitor",
                "budget_ms=4500", "OCF_RESKEY_CRM_meta_timeout=10000"));
        assertThat(budgeted.answerWithin()).isEqualTo(Duration.ofMillis(4500));
        OcfRequest plain = OcfRequest.parse(List.of("ganesha-ha-ocf 1", "agent=ganesha_mon", "action=monitor",
                "OCF_RESKEY_CRM_meta_timeout=10000"));
        assertThat(plain.answerWithin()).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> OcfRequest.parse(List.of("ganesha-ha-ocf 1", "agent=ganesha_mon", "action=monitor",
                "budget_ms=soon"))).hasMessageContaining("malformed budget_ms");
    }

    @Test
    void defaultsTheTimeoutWhenMissingOrGarbage() throws Exception {
        OcfRequest request = OcfRequest.parse(List.of("ganesha-ha-ocf 1", "agent=ganesha_mon", "action=monitor",
                "OCF_RESKEY_CRM_meta_timeout=soon"));
        assertThat(request.timeout()).isEqualTo(OcfRequest.DEFAULT_TIMEOUT);
    }

    @Test
    void rejectsWhatIsNotTheProtocol() {
        assertThatThrownBy(() -> OcfRequest.parse(List.of("GET / HTTP/1.1")))
                .isInstanceOf(OcfProtocolException.class).hasMessageContaining("ganesha-ha-ocf 1");
        assertThatThrownBy(() -> OcfRequest.parse(List.of("ganesha-ha-ocf 1", "agent=IPaddr2", "action=start")))
                .hasMessageContaining("unknown agent 'IPaddr2'");
        assertThatThrownBy(() -> OcfRequest.parse(List.of("ganesha-ha-ocf 1", "agent=ganesha_mon")))
                .hasMessageContaining("no action");
        assertThatThrownBy(() -> OcfRequest.parse(List.of("ganesha-ha-ocf 1", "agent=ganesha_mon", "action=start",
                "PATH=/tmp"))).hasMessageContaining("not an OCF variable: PATH");
        assertThatThrownBy(() -> OcfRequest.parse(List.of("ganesha-ha-ocf 1", "agent=ganesha_mon", "action=st;rm")))
                .hasMessageContaining("malformed action");
        assertThatThrownBy(() -> OcfRequest.parse(List.of("ganesha-ha-ocf 1", "agent=ganesha_mon", "action=start",
                "garbage"))).hasMessageContaining("no NAME=VALUE");
    }
}
