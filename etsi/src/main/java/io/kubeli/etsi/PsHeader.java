package io.kubeli.etsi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * PS-PDU pSHeader [1] (LI-PS-PDU). Timestamps are UTC instants; either, both or none may be present.
 *
 * @param domainId                    li-psDomainId [0]
 * @param liid                        lawfulInterceptionIdentifier [1] (1..25 octets)
 * @param authCountryCode             authorizationCountryCode [2], or null
 * @param communicationIdentifier     communicationIdentifier [3]
 * @param sequenceNumber              sequenceNumber [4] (0..2^32-1)
 * @param timeStamp                   timeStamp [5] GeneralizedTime, or null
 * @param interceptionPointId         interceptionPointID [6], or null
 * @param microSecondTimeStamp        microSecondTimeStamp [7] (microsecond precision), or null
 * @param timeStampQualifier          timeStampQualifier [8], or null
 * @param extendedInterceptionPointId extendedInterceptionPointID [9], or null
 * @param networkFunctionIdentifier   networkFunctionIdentifier [10], or null
 * @param unknownFields               extension components skipped anywhere in the PDU (see {@link UnknownField#path()});
 *                                    the encoder re-emits those with path {@code pSHeader} at the end of the header
 */
public record PsHeader(
        ObjectId domainId,
        Octets liid,
        String authCountryCode,
        CommunicationIdentifier communicationIdentifier,
        long sequenceNumber,
        Instant timeStamp,
        String interceptionPointId,
        Instant microSecondTimeStamp,
        TimeStampQualifier timeStampQualifier,
        Octets extendedInterceptionPointId,
        Octets networkFunctionIdentifier,
        List<UnknownField> unknownFields) {

    public PsHeader {
        Objects.requireNonNull(domainId, "domainId");
        Objects.requireNonNull(liid, "liid");
        Objects.requireNonNull(communicationIdentifier, "communicationIdentifier");
        if (sequenceNumber < 0 || sequenceNumber > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("sequenceNumber must be in 0..4294967295, got " + sequenceNumber);
        }
        unknownFields = unknownFields == null ? List.of() : List.copyOf(unknownFields);
    }

    /** The record time: microSecondTimeStamp when present, else timeStamp, else null. */
    public Instant timestamp() {
        return microSecondTimeStamp != null ? microSecondTimeStamp : timeStamp;
    }

    /** The format of {@link #timestamp()}, or null when the header carries no time. */
    public TimestampFormat timestampFormat() {
        return microSecondTimeStamp != null
                ? TimestampFormat.MICROSECONDS
                : timeStamp != null ? TimestampFormat.GENERALIZED : null;
    }

    /** The CIN, or null. */
    public Long cin() {
        return communicationIdentifier.cin();
    }

    /** This header with another sequence number. */
    public PsHeader withSequenceNumber(long seq) {
        return new PsHeader(
                domainId,
                liid,
                authCountryCode,
                communicationIdentifier,
                seq,
                timeStamp,
                interceptionPointId,
                microSecondTimeStamp,
                timeStampQualifier,
                extendedInterceptionPointId,
                networkFunctionIdentifier,
                unknownFields);
    }

    /** This header with another list of unknown fields. */
    public PsHeader withUnknownFields(List<UnknownField> fields) {
        return new PsHeader(
                domainId,
                liid,
                authCountryCode,
                communicationIdentifier,
                sequenceNumber,
                timeStamp,
                interceptionPointId,
                microSecondTimeStamp,
                timeStampQualifier,
                extendedInterceptionPointId,
                networkFunctionIdentifier,
                fields);
    }
}
