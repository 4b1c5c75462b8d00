package io.kubeli.etsi;

/** An ASN.1 ENUMERATED type: its integer code on the wire and its name in the ASN.1 module. */
public interface AsnEnum {
    /** The integer value encoded on the wire. */
    int code();

    /** The identifier used in the ASN.1 module (and in JSON output). */
    String asnName();
}
