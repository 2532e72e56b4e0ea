package io.ganeshaha.agent.testing;

import io.ganeshaha.agent.ocf.OcfAgent;
import io.ganeshaha.agent.ocf.OcfRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** OCF calls as an entry point forwards them, for tests of the agent's actions. */
public final class OcfRequests {

    private OcfRequests() {}

    /**
     * {@code agent action} on {@code node}, instance {@code instance}, with {@code parameters} given
     * as {@code name=value} pairs: a plain name is a resource parameter ({@code OCF_RESKEY_name}),
     * {@code meta:name} is Pacemaker's meta data ({@code OCF_RESKEY_CRM_meta_name}).
     */
    public static OcfRequest call(OcfAgent agent, String action, String node, String instance, String... parameters) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OCF_RESOURCE_INSTANCE", instance);
        env.put("OCF_RESKEY_CRM_meta_on_node", node);
        for (String parameter : parameters) {
            int eq = parameter.indexOf('=');
            String name = parameter.substring(0, eq);
            String value = parameter.substring(eq + 1);
            env.put(name.startsWith("meta:") ? "OCF_RESKEY_CRM_meta_" + name.substring(5) : "OCF_RESKEY_" + name,
                    value);
        }
        return new OcfRequest(agent, action, Optional.empty(), env);
    }
}
