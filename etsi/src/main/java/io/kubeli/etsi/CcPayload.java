package io.kubeli.etsi;

import java.time.Instant;
import java.util.Objects;

/**
 * One CCPayload.
 *
 * @param direction payloadDirection [0], or null
 * @param timeStamp timeStamp [1] (per-payload time when aggregated), or null
 * @param contents  cCContents [2]
 */
public record CcPayload(Direction direction, Instant timeStamp, CcContents contents) {
    public CcPayload {
        Objects.requireNonNull(contents, "contents");
    }
}
