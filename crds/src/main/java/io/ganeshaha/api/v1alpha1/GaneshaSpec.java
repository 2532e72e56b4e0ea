package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.sundr.builder.annotations.Buildable;

import io.ganeshaha.api.agent.AgentSettings;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where ganesha.nfsd is found on every host: its D-Bus admin interface, its pid file and its exports file. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class GaneshaSpec {

    public static final String DEFAULT_DBUS_ADDRESS = AgentSettings.DEFAULT_DBUS_ADDRESS;
    public static final String DEFAULT_PID_FILE = AgentSettings.DEFAULT_PID_FILE;
    public static final String DEFAULT_EXPORTS_FILE = AgentSettings.DEFAULT_EXPORTS_FILE;
    /**
     * A file in a directory below the root (the agent's pod mounts that directory), in the
     * characters ganesha's %include takes.
     */
    static final String EXPORTS_FILE = "^(/[A-Za-z0-9._-]+){2,}$";

    @Default(DEFAULT_DBUS_ADDRESS)
    @Pattern("^unix:(path|abstract)=.+$")
    @Size(max = 4096)
    @JsonPropertyDescription("The D-Bus address of the bus ganesha.nfsd's admin interface is on (the system bus).")
    private String dbusAddress = DEFAULT_DBUS_ADDRESS;

    @Default(DEFAULT_PID_FILE)
    @Pattern(GaneshaClusterSpec.ABSOLUTE_PATH)
    @Size(max = 4096)
    @JsonPropertyDescription("ganesha.nfsd's pid file: how the agent tells a dead nfsd while the bus is down.")
    private String pidFile = DEFAULT_PID_FILE;

    @Default(DEFAULT_EXPORTS_FILE)
    @Pattern(EXPORTS_FILE)
    @Size(max = 1024)
    @ValidationRule(value = "!self.endsWith('/ganesha.conf')",
            message = "exportsFile is the agents' own file, which ganesha.conf includes, not ganesha.conf itself")
    @JsonPropertyDescription("The file on every host that holds the cluster's exports, which the node agents write and "
            + "ganesha.conf must %include (ganesha reads it at start; a SIGHUP drops every export not in a file it "
            + "includes). The agents give ganesha each export from a file of its own in <exportsFile>.d/.")
    private String exportsFile = DEFAULT_EXPORTS_FILE;

    @JsonPropertyDescription("The NFSV4 block every node's ganesha.nfsd starts with: grace period, lease, server scope "
            + "and its other settings, the same on every node. The node agents write it into "
            + "<directory of exportsFile>/" + AgentSettings.NFSV4_FILE_NAME + ", which ganesha.conf must %include after "
            + "any NFSV4 block of its own (ganesha keeps the last one, whole). ganesha reads it only at start: a node "
            + "runs a change from its nfsd's next start, and status reports the nodes still waiting for one. Unset: "
            + "the agents leave ganesha's NFSV4 settings to ganesha.conf.")
    private Nfsv4Spec nfsv4;

    public Nfsv4Spec getNfsv4() {
        return nfsv4;
    }

    public void setNfsv4(Nfsv4Spec nfsv4) {
        this.nfsv4 = nfsv4;
    }

    public String getExportsFile() {
        return exportsFile;
    }

    public void setExportsFile(String exportsFile) {
        this.exportsFile = exportsFile;
    }

    public String getDbusAddress() {
        return dbusAddress;
    }

    public void setDbusAddress(String dbusAddress) {
        this.dbusAddress = dbusAddress;
    }

    public String getPidFile() {
        return pidFile;
    }

    public void setPidFile(String pidFile) {
        this.pidFile = pidFile;
    }
}
