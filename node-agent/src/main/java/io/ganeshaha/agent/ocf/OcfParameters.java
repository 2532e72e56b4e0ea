package io.ganeshaha.agent.ocf;

import io.ganeshaha.cib.CibRenderer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The resource parameters of the three agents, with the GlusterFS defaults, validated. A CIB
 * written by GlusterFS's ganesha-ha.sh sets none of our new parameters and must keep working.
 */
public final class OcfParameters {

    public static final String DEFAULT_GANESHA_ACTIVE = CibRenderer.GANESHA_ACTIVE;
    public static final String DEFAULT_GRACE_ACTIVE = CibRenderer.GRACE_ACTIVE;
    public static final int DEFAULT_GRACE_DELAY_SECONDS = 5;
    public static final int MAX_GRACE_DELAY_SECONDS = 3600;
    public static final String DEFAULT_HA_VOL_MNT = "/var/run/gluster/shared_storage";

    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private OcfParameters() {}

    /** ganesha_mon: the two attribute names and the upper bound of the wait between deleting them. */
    public record Mon(String ganeshaActive, String graceActive, Duration graceDelay) {}

    /** ganesha_mon's parameters as GlusterFS's layout leaves them: every default. */
    public static Mon defaultMon() {
        return new Mon(DEFAULT_GANESHA_ACTIVE, DEFAULT_GRACE_ACTIVE, Duration.ofSeconds(DEFAULT_GRACE_DELAY_SECONDS));
    }

    /** ganesha_grace: the attribute whose absence stops the clone instance on this node. */
    public record Grace(String graceActive) {}

    /** ganesha_takeover: the node whose virtual IPs (and client records) are taken over. */
    public record Takeover(String homeNode) {}

    public static Takeover takeover(OcfRequest request) throws OcfConfigurationException {
        String home = request.parameter("home_node").orElseThrow(() -> new OcfConfigurationException(
                "parameter home_node is required: the Pacemaker name of the virtual IPs' home node"));
        // A node's name never starts with a dot; ".", ".." and ".handback" would name directories
        // of a node's recovery tree (its peer links are named after the nodes).
        if (home.matches(".*[\\s/].*") || home.startsWith(".")) {
            throw new OcfConfigurationException("parameter home_node='" + home + "' is not a Pacemaker node name");
        }
        return new Takeover(home);
    }

    /** ganesha_nfsd: where the shared storage holding every node's NFS state is mounted. */
    public record Nfsd(Path haVolMnt) {}

    /** Where parameter values come from: a request's environment, or a recorded instance. */
    public interface Source extends Function<String, Optional<String>> {
        static Source of(OcfRequest request) {
            return request::parameter;
        }

        static Source of(Map<String, String> values) {
            return name -> Optional.ofNullable(values.get(name)).filter(v -> !v.isEmpty());
        }
    }

    /** The parameters of {@code names} that the request sets, to record with a started instance. */
    public static Map<String, String> recorded(OcfRequest request, String... names) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : names) {
            request.parameter(name).ifPresent(v -> values.put(name, v));
        }
        return values;
    }

    public static final String[] MON_PARAMETERS = {"ganesha_active", "grace_active", "grace_delay"};

    public static Mon mon(OcfRequest request) throws OcfConfigurationException {
        return mon(Source.of(request));
    }

    public static Grace grace(OcfRequest request) throws OcfConfigurationException {
        return new Grace(attributeName(Source.of(request), "grace_active", DEFAULT_GRACE_ACTIVE));
    }

    public static Nfsd nfsd(OcfRequest request) throws OcfConfigurationException {
        return nfsd(Source.of(request));
    }

    public static Mon mon(Source request) throws OcfConfigurationException {
        String ganeshaActive = attributeName(request, "ganesha_active", DEFAULT_GANESHA_ACTIVE);
        String graceActive = attributeName(request, "grace_active", DEFAULT_GRACE_ACTIVE);
        if (ganeshaActive.equals(graceActive)) {
            throw new OcfConfigurationException("parameters ganesha_active and grace_active must differ, both are '"
                    + graceActive + "'");
        }
        return new Mon(ganeshaActive, graceActive, graceDelay(request));
    }

    public static Nfsd nfsd(Source request) throws OcfConfigurationException {
        String value = request.apply("ha_vol_mnt").orElse(DEFAULT_HA_VOL_MNT);
        if (!value.startsWith("/")) {
            throw new OcfConfigurationException("parameter ha_vol_mnt must be an absolute path, got '" + value + "'");
        }
        return new Nfsd(Path.of(value).normalize());
    }

    private static String attributeName(Source request, String parameter, String fallback)
            throws OcfConfigurationException {
        String value = request.apply(parameter).orElse(fallback);
        if (!ATTRIBUTE_NAME.matcher(value).matches()) {
            throw new OcfConfigurationException("parameter " + parameter
                    + " must be a node attribute name of letters, digits, '_', '.' and '-', got '" + value + "'");
        }
        return value;
    }

    private static Duration graceDelay(Source request) throws OcfConfigurationException {
        String value = request.apply("grace_delay").orElse(Integer.toString(DEFAULT_GRACE_DELAY_SECONDS));
        int seconds;
        try {
            // Digits only, as the entry point's validate-all accepts: no sign, no blanks.
            if (!value.matches("[0-9]{1,9}")) {
                throw new NumberFormatException(value);
            }
            seconds = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new OcfConfigurationException("parameter grace_delay must be a whole number of seconds, got '"
                    + value + "'");
        }
        if (seconds < 0 || seconds > MAX_GRACE_DELAY_SECONDS) {
            throw new OcfConfigurationException("parameter grace_delay must be between 0 and "
                    + MAX_GRACE_DELAY_SECONDS + " seconds, got " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }
}
