package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.sundr.builder.annotations.Buildable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * ganesha's {@code NFSV4} block as the cluster wants it on every node: the grace period and the
 * lease, which every node must agree on for a client to reclaim on the node that takes its
 * address over, one server scope, and the rest of the block's settings. The node agents write it
 * into a file ganesha.conf includes; ganesha reads the block only when it starts.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
@ValidationRule(value = "!has(self.gracePeriodSeconds) || !has(self.leaseLifetimeSeconds)"
        + " || self.gracePeriodSeconds >= self.leaseLifetimeSeconds",
        message = "gracePeriodSeconds must be at least leaseLifetimeSeconds: a client learns that its server changed "
                + "only when it next renews its lease, and must still be in grace then to reclaim")
public class Nfsv4Spec {

    /** ganesha 4.3's defaults and bounds (docs/ganesha-4.3-exports.md, section 4). */
    public static final int DEFAULT_GRACE_PERIOD_SECONDS = 90;
    public static final int DEFAULT_LEASE_LIFETIME_SECONDS = 60;
    public static final int MAX_GRACE_PERIOD_SECONDS = 270;
    public static final int MAX_LEASE_LIFETIME_SECONDS = 180;
    /** A Server_Scope ganesha takes (at most 255 characters) and its syntax can carry in double quotes. */
    public static final String SERVER_SCOPE = "^[^\"\\\\\\x00-\\x1f\\x7f]+$";
    /**
     * The NFSV4 settings this spec owns or ganesha-ha depends on, in lower case (ganesha's names are
     * case-insensitive): the recovery records must stay where the agents read and hand them back
     * (RecoveryBackend fs under /var/lib/nfs/ganesha), and grace is the point of it all.
     */
    public static final Set<String> OWNED_PARAMETERS = Set.of("grace_period", "lease_lifetime", "server_scope",
            "recoverybackend", "recoveryroot", "recoverydir", "graceless");

    @Min(1)
    @Max(MAX_GRACE_PERIOD_SECONDS)
    @Default("90")
    @JsonPropertyDescription("ganesha's Grace_Period on every node, in seconds (ganesha's default 90): how long a node "
            + "that took a failed node's address over, and every survivor, refuse new locks while the failed node's "
            + "clients reclaim theirs. ganesha ends it earlier once every NFSv4.1 client it expects has reclaimed.")
    private Integer gracePeriodSeconds = DEFAULT_GRACE_PERIOD_SECONDS;

    @Min(1)
    @Max(MAX_LEASE_LIFETIME_SECONDS)
    @Default("60")
    @JsonPropertyDescription("ganesha's Lease_Lifetime on every node, in seconds (ganesha's default 60). Keep it longer "
            + "than a node cut off from the cluster takes to stop serving (its fencing, or its ganesha_nfsd stop without "
            + "quorum): a moved client whose lease runs out there first has its recovery record deleted and cannot "
            + "reclaim.")
    private Integer leaseLifetimeSeconds = DEFAULT_LEASE_LIFETIME_SECONDS;

    @Size(min = 1, max = 255)
    @Pattern(SERVER_SCOPE)
    @JsonPropertyDescription("ganesha's Server_Scope on every node. An NFSv4.1 client reclaims on the node that took its "
            + "address over only if both present the same scope. Default: the GaneshaCluster's name.")
    private String serverScope;

    @Size(max = 32)
    // Any case: ganesha matches names whatever their case.
    @ValidationRule(value = "self.all(o, self.exists_one(p, p.name.lowerAscii() == o.name.lowerAscii()))",
            message = "each NFSV4 setting may be given once")
    // Any case: ganesha matches names whatever their case.
    @ValidationRule(value = "!self.exists(o, o.name.matches('^([Gg][Rr][Aa][Cc][Ee]_[Pp][Ee][Rr][Ii][Oo][Dd]|[Ll][Ee][Aa][Ss][Ee]_[Ll][Ii][Ff][Ee][Tt][Ii][Mm][Ee]|[Ss][Ee][Rr][Vv][Ee][Rr]_[Ss][Cc][Oo][Pp][Ee]|[Rr][Ee][Cc][Oo][Vv][Ee][Rr][Yy][Bb][Aa][Cc][Kk][Ee][Nn][Dd]|[Rr][Ee][Cc][Oo][Vv][Ee][Rr][Yy][Rr][Oo][Oo][Tt]|[Rr][Ee][Cc][Oo][Vv][Ee][Rr][Yy][Dd][Ii][Rr]|[Gg][Rr][Aa][Cc][Ee][Ll][Ee][Ss][Ss])$'))",
            message = "Grace_Period, Lease_Lifetime and Server_Scope are set by their own fields; RecoveryBackend, "
                    + "RecoveryRoot, RecoveryDir and Graceless are ganesha-ha's (fs records under /var/lib/nfs/ganesha, "
                    + "and grace)")
    @JsonPropertyDescription("The NFSV4 block's other settings (e.g. Minor_Versions: \"1, 2\", Allow_Numeric_Owners). "
            + "ganesha keeps only the last NFSV4 block it reads, whole: settings of another NFSV4 block in ganesha.conf "
            + "are lost once the cluster's comes after it, so put them here.")
    private List<FsalOption> parameters = new ArrayList<>();

    public Integer getGracePeriodSeconds() {
        return gracePeriodSeconds;
    }

    public void setGracePeriodSeconds(Integer gracePeriodSeconds) {
        this.gracePeriodSeconds = gracePeriodSeconds;
    }

    public Integer getLeaseLifetimeSeconds() {
        return leaseLifetimeSeconds;
    }

    public void setLeaseLifetimeSeconds(Integer leaseLifetimeSeconds) {
        this.leaseLifetimeSeconds = leaseLifetimeSeconds;
    }

    public String getServerScope() {
        return serverScope;
    }

    public void setServerScope(String serverScope) {
        this.serverScope = serverScope;
    }

    public List<FsalOption> getParameters() {
        return parameters;
    }

    public void setParameters(List<FsalOption> parameters) {
        this.parameters = parameters;
    }

    /** {@code gracePeriodSeconds}, ganesha's default when unset. */
    public int gracePeriodOrDefault() {
        return gracePeriodSeconds == null ? DEFAULT_GRACE_PERIOD_SECONDS : gracePeriodSeconds;
    }

    /** {@code leaseLifetimeSeconds}, ganesha's default when unset. */
    public int leaseLifetimeOrDefault() {
        return leaseLifetimeSeconds == null ? DEFAULT_LEASE_LIFETIME_SECONDS : leaseLifetimeSeconds;
    }

    /** {@code serverScope}, the cluster's name when unset. */
    public String serverScopeOrDefault(String clusterName) {
        return serverScope == null || serverScope.isEmpty() ? clusterName : serverScope;
    }

    /** Whether {@code name} is one of {@link #OWNED_PARAMETERS}. */
    public static boolean owned(String name) {
        return name != null && OWNED_PARAMETERS.contains(name.toLowerCase(Locale.ROOT));
    }
}
