package io.ganeshaha.agent.ocf;

import java.util.List;
import java.util.Optional;

/**
 * What an OCF entry point answers Pacemaker: the exit code, an optional exit reason (shown by
 * crm_mon next to a failed action) and lines for the cluster log.
 */
public record OcfResponse(OcfExitCode exitCode, Optional<String> reason, List<String> log) {

    public OcfResponse {
        reason = reason.map(OcfResponse::oneLine);
        log = log.stream().map(OcfResponse::oneLine).toList();
    }

    public static OcfResponse of(OcfExitCode code) {
        return new OcfResponse(code, Optional.empty(), List.of());
    }

    public static OcfResponse of(OcfExitCode code, String reason) {
        return new OcfResponse(code, Optional.of(reason), List.of());
    }

    public OcfResponse withLog(List<String> lines) {
        var all = new java.util.ArrayList<>(log);
        all.addAll(lines);
        return new OcfResponse(exitCode, reason, all);
    }

    /** The wire protocol is line based: a reason or log line never spans lines. */
    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }
}
