package io.ganeshaha.api.v1alpha1;

/** ganesha's Squash: which users an export maps to the anonymous user. */
public enum ExportSquash {
    RootSquash("Root_Squash"),
    RootIdSquash("Root_Id_Squash"),
    AllSquash("All_Squash"),
    NoRootSquash("No_Root_Squash");

    private final String ganeshaName;

    ExportSquash(String ganeshaName) {
        this.ganeshaName = ganeshaName;
    }

    /** The value in ganesha's configuration. */
    public String ganeshaName() {
        return ganeshaName;
    }
}
