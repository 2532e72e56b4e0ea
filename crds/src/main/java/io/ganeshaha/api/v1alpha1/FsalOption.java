package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.sundr.builder.annotations.Buildable;

/** One setting of a ganesha block (an export's FSAL, the NFSV4 block): a parameter and its value. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class FsalOption {

    /** A ganesha parameter name. */
    public static final String PARAMETER = "^[A-Za-z][A-Za-z0-9_]*$";
    /** A value ganesha's configuration can carry in double quotes. */
    public static final String VALUE = "^[^\"\\\\\\x00-\\x1f\\x7f]*$";

    @Required
    @Size(min = 1, max = 64)
    @Pattern(PARAMETER)
    @JsonPropertyDescription("The parameter's name in its block (an FSAL's: User_Id, Filesystem, Hostname, Volume; "
            + "NFSV4's: Minor_Versions, Allow_Numeric_Owners).")
    private String name;

    @Required
    @Size(max = 1024)
    @Pattern(VALUE)
    @JsonPropertyDescription("Its value; no double quote, backslash or control character.")
    private String value;

    public FsalOption() {}

    public FsalOption(String name, String value) {
        this.name = name;
        this.value = value;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getValue() {
        return value;
    }

    public void setValue(String value) {
        this.value = value;
    }
}
