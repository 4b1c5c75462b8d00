package io.kubeli.etsi;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/** One-line JSON for a decoded PDU: OIDs dotted, octet strings hex, ENUMERATED as ASN.1 names, times ISO-8601 UTC. */
public final class PduJson {
    private PduJson() {}

    public static String toJson(PsPdu pdu) {
        Obj o = new Obj().raw("pSHeader", header(pdu.header())).raw("payload", payload(pdu.payload()));
        return o.end();
    }

    private static String header(PsHeader h) {
        CommunicationIdentifier c = h.communicationIdentifier();
        String ci = new Obj()
                .raw(
                        "networkIdentifier",
                        new Obj()
                                .hex("operatorIdentifier", c.operatorId())
                                .hex("networkElementIdentifier", c.networkElementId())
                                .end())
                .num("communicationIdentityNumber", c.cin())
                .str("deliveryCountryCode", c.deliveryCountryCode())
                .end();
        Obj o = new Obj()
                .str("li-psDomainId", h.domainId().toString())
                .hex("lawfulInterceptionIdentifier", h.liid())
                .str("authorizationCountryCode", h.authCountryCode())
                .raw("communicationIdentifier", ci)
                .num("sequenceNumber", h.sequenceNumber())
                .time("timeStamp", h.timeStamp())
                .str("interceptionPointID", h.interceptionPointId())
                .time("microSecondTimeStamp", h.microSecondTimeStamp())
                .en("timeStampQualifier", h.timeStampQualifier())
                .hex("extendedInterceptionPointID", h.extendedInterceptionPointId())
                .hex("networkFunctionIdentifier", h.networkFunctionIdentifier());
        if (!h.unknownFields().isEmpty()) {
            o.raw(
                    "unknownFields",
                    array(
                            h.unknownFields(),
                            u -> new Obj()
                                    .str("path", u.path())
                                    .num("tagClass", (long) u.tagClass())
                                    .num("tag", (long) u.tagNumber())
                                    .raw("constructed", String.valueOf(u.constructed()))
                                    .hex("content", u.content())
                                    .end()));
        }
        return o.end();
    }

    private static String payload(Payload p) {
        return switch (p) {
            case Payload.Cc cc ->
                one(
                        "cCPayloadSequence",
                        array(
                                cc.payloads(),
                                c -> new Obj()
                                        .en("payloadDirection", c.direction())
                                        .time("timeStamp", c.timeStamp())
                                        .raw("cCContents", ccContents(c.contents()))
                                        .end()));
            case Payload.Iri iri ->
                one(
                        "iRIPayloadSequence",
                        array(
                                iri.payloads(),
                                i -> new Obj()
                                        .en("iRIType", i.iriType())
                                        .time("timeStamp", i.timeStamp())
                                        .raw("iRIContents", iriContents(i.contents()))
                                        .end()));
            case Payload.Tri tri ->
                one(
                        "tRIPayload",
                        tri.kind() == TriKind.OTHER
                                ? new Obj().hex("other", tri.otherTlv()).end()
                                : one(tri.kind().asnName(), "null"));
            case Payload.Other o -> other(o.tagNumber(), o.tlv());
        };
    }

    private static String ccContents(CcContents c) {
        return switch (c) {
            case CcContents.Ipcc i ->
                one(
                        "iPCC",
                        new Obj()
                                .str("iPCCObjId", i.objId().toString())
                                .raw(
                                        "iPCCContents",
                                        new Obj().hex("iPPackets", i.packet()).end())
                                .end());
            case CcContents.Ipmmcc m ->
                one(
                        "iPMMCC",
                        new Obj()
                                .str("iPMMCCObjId", m.objId().toString())
                                .hex("mMCCContents", m.contents())
                                .en("frameType", m.frameType())
                                .hex("streamIdentifier", m.streamIdentifier())
                                .en("mMCCprotocol", m.protocol())
                                .end());
            case CcContents.Other o -> other(o.tagNumber(), o.tlv());
        };
    }

    private static String iriContents(IriContents c) {
        return switch (c) {
            case IriContents.IpIri i ->
                one(
                        "iPIRI",
                        new Obj()
                                .str("iPIRIObjId", i.objId().toString())
                                .raw("iPIRIContents", ipIriContents(i.contents()))
                                .end());
            case IriContents.IpmmIri m -> {
                SipMessage sip = m.sipMessage();
                String message = new Obj()
                        .raw("iPSourceAddress", ip(sip.source()))
                        .raw("iPDestinationAddress", ip(sip.destination()))
                        .hex("sIPContent", sip.sipContent())
                        .end();
                yield ipmmIri(m.objId(), one("sIPMessage", message));
            }
            case IriContents.IpmmIriOriginal m ->
                ipmmIri(
                        m.objId(),
                        new Obj().hex("originalIPMMMessage", m.message()).end());
            case IriContents.Other o -> other(o.tagNumber(), o.tlv());
        };
    }

    private static String ipmmIri(ObjectId objId, String contents) {
        return one(
                "iPMMIRI",
                new Obj()
                        .str("iPMMIRIObjId", objId.toString())
                        .raw("iPMMIRIContents", contents)
                        .end());
    }

    /** A CHOICE alternative: an object with the one member {@code k}. */
    private static String one(String k, String json) {
        return new Obj().raw(k, json).end();
    }

    /** An alternative this decoder keeps as raw TLV, the same shape in every CHOICE. */
    private static String other(int tagNumber, Octets tlv) {
        return one(
                "other", new Obj().num("tag", (long) tagNumber).hex("tlv", tlv).end());
    }

    private static <T> String array(List<T> items, Function<T, String> json) {
        StringBuilder a = new StringBuilder("[");
        for (T t : items) {
            if (a.length() > 1) a.append(',');
            a.append(json.apply(t));
        }
        return a.append(']').toString();
    }

    private static String ipIriContents(IpIriContents c) {
        return new Obj()
                .en("accessEventType", c.accessEventType())
                .hex("targetUsername", c.targetUsername())
                .en("internetAccessType", c.internetAccessType())
                .en("iPVersion", c.ipVersion())
                .raw("targetIPAddress", c.targetIpAddress() == null ? null : ip(c.targetIpAddress()))
                .str("targetNetworkID", c.targetNetworkId())
                .str("targetCPEID", c.targetCpeId())
                .str("targetLocation", c.targetLocation())
                .num("pOPPortNumber", c.popPortNumber())
                .str("callBackNumber", c.callBackNumber())
                .time("startTime", c.startTime())
                .time("endTime", c.endTime())
                .en("endReason", c.endReason())
                .raw(
                        "octetsReceived",
                        c.octetsReceived() == null ? null : c.octetsReceived().toString())
                .raw(
                        "octetsTransmitted",
                        c.octetsTransmitted() == null
                                ? null
                                : c.octetsTransmitted().toString())
                .hex("rawAAAData", c.rawAaaData())
                .time("expectedEndTime", c.expectedEndTime())
                .str("pOPPhoneNumber", c.popPhoneNumber())
                .hex("pOPIdentifier", c.popIdentifierTlv())
                .raw("pOPIPAddress", c.popIpAddress() == null ? null : ip(c.popIpAddress()))
                .hex("nationalIPIRIParameters", c.nationalIpIriParametersContent())
                .raw("additionalIPAddress", c.additionalIpAddress() == null ? null : ip(c.additionalIpAddress()))
                .en("authenticationType", c.authenticationType())
                .hex("otherTargetIdentifiers", c.otherTargetIdentifiersContent())
                .hex("location", c.locationContent())
                .hex("pOPPortID", c.popPortId())
                .hex("framedRoutes", c.framedRoutesContent())
                .end();
    }

    private static String ip(IpAddress a) {
        return new Obj()
                .en("iP-type", a.type())
                .raw(
                        "iP-value",
                        a.binaryAddress() != null
                                ? new Obj()
                                        .hex("iPBinaryAddress", a.binaryAddress())
                                        .end()
                                : new Obj()
                                        .str("iPTextAddress", a.textAddress())
                                        .end())
                .en("iP-assignment", a.assignment())
                .num("iPv6PrefixLength", a.v6PrefixLength() == null ? null : (long) a.v6PrefixLength())
                .hex("iPv4SubnetMask", a.v4SubnetMask())
                .raw(
                        "iP-NAT-translated",
                        a.natTranslated() == null ? null : a.natTranslated().toString())
                .end();
    }

    /** Minimal JSON object builder; null values are omitted. */
    private static final class Obj {
        private final StringBuilder sb = new StringBuilder("{");

        Obj raw(String k, String json) {
            if (json == null) return this;
            if (sb.length() > 1) sb.append(',');
            quote(k);
            sb.append(':').append(json);
            return this;
        }

        Obj str(String k, String v) {
            if (v == null) return this;
            if (sb.length() > 1) sb.append(',');
            quote(k);
            sb.append(':');
            quote(v);
            return this;
        }

        Obj hex(String k, Octets v) {
            return v == null ? this : str(k, v.toHex());
        }

        Obj num(String k, Long v) {
            return v == null ? this : raw(k, v.toString());
        }

        Obj num(String k, long v) {
            return raw(k, Long.toString(v));
        }

        Obj en(String k, AsnEnum e) {
            return e == null ? this : str(k, e.asnName());
        }

        Obj time(String k, Instant t) {
            return t == null ? this : str(k, t.toString());
        }

        String end() {
            return sb.append('}').toString();
        }

        private void quote(String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    default -> {
                        if (c < 0x20 || c > 0x7E) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        }
    }
}
