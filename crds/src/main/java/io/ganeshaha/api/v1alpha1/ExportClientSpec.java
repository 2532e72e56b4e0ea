package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Pattern;
import io.sundr.builder.annotations.Buildable;
import java.util.ArrayList;
import java.util.List;

/** Some clients of an export with their own access (ganesha's CLIENT block). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class ExportClientSpec {

    /**
     * What ganesha takes as a client: an IPv4 or IPv6 address or network (CIDR), a host name, a
     * wildcard ({@code *.example.com}), a netgroup ({@code @group}) or {@code *}.
     */
    public static final String CLIENT = "^(\\*|@[A-Za-z0-9._-]+|[0-9A-Fa-f:.]+(/[0-9]{1,3})?|[A-Za-z0-9*?._-]+)$";

    @Required
    @Size(min = 1, max = 64)
    @JsonPropertyDescription("The clients this entry is for: IP addresses, networks (192.0.2.0/24), host names, "
            + "wildcards (*.example.com), netgroups (@name), or *.")
    private List<@Size(min = 1, max = 253) @Pattern(CLIENT) String> clients = new ArrayList<>();

    @JsonPropertyDescription("What these clients may do; the export's accessType when unset.")
    private ExportAccess accessType;

    @JsonPropertyDescription("Squash for these clients; the export's squash when unset.")
    private ExportSquash squash;

    public List<String> getClients() {
        return clients;
    }

    public void setClients(List<String> clients) {
        this.clients = clients;
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
}
