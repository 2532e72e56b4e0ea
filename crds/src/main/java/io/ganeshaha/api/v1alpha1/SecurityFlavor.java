package io.ganeshaha.api.v1alpha1;

/** An RPC security flavour an export accepts (ganesha's SecType), by ganesha's names. */
public enum SecurityFlavor {
    sys,
    krb5,
    krb5i,
    krb5p,
    none
}
