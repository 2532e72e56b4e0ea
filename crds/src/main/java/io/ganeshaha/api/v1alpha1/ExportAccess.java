package io.ganeshaha.api.v1alpha1;

/** What clients may do with an export: ganesha's Access_Type, by its own names. */
public enum ExportAccess {
    RW,
    RO,
    MDONLY,
    MDONLY_RO,
    None
}
