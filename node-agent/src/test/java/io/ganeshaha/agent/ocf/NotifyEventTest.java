package io.ganeshaha.agent.ocf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NotifyEventTest {

    private static NotifyEvent event(String type, String op, String stop, String start) throws OcfProtocolException {
        return NotifyEvent.from(OcfRequest.parse(List.of("ganesha-ha-ocf 1", "agent=ganesha_grace", "action=notify",
                "OCF_RESKEY_CRM_meta_notify_type=" + type, "OCF_RESKEY_CRM_meta_notify_operation=" + op,
                "OCF_RESKEY_CRM_meta_notify_stop_uname=" + stop, "OCF_RESKEY_CRM_meta_notify_start_uname=" + start,
                "OCF_RESKEY_CRM_meta_notify_active_uname=n1 n2 n3")));
    }

    @Test
    void postStopTakesOverEachDepartedPeerButNeverItself() throws Exception {
        NotifyEvent e = event("post", "stop", " nfs-2.lab.example  n3 ", "");
        assertThat(e.mode()).isEqualTo("post-stop");
        assertThat(e.graceCalls("n3")).containsExactly(new NotifyEvent.GraceCall("nfs-2.lab.example", 5));
        assertThat(e.activeNodes()).containsExactly("n1", "n2", "n3");
    }

    @Test
    void preStartPutsSurvivorsInGraceForTheReturningPeer() throws Exception {
        NotifyEvent e = event("pre", "start", "", "n2");
        assertThat(e.graceCalls("n1")).containsExactly(new NotifyEvent.GraceCall("n2", 0));
        assertThat(e.graceCalls("n2")).as("the returning node itself").isEmpty();
    }

    @Test
    void otherPhasesAndEmptyListsCallNothing() throws Exception {
        assertThat(event("pre", "stop", "n2", "").graceCalls("n1")).isEmpty();
        assertThat(event("post", "start", "", "n2").graceCalls("n1")).isEmpty();
        assertThat(event("post", "stop", "", "").graceCalls("n1")).isEmpty();
        assertThat(event("", "", "", "").graceCalls("n1")).as("ocf-tester's notify has no variables").isEmpty();
    }

    @Test
    void aNodeNamedTwiceIsCalledOnce() throws Exception {
        assertThat(event("post", "stop", "n2 n2 n4", "").graceCalls("n1")).extracting(NotifyEvent.GraceCall::peer)
                .containsExactly("n2", "n4");
    }
}
