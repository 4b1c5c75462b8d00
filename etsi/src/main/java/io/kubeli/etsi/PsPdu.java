package io.kubeli.etsi;

import java.util.Objects;

/** One PS-PDU: pSHeader [1] and payload [2]. */
public record PsPdu(PsHeader header, Payload payload) {
    public PsPdu {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(payload, "payload");
    }
}
