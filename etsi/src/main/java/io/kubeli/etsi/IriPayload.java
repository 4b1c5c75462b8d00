package io.kubeli.etsi;

import java.time.Instant;
import java.util.Objects;

/**
 * One IRIPayload.
 *
 * @param iriType   iRIType [0], or null
 * @param timeStamp timeStamp [1], or null
 * @param contents  iRIContents [2]
 */
public record IriPayload(IriType iriType, Instant timeStamp, IriContents contents) {
    public IriPayload {
        Objects.requireNonNull(contents, "contents");
    }
}
