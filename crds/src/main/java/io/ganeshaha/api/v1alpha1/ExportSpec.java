package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.sundr.builder.annotations.Buildable;
import java.util.ArrayList;
import java.util.List;

/**
 * One NFS export, served the same by every node of the cluster (ganesha's EXPORT block): the same
 * Export_Id everywhere, so a file handle one node issued stays valid on the node that takes its
 * virtual IP over.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class ExportSpec {

    /**
     * An absolute path ganesha's configuration can carry in double quotes: no quote, backslash or
     * control character.
     */
    static final String CONFIG_PATH = "^/[^\"\\\\\\x00-\\x1f\\x7f]*$";
    public static final int MAX_PATH = 1024;

    @Required
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("ganesha's Export_Id, unique in the cluster; it is in every file handle the export hands out. "
            + "0 is ganesha's pseudo root.")
    private Integer exportId;

    @Required
    @Size(min = 1, max = MAX_PATH)
    @Pattern(CONFIG_PATH)
    @JsonPropertyDescription("The exported directory on the hosts (on the shared storage every node sees). It must exist "
            + "when the export is applied; it cannot change while the export is served (the node agents then remove "
            + "and add it again).")
    private String path;

    @Required
    @Size(min = 1, max = MAX_PATH)
    @Pattern(CONFIG_PATH)
    @JsonPropertyDescription("Where NFSv4 clients find the export in the server's pseudo file system, unique in the cluster.")
    private String pseudo;

    @Default("RW")
    @JsonPropertyDescription("What clients may do, unless a client entry says otherwise: RW, RO, MDONLY, MDONLY_RO or None.")
    private ExportAccess accessType = ExportAccess.RW;

    @Default("RootSquash")
    @JsonPropertyDescription("Which users are mapped to the anonymous user: RootSquash (root), RootIdSquash (root's uid "
            + "only), AllSquash (everybody) or NoRootSquash (nobody).")
    private ExportSquash squash = ExportSquash.RootSquash;

    @Size(min = 1, max = 2)
    @JsonPropertyDescription("NFS versions served: NFSv4 (default), NFSv3 (with MOUNT and NLM).")
    private List<NfsProtocol> protocols = new ArrayList<>(List.of(NfsProtocol.NFSv4));

    @Size(min = 1, max = 2)
    @JsonPropertyDescription("Transports: TCP (default), UDP.")
    private List<NfsTransport> transports = new ArrayList<>(List.of(NfsTransport.TCP));

    @Size(min = 1, max = 5)
    @JsonPropertyDescription("Security flavours (ganesha's SecType): sys (default), krb5, krb5i, krb5p, none.")
    private List<SecurityFlavor> securityFlavors = new ArrayList<>(List.of(SecurityFlavor.sys));

    @Size(max = 32)
    @JsonPropertyDescription("Client entries, first match wins (ganesha's CLIENT blocks), each with its own access. "
            + "A client no entry matches gets accessType.")
    private List<ExportClientSpec> clients = new ArrayList<>();

    @JsonPropertyDescription("The file system abstraction that serves the path, with its settings: VFS by default.")
    private FsalSpec fsal = new FsalSpec();

    public Integer getExportId() {
        return exportId;
    }

    public void setExportId(Integer exportId) {
        this.exportId = exportId;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public String getPseudo() {
        return pseudo;
    }

    public void setPseudo(String pseudo) {
        this.pseudo = pseudo;
    }

    public ExportAccess getAccessType() {
        return accessType;
    }

    public void setAccessType(ExportAccess accessType) {
        this.accessType = accessType;
    }

    public ExportSquash getSquash() {
        return squash;
    }

    public void setSquash(ExportSquash squash) {
        this.squash = squash;
    }

    public List<NfsProtocol> getProtocols() {
        return protocols;
    }

    public void setProtocols(List<NfsProtocol> protocols) {
        this.protocols = protocols;
    }

    public List<NfsTransport> getTransports() {
        return transports;
    }

    public void setTransports(List<NfsTransport> transports) {
        this.transports = transports;
    }

    public List<SecurityFlavor> getSecurityFlavors() {
        return securityFlavors;
    }

    public void setSecurityFlavors(List<SecurityFlavor> securityFlavors) {
        this.securityFlavors = securityFlavors;
    }

    public List<ExportClientSpec> getClients() {
        return clients;
    }

    public void setClients(List<ExportClientSpec> clients) {
        this.clients = clients;
    }

    public FsalSpec getFsal() {
        return fsal;
    }

    public void setFsal(FsalSpec fsal) {
        this.fsal = fsal;
    }
}
