package io.kubeli.etsi;

import java.util.List;
import java.util.Objects;

/** PS-PDU payload [2] (a CHOICE): CC list, IRI list, TRI, or another alternative kept as raw bytes. */
public sealed interface Payload {

    /** cCPayloadSequence [1]: one or more CC payloads (several = aggregation). */
    record Cc(List<CcPayload> payloads) implements Payload {
        public Cc {
            payloads = List.copyOf(payloads);
        }

        public static Cc of(CcPayload... p) {
            return new Cc(List.of(p));
        }
    }

    /** iRIPayloadSequence [0]: one or more IRI payloads. */
    record Iri(List<IriPayload> payloads) implements Payload {
        public Iri {
            payloads = List.copyOf(payloads);
        }

        public static Iri of(IriPayload... p) {
            return new Iri(List.of(p));
        }
    }

    /**
     * tRIPayload [2].
     *
     * @param kind     which TRI alternative
     * @param otherTlv the complete TLV of the alternative when {@code kind == OTHER}, else null
     */
    record Tri(TriKind kind, Octets otherTlv) implements Payload {
        public Tri {
            Objects.requireNonNull(kind, "kind");
            if ((kind == TriKind.OTHER) != (otherTlv != null)) {
                throw new IllegalArgumentException("otherTlv must be given exactly for kind OTHER");
            }
        }

        public static Tri of(TriKind kind) {
            return new Tri(kind, null);
        }
    }

    /** Another Payload alternative (hI1-Operation, encryptionContainer, …) as its complete TLV. */
    record Other(int tagNumber, Octets tlv) implements Payload {}
}
