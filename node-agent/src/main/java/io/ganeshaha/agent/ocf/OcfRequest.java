package io.ganeshaha.agent.ocf;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One OCF action forwarded by an entry point: which agent, which action, and the OCF environment
 * Pacemaker gave it. Parsed from the socket protocol described in docs/agent-protocol.md.
 */
public record OcfRequest(OcfAgent agent, String action, Optional<Duration> budget, Map<String, String> environment) {

    public static final String PROTOCOL_HEADER = "ganesha-ha-ocf 1";
    private static final Pattern ENV_NAME = Pattern.compile("OCF_[A-Za-z0-9_]+");
    private static final Pattern ACTION = Pattern.compile("[a-z][a-z-]*");
    /** Pacemaker's default operation timeout, used when the request carries none. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    public OcfRequest {
        environment = Map.copyOf(environment);
    }

    /** Parses the request lines (without the terminating empty line). */
    public static OcfRequest parse(List<String> lines) throws OcfProtocolException {
        if (lines.isEmpty() || !PROTOCOL_HEADER.equals(lines.get(0))) {
            throw new OcfProtocolException("request does not start with '" + PROTOCOL_HEADER + "'");
        }
        String agentName = null;
        String action = null;
        Optional<Duration> budget = Optional.empty();
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new OcfProtocolException("malformed request line (no NAME=VALUE): " + abbreviate(line));
            }
            String name = line.substring(0, eq);
            String value = line.substring(eq + 1);
            switch (name) {
                case "agent" -> agentName = value;
                case "action" -> action = value;
                case "budget_ms" -> budget = Optional.of(parseMillis(value)
                        .orElseThrow(() -> new OcfProtocolException("malformed budget_ms '" + abbreviate(value) + "'")));
                default -> {
                    if (!ENV_NAME.matcher(name).matches()) {
                        throw new OcfProtocolException("not an OCF variable: " + abbreviate(name));
                    }
                    env.put(name, value);
                }
            }
        }
        if (agentName == null || action == null) {
            throw new OcfProtocolException("request names no " + (agentName == null ? "agent" : "action"));
        }
        final String requestedAgent = agentName;
        OcfAgent agent = OcfAgent.byName(agentName)
                .orElseThrow(() -> new OcfProtocolException("unknown agent '" + abbreviate(requestedAgent) + "'"));
        if (!ACTION.matcher(action).matches()) {
            throw new OcfProtocolException("malformed action '" + abbreviate(action) + "'");
        }
        return new OcfRequest(agent, action, budget, env);
    }

    /** A resource parameter ({@code OCF_RESKEY_<name>}); empty or absent means "use the default". */
    public Optional<String> parameter(String name) {
        return nonEmpty(environment.get("OCF_RESKEY_" + name));
    }

    /** Meta data Pacemaker passes with every call ({@code OCF_RESKEY_CRM_meta_<name>}). */
    public Optional<String> meta(String name) {
        return nonEmpty(environment.get("OCF_RESKEY_CRM_meta_" + name));
    }

    public Optional<String> resourceInstance() {
        return nonEmpty(environment.get("OCF_RESOURCE_INSTANCE"));
    }

    /** Pacemaker's name for the node the action runs on: the only node name we trust. */
    public Optional<String> onNode() {
        return meta("on_node");
    }

    /**
     * How long the agent has to answer: the entry point's own wait ({@code budget_ms}, which keeps
     * time for its fallback), else Pacemaker's operation timeout.
     */
    public Duration answerWithin() {
        return budget.orElse(timeout());
    }

    /** The operation timeout Pacemaker enforces; the agent answers well before it. */
    public Duration timeout() {
        return meta("timeout").flatMap(OcfRequest::parseMillis).orElse(DEFAULT_TIMEOUT);
    }

    private static Optional<Duration> parseMillis(String value) {
        try {
            long ms = Long.parseLong(value.trim());
            return ms > 0 ? Optional.of(Duration.ofMillis(ms)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> nonEmpty(String value) {
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
