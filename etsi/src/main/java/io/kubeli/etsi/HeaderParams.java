package io.kubeli.etsi;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a collector/mediator knows per (intercept, agency, CIN) to build PSHeaders.
 * Strings are ASCII; nullable components are optional and then omitted from the header.
 *
 * @param profile                  module versions to emit (required)
 * @param liid                     lawfulInterceptionIdentifier, 1..25 ASCII octets (required)
 * @param authorizationCountryCode 2 PrintableString characters, or null
 * @param operatorId               operatorIdentifier, 1..16 octets (required)
 * @param networkElementId         networkElementIdentifier, 1..16 octets, or null
 * @param cin                      communicationIdentityNumber 0..2^32-1, or null (keep-alives)
 * @param deliveryCountryCode      2 PrintableString characters, or null
 * @param timestampFormat          GeneralizedTime (ms) or microSecondTimeStamp (required)
 * @param interceptionPointId      1..8 PrintableString characters, or null
 * @param timeStampQualifier       timeStampQualifier [8], or null to omit
 */
public record HeaderParams(
        Profile profile,
        String liid,
        String authorizationCountryCode,
        String operatorId,
        String networkElementId,
        Long cin,
        String deliveryCountryCode,
        TimestampFormat timestampFormat,
        String interceptionPointId,
        TimeStampQualifier timeStampQualifier) {

    public HeaderParams {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(timestampFormat, "timestampFormat");
        checkAscii("liid", liid, 1, 25, false);
        checkAscii("operatorId", operatorId, 1, 16, false);
        checkAscii("networkElementId", networkElementId, 1, 16, true);
        checkPrintable("authorizationCountryCode", authorizationCountryCode, 2, 2);
        checkPrintable("deliveryCountryCode", deliveryCountryCode, 2, 2);
        checkPrintable("interceptionPointId", interceptionPointId, 1, 8);
        if (cin != null && (cin < 0 || cin > 0xFFFF_FFFFL)) {
            throw new IllegalArgumentException("cin must be in 0..4294967295, got " + cin);
        }
    }

    /** The listed fields with timeStampQualifier = timeOfInterception (what OpenLI sends). */
    public HeaderParams(
            Profile profile,
            String liid,
            String authorizationCountryCode,
            String operatorId,
            String networkElementId,
            Long cin,
            String deliveryCountryCode,
            TimestampFormat timestampFormat,
            String interceptionPointId) {
        this(
                profile,
                liid,
                authorizationCountryCode,
                operatorId,
                networkElementId,
                cin,
                deliveryCountryCode,
                timestampFormat,
                interceptionPointId,
                TimeStampQualifier.TIME_OF_INTERCEPTION);
    }

    /** The same parameters with another CIN (null to omit it). */
    public HeaderParams withCin(Long newCin) {
        return new HeaderParams(
                profile,
                liid,
                authorizationCountryCode,
                operatorId,
                networkElementId,
                newCin,
                deliveryCountryCode,
                timestampFormat,
                interceptionPointId,
                timeStampQualifier);
    }

    private static void checkAscii(String name, String v, int min, int max, boolean nullable) {
        if (v == null) {
            if (nullable) return;
            throw new IllegalArgumentException(name + " is required");
        }
        int n = v.getBytes(StandardCharsets.US_ASCII).length;
        if (n < min || n > max || !StandardCharsets.US_ASCII.newEncoder().canEncode(v)) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + " ASCII characters");
        }
    }

    private static void checkPrintable(String name, String v, int min, int max) {
        if (v == null) return;
        if (v.length() < min || v.length() > max || !Asn1Strings.isPrintable(v)) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + " PrintableString characters");
        }
    }
}
