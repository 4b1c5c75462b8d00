package io.kubeli.etsi;

import java.util.Objects;

/** IRIContents (a CHOICE): IPIRI, IPMMIRI with a SIP message, or another alternative kept as raw bytes. */
public sealed interface IriContents {

    /** iPIRI [2]: IPIRI { iPIRIObjId [0], iPIRIContents [1] }. */
    record IpIri(ObjectId objId, IpIriContents contents) implements IriContents {
        public IpIri {
            Objects.requireNonNull(objId, "objId");
            Objects.requireNonNull(contents, "contents");
        }
    }

    /** iPMMIRI [11] (TS 102 232-5) carrying iPMMIRIContents = sIPMessage [1]. */
    record IpmmIri(ObjectId objId, SipMessage sipMessage) implements IriContents {
        public IpmmIri {
            Objects.requireNonNull(objId, "objId");
            Objects.requireNonNull(sipMessage, "sipMessage");
        }
    }

    /**
     * iPMMIRI [11] carrying iPMMIRIContents = originalIPMMMessage [0]. KubeLI sends it empty as the IRI-End of a call
     * that ended without a SIP message (media timeout, warrant window end, Intercept removed, collector stopped):
     * every iPMMIRIContents alternative carries a message, and this one is uninterpreted octets.
     */
    record IpmmIriOriginal(ObjectId objId, Octets message) implements IriContents {
        public IpmmIriOriginal {
            Objects.requireNonNull(objId, "objId");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Another IRIContents alternative as its complete TLV. */
    record Other(int tagNumber, Octets tlv) implements IriContents {}
}
