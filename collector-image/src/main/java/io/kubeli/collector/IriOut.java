package io.kubeli.collector;

import io.kubeli.etsi.HeaderParams;
import io.kubeli.etsi.IriContents;
import io.kubeli.etsi.IriType;

/** Callbacks of RADIUS sessions and SIP calls into the {@link InterceptManager}: keys and IRI. */
interface IriOut {
    /** The key of (Intercept identity, LIID, CIN). */
    KeyState key(String identity, String agency, String liid, long cin);

    /** Encodes and writes one IRI record; false when it could not be encoded (logged). */
    boolean iri(String name, KeyState key, HeaderParams hp, IriType type, IriContents c, long atNanos);
}
