package io.ganeshaha.api.v1alpha1;

/** An NFS version an export is served over (ganesha's Protocols). */
public enum NfsProtocol {
    NFSv3("3"),
    NFSv4("4");

    private final String ganeshaName;

    NfsProtocol(String ganeshaName) {
        this.ganeshaName = ganeshaName;
    }

    /** The value in ganesha's configuration. */
    public String ganeshaName() {
        return ganeshaName;
    }
}
