package io.ganeshaha.agent.ocf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * A clone notification as Pacemaker describes it in the OCF environment: the phase and operation,
 * and the (whitespace-separated, possibly several) nodes each list names.
 */
public record NotifyEvent(String type, String operation, List<String> stopNodes, List<String> startNodes,
        List<String> activeNodes, List<String> inactiveNodes) {

    /** ganesha's recovery event: take over the departed server's clients (read its v4recov records). */
    public static final int EVENT_TAKE_IP = 5;
    /**
     * ganesha's recovery event: drop the state of every client whose owner contains the argument
     * (and enter grace); see {@code io.ganeshaha.agent.recovery.ReleasePlan}.
     */
    public static final int EVENT_RELEASE_IP = 2;
    /**
     * ganesha's recovery event: enter grace and load this node's own client records again, read
     * through /var/lib/nfs as it points now.
     */
    public static final int EVENT_UPDATE_CLIENTS = 3;
    /** ganesha's recovery event: just enter grace. */
    public static final int EVENT_JUST_GRACE = 0;

    public static NotifyEvent from(OcfRequest request) {
        return new NotifyEvent(
                request.meta("notify_type").orElse(""),
                request.meta("notify_operation").orElse(""),
                nodes(request.meta("notify_stop_uname")),
                nodes(request.meta("notify_start_uname")),
                nodes(request.meta("notify_active_uname")),
                nodes(request.meta("notify_inactive_uname")));
    }

    public String mode() {
        return type + "-" + operation;
    }

    /** One D-Bus grace call a surviving node owes its own nfsd for this notification. */
    public record GraceCall(String peer, int event) {}

    /**
     * The grace calls this node makes. post-stop: a peer's grace instance stopped because its nfsd
     * died, so take over its clients' records (event 5, keyed by the peer's node name, which is how
     * the shared state layout links them). pre-start: a peer is coming back (fail-back), so enter
     * grace before its virtual IP moves home. Never for this node itself, and for nothing else.
     */
    public List<GraceCall> graceCalls(String localNode) {
        List<String> peers;
        int event;
        switch (mode()) {
            case "post-stop" -> {
                peers = stopNodes;
                event = EVENT_TAKE_IP;
            }
            case "pre-start" -> {
                peers = startNodes;
                event = EVENT_JUST_GRACE;
            }
            default -> {
                return List.of();
            }
        }
        List<GraceCall> calls = new ArrayList<>();
        for (String peer : peers) {
            if (!peer.equals(localNode)) {
                calls.add(new GraceCall(peer, event));
            }
        }
        return calls;
    }

    private static List<String> nodes(Optional<String> list) {
        return list.map(value -> List.copyOf(new LinkedHashSet<>(
                        Arrays.stream(value.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList())))
                .orElse(List.of());
    }
}
