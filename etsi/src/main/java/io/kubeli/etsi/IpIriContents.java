package io.kubeli.etsi;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/**
 * IPIRIContents (TS 102 232-3, a SEQUENCE) with every component up to [26]; null = absent.
 * Complex, rarely used components ([18], [20], [23], [24], [26]) are kept as encoded bytes.
 *
 * @param accessEventType accessEventType [0] (required)
 * @param targetUsername targetUsername [1] (required, ASCII)
 * @param internetAccessType internetAccessType [2] (required)
 * @param ipVersion iPVersion [3] (required)
 * @param targetIpAddress targetIPAddress [4]
 * @param targetNetworkId targetNetworkID [5] UTF8String
 * @param targetCpeId targetCPEID [6] UTF8String
 * @param targetLocation targetLocation [7] UTF8String
 * @param popPortNumber pOPPortNumber [8]
 * @param callBackNumber callBackNumber [9] UTF8String
 * @param startTime startTime [10]
 * @param endTime endTime [11]
 * @param endReason endReason [12]
 * @param octetsReceived octetsReceived [13] (0..2^64-1)
 * @param octetsTransmitted octetsTransmitted [14] (0..2^64-1)
 * @param rawAaaData rawAAAData [15]
 * @param expectedEndTime expectedEndTime [16]
 * @param popPhoneNumber pOPPhoneNumber [17] UTF8String
 * @param popIdentifierTlv pOPIdentifier [18] IPIRIIDType: the complete TLV of the chosen alternative
 * @param popIpAddress pOPIPAddress [19]
 * @param nationalIpIriParametersContent nationalIPIRIParameters [20]: content octets of the SEQUENCE
 * @param additionalIpAddress additionalIPAddress [21]
 * @param authenticationType authenticationType [22]
 * @param otherTargetIdentifiersContent otherTargetIdentifiers [23]: content octets of the SEQUENCE OF
 * @param locationContent location [24]: content octets of the Location SEQUENCE
 * @param popPortId pOPPortID [25]
 * @param framedRoutesContent framedRoutes [26]: content octets of the SEQUENCE OF
 */
public record IpIriContents(
        AccessEventType accessEventType,
        Octets targetUsername,
        InternetAccessType internetAccessType,
        IpVersion ipVersion,
        IpAddress targetIpAddress,
        String targetNetworkId,
        String targetCpeId,
        String targetLocation,
        Long popPortNumber,
        String callBackNumber,
        Instant startTime,
        Instant endTime,
        EndReason endReason,
        BigInteger octetsReceived,
        BigInteger octetsTransmitted,
        Octets rawAaaData,
        Instant expectedEndTime,
        String popPhoneNumber,
        Octets popIdentifierTlv,
        IpAddress popIpAddress,
        Octets nationalIpIriParametersContent,
        IpAddress additionalIpAddress,
        AuthenticationType authenticationType,
        Octets otherTargetIdentifiersContent,
        Octets locationContent,
        Octets popPortId,
        Octets framedRoutesContent) {

    static final BigInteger MAX_U64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    public IpIriContents {
        Objects.requireNonNull(accessEventType, "accessEventType");
        Objects.requireNonNull(targetUsername, "targetUsername");
        Objects.requireNonNull(internetAccessType, "internetAccessType");
        Objects.requireNonNull(ipVersion, "ipVersion");
        checkU64("octetsReceived", octetsReceived);
        checkU64("octetsTransmitted", octetsTransmitted);
        if (popPortNumber != null && (popPortNumber < 0 || popPortNumber > 0xFFFF_FFFFL)) {
            throw new IllegalArgumentException("popPortNumber must be in 0..4294967295");
        }
    }

    private static void checkU64(String name, BigInteger v) {
        if (v != null && (v.signum() < 0 || v.compareTo(MAX_U64) > 0)) {
            throw new IllegalArgumentException(name + " must be in 0..2^64-1");
        }
    }

    /** Usernames and addresses identify the target: only the event and access types are shown. */
    @Override
    public String toString() {
        return "IpIriContents[accessEventType=" + accessEventType + ", internetAccessType=" + internetAccessType
                + ", ipVersion=" + ipVersion + ", <target identity redacted>]";
    }

    /** A builder with the four mandatory components set. */
    public static Builder builder(
            AccessEventType event, Octets targetUsername, InternetAccessType accessType, IpVersion ipVersion) {
        return new Builder()
                .accessEventType(event)
                .targetUsername(targetUsername)
                .internetAccessType(accessType)
                .ipVersion(ipVersion);
    }

    /** A builder initialised from this value. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.accessEventType = accessEventType;
        b.targetUsername = targetUsername;
        b.internetAccessType = internetAccessType;
        b.ipVersion = ipVersion;
        b.targetIpAddress = targetIpAddress;
        b.targetNetworkId = targetNetworkId;
        b.targetCpeId = targetCpeId;
        b.targetLocation = targetLocation;
        b.popPortNumber = popPortNumber;
        b.callBackNumber = callBackNumber;
        b.startTime = startTime;
        b.endTime = endTime;
        b.endReason = endReason;
        b.octetsReceived = octetsReceived;
        b.octetsTransmitted = octetsTransmitted;
        b.rawAaaData = rawAaaData;
        b.expectedEndTime = expectedEndTime;
        b.popPhoneNumber = popPhoneNumber;
        b.popIdentifierTlv = popIdentifierTlv;
        b.popIpAddress = popIpAddress;
        b.nationalIpIriParametersContent = nationalIpIriParametersContent;
        b.additionalIpAddress = additionalIpAddress;
        b.authenticationType = authenticationType;
        b.otherTargetIdentifiersContent = otherTargetIdentifiersContent;
        b.locationContent = locationContent;
        b.popPortId = popPortId;
        b.framedRoutesContent = framedRoutesContent;
        return b;
    }

    /** Mutable builder for {@link IpIriContents}. */
    public static final class Builder {
        private AccessEventType accessEventType;
        private Octets targetUsername;
        private InternetAccessType internetAccessType;
        private IpVersion ipVersion;
        private IpAddress targetIpAddress;
        private String targetNetworkId;
        private String targetCpeId;
        private String targetLocation;
        private Long popPortNumber;
        private String callBackNumber;
        private Instant startTime;
        private Instant endTime;
        private EndReason endReason;
        private BigInteger octetsReceived;
        private BigInteger octetsTransmitted;
        private Octets rawAaaData;
        private Instant expectedEndTime;
        private String popPhoneNumber;
        private Octets popIdentifierTlv;
        private IpAddress popIpAddress;
        private Octets nationalIpIriParametersContent;
        private IpAddress additionalIpAddress;
        private AuthenticationType authenticationType;
        private Octets otherTargetIdentifiersContent;
        private Octets locationContent;
        private Octets popPortId;
        private Octets framedRoutesContent;

        private Builder() {}

        public Builder accessEventType(AccessEventType v) {
            this.accessEventType = v;
            return this;
        }

        public Builder targetUsername(Octets v) {
            this.targetUsername = v;
            return this;
        }

        public Builder internetAccessType(InternetAccessType v) {
            this.internetAccessType = v;
            return this;
        }

        public Builder ipVersion(IpVersion v) {
            this.ipVersion = v;
            return this;
        }

        public Builder targetIpAddress(IpAddress v) {
            this.targetIpAddress = v;
            return this;
        }

        public Builder targetNetworkId(String v) {
            this.targetNetworkId = v;
            return this;
        }

        public Builder targetCpeId(String v) {
            this.targetCpeId = v;
            return this;
        }

        public Builder targetLocation(String v) {
            this.targetLocation = v;
            return this;
        }

        public Builder popPortNumber(Long v) {
            this.popPortNumber = v;
            return this;
        }

        public Builder callBackNumber(String v) {
            this.callBackNumber = v;
            return this;
        }

        public Builder startTime(Instant v) {
            this.startTime = v;
            return this;
        }

        public Builder endTime(Instant v) {
            this.endTime = v;
            return this;
        }

        public Builder endReason(EndReason v) {
            this.endReason = v;
            return this;
        }

        public Builder octetsReceived(BigInteger v) {
            this.octetsReceived = v;
            return this;
        }

        public Builder octetsTransmitted(BigInteger v) {
            this.octetsTransmitted = v;
            return this;
        }

        public Builder rawAaaData(Octets v) {
            this.rawAaaData = v;
            return this;
        }

        public Builder expectedEndTime(Instant v) {
            this.expectedEndTime = v;
            return this;
        }

        public Builder popPhoneNumber(String v) {
            this.popPhoneNumber = v;
            return this;
        }

        public Builder popIdentifierTlv(Octets v) {
            this.popIdentifierTlv = v;
            return this;
        }

        public Builder popIpAddress(IpAddress v) {
            this.popIpAddress = v;
            return this;
        }

        public Builder nationalIpIriParametersContent(Octets v) {
            this.nationalIpIriParametersContent = v;
            return this;
        }

        public Builder additionalIpAddress(IpAddress v) {
            this.additionalIpAddress = v;
            return this;
        }

        public Builder authenticationType(AuthenticationType v) {
            this.authenticationType = v;
            return this;
        }

        public Builder otherTargetIdentifiersContent(Octets v) {
            this.otherTargetIdentifiersContent = v;
            return this;
        }

        public Builder locationContent(Octets v) {
            this.locationContent = v;
            return this;
        }

        public Builder popPortId(Octets v) {
            this.popPortId = v;
            return this;
        }

        public Builder framedRoutesContent(Octets v) {
            this.framedRoutesContent = v;
            return this;
        }

        public IpIriContents build() {
            return new IpIriContents(
                    accessEventType,
                    targetUsername,
                    internetAccessType,
                    ipVersion,
                    targetIpAddress,
                    targetNetworkId,
                    targetCpeId,
                    targetLocation,
                    popPortNumber,
                    callBackNumber,
                    startTime,
                    endTime,
                    endReason,
                    octetsReceived,
                    octetsTransmitted,
                    rawAaaData,
                    expectedEndTime,
                    popPhoneNumber,
                    popIdentifierTlv,
                    popIpAddress,
                    nationalIpIriParametersContent,
                    additionalIpAddress,
                    authenticationType,
                    otherTargetIdentifiersContent,
                    locationContent,
                    popPortId,
                    framedRoutesContent);
        }
    }
}
