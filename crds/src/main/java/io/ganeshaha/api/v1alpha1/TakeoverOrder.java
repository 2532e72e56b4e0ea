package io.ganeshaha.api.v1alpha1;

/** Which survivor a failed node's virtual IPs prefer after their home node; see the spec field. */
public enum TakeoverOrder {
    Preceding,
    Following
}
