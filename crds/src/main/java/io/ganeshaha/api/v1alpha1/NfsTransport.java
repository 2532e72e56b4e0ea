package io.ganeshaha.api.v1alpha1;

/** A transport an export is served over (ganesha's Transports). */
public enum NfsTransport {
    TCP,
    UDP
}
