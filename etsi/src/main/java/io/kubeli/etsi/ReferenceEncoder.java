package io.kubeli.etsi;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The plain, obviously-right DER encoder for {@link PsPdu}: builds every TLV from its children, minimal lengths,
 * components in definition order, CHOICE-typed fields explicitly tagged (field guide section 1).
 */
public final class ReferenceEncoder {

    /**
     * Encoding options.
     *
     * @param outerLengthOctets  0 = minimal outer length (DER); 1..4 = outer length in long form with that many
     *                           octets (OpenLI writes {@code 30 82 00 8f})
     * @param millisecondFraction GeneralizedTime always with a 3-digit fraction (OpenLI style, not DER)
     */
    public record Options(int outerLengthOctets, boolean millisecondFraction) {
        public static final Options DER = new Options(0, false);
        public static final Options OPENLI_STYLE = new Options(2, true);

        public Options {
            if (outerLengthOctets < 0 || outerLengthOctets > 4)
                throw new IllegalArgumentException("outerLengthOctets 0..4");
        }
    }

    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withZone(ZoneOffset.UTC);

    private final Options options;

    private ReferenceEncoder(Options options) {
        this.options = options;
    }

    /** DER encoding of a PDU. */
    public static byte[] encode(PsPdu pdu) {
        return encode(pdu, Options.DER);
    }

    /** Encoding of a PDU with options (DER unless the options say otherwise). */
    public static byte[] encode(PsPdu pdu, Options options) {
        ReferenceEncoder e = new ReferenceEncoder(options);
        byte[] content = cat(cons(1, e.header(pdu.header())), cons(2, e.payload(pdu.payload())));
        if (options.outerLengthOctets() == 0) return tlv(0x30, content);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        int n = options.outerLengthOctets();
        if (n < 4 && content.length >= (1 << (8 * n)))
            throw new IllegalArgumentException("PDU too long for " + n + " length octets");
        out.write(0x80 | n);
        for (int i = n - 1; i >= 0; i--) out.write(content.length >>> (8 * i));
        out.writeBytes(content);
        return out.toByteArray();
    }

    private byte[] header(PsHeader h) {
        CommunicationIdentifier c = h.communicationIdentifier();
        byte[] netId = cat(prim(0, c.operatorId()), prim(1, c.networkElementId()));
        byte[] commId = cat(
                cons(0, netId),
                c.cin() == null ? null : prim(1, uint(c.cin())),
                prim(2, ascii(c.deliveryCountryCode())));
        ByteArrayOutputStream unknown = new ByteArrayOutputStream();
        for (UnknownField u : h.unknownFields()) {
            if ("pSHeader".equals(u.path())) unknown.writeBytes(unknownTlv(u));
        }
        return cat(
                prim(0, h.domainId().contentOctets()),
                prim(1, h.liid()),
                prim(2, ascii(h.authCountryCode())),
                cons(3, commId),
                prim(4, uint(h.sequenceNumber())),
                prim(5, time(h.timeStamp())),
                prim(6, ascii(h.interceptionPointId())),
                microTime(7, h.microSecondTimeStamp()),
                prim(8, enumerated(h.timeStampQualifier())),
                prim(9, h.extendedInterceptionPointId()),
                prim(10, h.networkFunctionIdentifier()),
                unknown.toByteArray());
    }

    private byte[] payload(Payload p) {
        return switch (p) {
            case Payload.Iri iri -> {
                ByteArrayOutputStream seq = new ByteArrayOutputStream();
                for (IriPayload ip : iri.payloads()) seq.writeBytes(tlv(0x30, iriPayload(ip)));
                yield cons(0, seq.toByteArray());
            }
            case Payload.Cc cc -> {
                ByteArrayOutputStream seq = new ByteArrayOutputStream();
                for (CcPayload cp : cc.payloads()) seq.writeBytes(tlv(0x30, ccPayload(cp)));
                yield cons(1, seq.toByteArray());
            }
            case Payload.Tri tri ->
                cons(
                        2,
                        tri.kind() == TriKind.OTHER
                                ? bytes(tri.otherTlv())
                                : tlv(0x80 | tri.kind().tag(), new byte[0]));
            case Payload.Other o -> bytes(o.tlv());
        };
    }

    private byte[] ccPayload(CcPayload p) {
        byte[] contents = switch (p.contents()) {
            case CcContents.Ipcc ipcc ->
                cons(2, cat(prim(0, ipcc.objId().contentOctets()), cons(1, prim(0, ipcc.packet()))));
            case CcContents.Ipmmcc mm ->
                cons(
                        12,
                        cat(
                                prim(0, mm.objId().contentOctets()),
                                prim(1, mm.contents()),
                                prim(2, enumerated(mm.frameType())),
                                prim(3, mm.streamIdentifier()),
                                prim(4, enumerated(mm.protocol()))));
            case CcContents.Other o -> bytes(o.tlv());
        };
        return cat(prim(0, enumerated(p.direction())), prim(1, time(p.timeStamp())), cons(2, contents));
    }

    private byte[] iriPayload(IriPayload p) {
        byte[] contents = switch (p.contents()) {
            case IriContents.IpIri ipIri ->
                cons(2, cat(prim(0, ipIri.objId().contentOctets()), cons(1, ipIriContents(ipIri.contents()))));
            case IriContents.IpmmIri mm -> {
                SipMessage s = mm.sipMessage();
                byte[] sip = cat(
                        cons(0, ipAddress(s.source())), cons(1, ipAddress(s.destination())), prim(2, s.sipContent()));
                yield cons(11, cat(prim(0, mm.objId().contentOctets()), cons(1, cons(1, sip))));
            }
            case IriContents.IpmmIriOriginal mo ->
                cons(11, cat(prim(0, mo.objId().contentOctets()), cons(1, prim(0, mo.message()))));
            case IriContents.Other o -> bytes(o.tlv());
        };
        return cat(prim(0, enumerated(p.iriType())), prim(1, time(p.timeStamp())), cons(2, contents));
    }

    private byte[] ipIriContents(IpIriContents c) {
        return cat(
                prim(0, enumerated(c.accessEventType())),
                prim(1, c.targetUsername()),
                prim(2, enumerated(c.internetAccessType())),
                prim(3, enumerated(c.ipVersion())),
                c.targetIpAddress() == null ? null : cons(4, ipAddress(c.targetIpAddress())),
                prim(5, utf8(c.targetNetworkId())),
                prim(6, utf8(c.targetCpeId())),
                prim(7, utf8(c.targetLocation())),
                c.popPortNumber() == null ? null : prim(8, uint(c.popPortNumber())),
                prim(9, utf8(c.callBackNumber())),
                prim(10, time(c.startTime())),
                prim(11, time(c.endTime())),
                prim(12, enumerated(c.endReason())),
                prim(13, uint(c.octetsReceived())),
                prim(14, uint(c.octetsTransmitted())),
                prim(15, c.rawAaaData()),
                prim(16, time(c.expectedEndTime())),
                prim(17, utf8(c.popPhoneNumber())),
                c.popIdentifierTlv() == null ? null : cons(18, bytes(c.popIdentifierTlv())),
                c.popIpAddress() == null ? null : cons(19, ipAddress(c.popIpAddress())),
                c.nationalIpIriParametersContent() == null ? null : cons(20, bytes(c.nationalIpIriParametersContent())),
                c.additionalIpAddress() == null ? null : cons(21, ipAddress(c.additionalIpAddress())),
                prim(22, enumerated(c.authenticationType())),
                c.otherTargetIdentifiersContent() == null ? null : cons(23, bytes(c.otherTargetIdentifiersContent())),
                c.locationContent() == null ? null : cons(24, bytes(c.locationContent())),
                prim(25, c.popPortId()),
                c.framedRoutesContent() == null ? null : cons(26, bytes(c.framedRoutesContent())));
    }

    private static byte[] ipAddress(IpAddress a) {
        byte[] value = a.binaryAddress() != null ? prim(1, a.binaryAddress()) : prim(2, ascii(a.textAddress()));
        return cat(
                prim(1, enumerated(a.type())),
                cons(2, value),
                prim(3, enumerated(a.assignment())),
                a.v6PrefixLength() == null ? null : prim(4, uint(a.v6PrefixLength())),
                prim(5, a.v4SubnetMask()),
                a.natTranslated() == null ? null : prim(6, new byte[] {(byte) (a.natTranslated() ? 0xFF : 0)}));
    }

    private byte[] time(Instant t) {
        if (t == null) return null;
        if (t.isBefore(PsPduDecoder.MIN_TIME) || t.isAfter(PsPduDecoder.MAX_TIME)) {
            throw new IllegalArgumentException("GeneralizedTime needs a year in 0000..9999 UTC: " + t);
        }
        StringBuilder s = new StringBuilder(SECONDS.format(t));
        if (options.millisecondFraction()) {
            s.append('.').append(String.format("%03d", t.getNano() / 1_000_000));
        } else if (t.getNano() != 0) {
            String frac = String.format("%09d", t.getNano()).replaceAll("0+$", "");
            s.append('.').append(frac);
        }
        return s.append('Z').toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] microTime(int tag, Instant t) {
        if (t == null) return null;
        return cons(tag, cat(prim(0, uint(t.getEpochSecond())), prim(1, uint(t.getNano() / 1000))));
    }

    private static byte[] unknownTlv(UnknownField u) {
        ByteArrayOutputStream id = new ByteArrayOutputStream();
        int first = (u.tagClass() << 6) | (u.constructed() ? 0x20 : 0);
        if (u.tagNumber() < 31) {
            id.write(first | u.tagNumber());
        } else {
            id.write(first | 0x1F);
            int n = u.tagNumber();
            int groups = 1;
            while ((n >>> (7 * groups)) != 0) groups++;
            for (int g = groups - 1; g >= 0; g--) id.write(((n >>> (7 * g)) & 0x7F) | (g == 0 ? 0 : 0x80));
        }
        byte[] content = bytes(u.content());
        return cat(id.toByteArray(), length(content.length), content);
    }

    // --- TLV building -------------------------------------------------------------------------------------

    /** Context-specific primitive [n]; null content = absent component. */
    private static byte[] prim(int n, byte[] content) {
        return content == null ? null : tlv(0x80 | n, content);
    }

    private static byte[] prim(int n, Octets content) {
        return content == null ? null : tlv(0x80 | n, content.toByteArray());
    }

    /** Context-specific constructed [n]. */
    private static byte[] cons(int n, byte[] content) {
        return content == null ? null : tlv(0xA0 | n, content);
    }

    private static byte[] tlv(int tag, byte[] content) {
        return cat(new byte[] {(byte) tag}, length(content.length), content);
    }

    private static byte[] length(int len) {
        if (len < 0x80) return new byte[] {(byte) len};
        byte[] v = BigInteger.valueOf(len).toByteArray();
        int skip = v[0] == 0 ? 1 : 0;
        byte[] out = new byte[v.length - skip + 1];
        out[0] = (byte) (0x80 | (v.length - skip));
        System.arraycopy(v, skip, out, 1, v.length - skip);
        return out;
    }

    private static byte[] uint(long v) {
        return BigInteger.valueOf(v).toByteArray();
    }

    private static byte[] uint(BigInteger v) {
        return v == null ? null : v.toByteArray();
    }

    private static byte[] enumerated(AsnEnum e) {
        return e == null ? null : uint(e.code());
    }

    private static byte[] ascii(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(Octets o) {
        return o.toByteArray();
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            if (p != null) out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
