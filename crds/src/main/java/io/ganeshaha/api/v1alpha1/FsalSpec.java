package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.sundr.builder.annotations.Buildable;
import java.util.Map;
import java.util.TreeMap;

/**
 * The FSAL an export is served by (ganesha's FSAL sub-block): its name and its own settings, so
 * that VFS, and FSALs with settings of their own (CEPH, GLUSTER, GPFS, ...), are all described.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class FsalSpec {

    public static final String DEFAULT_NAME = "VFS";
    /** A ganesha parameter name. */
    static final String PARAMETER = "^[A-Za-z][A-Za-z0-9_]*$";

    @Default(DEFAULT_NAME)
    @Size(min = 1, max = 32)
    @Pattern("^[A-Za-z][A-Za-z0-9_]*$")
    @JsonPropertyDescription("The FSAL's name as ganesha loads it: VFS (default), CEPH, GLUSTER, GPFS, XFS, ... Its "
            + "library must be installed on every host (nfs-ganesha-vfs for VFS). It cannot change while the export "
            + "is served (the node agents then remove and add the export again).")
    private String name = DEFAULT_NAME;

    @Size(max = 32)
    @ValidationRule(value = "self.all(k, k.matches('" + PARAMETER + "') && k.size() <= 64)",
            message = "an FSAL setting's name is a ganesha parameter name (letters, digits, _), at most 64 characters")
    @ValidationRule(value = "self.all(k, self[k].size() <= 1024 && !self[k].matches(r'[\"\\\\\\x00-\\x1f]'))",
            message = "an FSAL setting's value may not hold a double quote, a backslash or a control character")
    @ValidationRule(value = "!self.exists(k, k.matches('^[Nn][Aa][Mm][Ee]$'))",
            message = "the FSAL's name is fsal.name, not a setting")
    @JsonPropertyDescription("The FSAL's own settings, name to value, as in its FSAL block (e.g. CEPH's User_Id, "
            + "GLUSTER's Hostname and Volume).")
    private Map<String, String> options = new TreeMap<>();

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Map<String, String> getOptions() {
        return options;
    }

    public void setOptions(Map<String, String> options) {
        this.options = options;
    }
}
