package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.sundr.builder.annotations.Buildable;

/** An export ganesha.nfsd would not take, and what it answered. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Buildable(editableEnabled = false, lazyCollectionInitEnabled = false, builderPackage = "io.fabric8.kubernetes.api.builder")
public class ExportRefusal {

    /** The longest message kept. */
    public static final int MAX_MESSAGE = 2048;

    @JsonPropertyDescription("The export's id.")
    private Integer exportId;

    @Size(max = MAX_MESSAGE)
    @JsonPropertyDescription("ganesha.nfsd's answer to the D-Bus call (AddExport, UpdateExport or RemoveExport), or why "
            + "the agent could not make the call.")
    private String message;

    public ExportRefusal() {}

    public ExportRefusal(Integer exportId, String message) {
        this.exportId = exportId;
        this.message = message;
    }

    public Integer getExportId() {
        return exportId;
    }

    public void setExportId(Integer exportId) {
        this.exportId = exportId;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }
}
