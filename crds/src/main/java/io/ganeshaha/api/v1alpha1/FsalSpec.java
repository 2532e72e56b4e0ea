package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.sundr.builder.annotations.Buildable;
import java.util.ArrayList;
import java.util.List;

/**
 * The FSAL an export is served by (ganesha's FSAL sub-block): its name and its own settings, so
 * that VFS, and FSALs with settings of their own (CEPH, GLUSTER, GPFS, ...), are all described.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class FsalSpec {

    public static final String DEFAULT_NAME = "VFS";
    @Default(DEFAULT_NAME)
    @Size(min = 1, max = 32)
    @Pattern(FsalOption.PARAMETER)
    @JsonPropertyDescription("The FSAL's name as ganesha loads it: VFS (default), CEPH, GLUSTER, GPFS, XFS, ... Its "
            + "library must be installed on every host (nfs-ganesha-vfs for VFS). It cannot change while the export "
            + "is served (the node agents then remove and add the export again).")
    private String name = DEFAULT_NAME;

    @Size(max = 32)
    // Any case: ganesha matches names whatever their case.
    @ValidationRule(value = "self.all(o, self.exists_one(p, p.name.lowerAscii() == o.name.lowerAscii()))",
            message = "each FSAL setting may be given once")
    @ValidationRule(value = "!self.exists(o, o.name.matches('^[Nn][Aa][Mm][Ee]$'))",
            message = "the FSAL's name is fsal.name, not a setting")
    @JsonPropertyDescription("The FSAL's own settings, as in its FSAL block (e.g. CEPH's User_Id and Filesystem, "
            + "GLUSTER's Hostname and Volume).")
    private List<FsalOption> options = new ArrayList<>();

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public List<FsalOption> getOptions() {
        return options;
    }

    public void setOptions(List<FsalOption> options) {
        this.options = options;
    }
}
