package io.kubeli.api.v1alpha1;

/** The kind of identity a Target names. */
public enum TargetKind {
    /** An IPv4/IPv6 address or CIDR prefix. */
    IP,
    /** A RADIUS user name (IP learned from RADIUS accounting). */
    RADIUS_USER,
    /** A SIP URI (VoIP signalling and media). */
    SIP_URI
}
