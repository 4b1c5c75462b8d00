package io.kubeli.etsi;

import io.kubeli.etsi.BerReader.Tlv;
import io.kubeli.etsi.MalformedPduException.Rule;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Strict BER decoder for one PS-PDU into immutable records. Accepts any definite length form (long-form
 * non-minimal too; the indefinite form is refused, see {@link DecodeLimits}); enforces {@link DecodeLimits}; skips
 * and records unknown extension components; every other
 * deviation raises {@link MalformedPduException} with the offset and rule. Thread-safe.
 */
public final class PsPduDecoder {
    /** A decoder with {@link DecodeLimits#DEFAULT}. */
    public static final PsPduDecoder DEFAULT = new PsPduDecoder(DecodeLimits.DEFAULT);

    static final Instant MIN_TIME = Instant.parse("0000-01-01T00:00:00Z");
    static final Instant MAX_TIME = Instant.parse("9999-12-31T23:59:59.999999999Z");
    private static final int UNIVERSAL = 0;
    private static final int CONTEXT = 2;

    private final DecodeLimits limits;

    public PsPduDecoder() {
        this(DecodeLimits.DEFAULT);
    }

    public PsPduDecoder(DecodeLimits limits) {
        this.limits = limits;
    }

    public DecodeLimits limits() {
        return limits;
    }

    /** Decodes a buffer holding exactly one PDU. */
    public PsPdu decode(byte[] b) throws MalformedPduException {
        return decode(b, 0, b.length);
    }

    /** Decodes exactly one PDU occupying {@code b[off, off+len)}; offsets in errors are relative to {@code off}. */
    public PsPdu decode(byte[] b, int off, int len) throws MalformedPduException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len > limits.maxPduSize()) {
            throw new MalformedPduException(0, Rule.PDU_TOO_LARGE, len + " bytes > " + limits.maxPduSize());
        }
        return new Run(new BerReader(b, off, limits)).pdu(off, off + len);
    }

    /** State of one decode call. */
    private static final class Run {
        private final BerReader r;
        private final byte[] buf;
        private final List<UnknownField> unknown = new ArrayList<>();

        Run(BerReader r) {
            this.r = r;
            this.buf = r.buf;
        }

        PsPdu pdu(int start, int end) throws MalformedPduException {
            Tlv t = r.read(start, end, 0);
            if (!t.is(UNIVERSAL, 16, true)) throw r.error(start, Rule.BAD_OUTER_TAG, "PS-PDU must start with 0x30");
            if (t.end() != end) throw r.error(t.end(), Rule.TRAILING_BYTES, (end - t.end()) + " bytes after the PDU");
            Tlv[] f = seq(t, "PS-PDU", bits(1, 2), false);
            PsHeader h = header(cons(req(f, 1, t, "pSHeader")));
            Payload p = payload(cons(req(f, 2, t, "payload")));
            return new PsPdu(unknown.isEmpty() ? h : h.withUnknownFields(unknown), p);
        }

        // --- structure ---------------------------------------------------------------------------------------

        private static long bits(int... tags) {
            long m = 0;
            for (int t : tags) m |= 1L << t;
            return m;
        }

        private static long range(int from, int to) {
            long m = 0;
            for (int t = from; t <= to; t++) m |= 1L << t;
            return m;
        }

        /** Components of a SEQUENCE by context tag; checks order/duplicates; records unknown extensions. */
        private Tlv[] seq(Tlv t, String path, long known, boolean extensible) throws MalformedPduException {
            Tlv[] f = new Tlv[64 - Long.numberOfLeadingZeros(known)];
            int last = -1;
            for (Tlv c : r.children(t)) {
                boolean isKnown = c.tagClass() == CONTEXT && c.tag() < 64 && ((known >>> c.tag()) & 1) != 0;
                if (isKnown) {
                    if (c.tag() <= last) {
                        throw r.error(
                                c.start(),
                                Rule.UNEXPECTED_TAG,
                                "[" + c.tag() + "] duplicate or out of order in " + path);
                    }
                    f[c.tag()] = c;
                    last = c.tag();
                } else if (extensible && c.tagClass() == CONTEXT) {
                    unknown.add(new UnknownField(
                            path,
                            c.tagClass(),
                            c.tag(),
                            c.constructed(),
                            Octets.of(buf, c.contentStart(), c.contentLength())));
                } else {
                    throw r.error(
                            c.start(),
                            Rule.UNEXPECTED_TAG,
                            "tag class " + c.tagClass() + " [" + c.tag() + "] in " + path);
                }
            }
            return f;
        }

        private Tlv req(Tlv[] f, int tag, Tlv parent, String name) throws MalformedPduException {
            if (f[tag] == null) throw r.error(parent.start(), Rule.MISSING_FIELD, name);
            return f[tag];
        }

        private Tlv cons(Tlv c) throws MalformedPduException {
            if (c != null && !c.constructed())
                throw r.error(c.start(), Rule.UNEXPECTED_TAG, "[" + c.tag() + "] must be constructed");
            return c;
        }

        private Tlv prim(Tlv c) throws MalformedPduException {
            if (c != null && c.constructed())
                throw r.error(c.start(), Rule.UNEXPECTED_TAG, "[" + c.tag() + "] must be primitive");
            return c;
        }

        /** The single alternative inside an explicitly tagged CHOICE. */
        private Tlv choice(Tlv wrapper) throws MalformedPduException {
            cons(wrapper);
            List<Tlv> cs = r.children(wrapper);
            if (cs.isEmpty()) throw r.error(wrapper.start(), Rule.MISSING_FIELD, "empty CHOICE");
            if (cs.size() > 1) throw r.error(cs.get(1).start(), Rule.UNEXPECTED_TAG, "second CHOICE alternative");
            Tlv c = cs.get(0);
            if (c.tagClass() != CONTEXT)
                throw r.error(c.start(), Rule.UNEXPECTED_TAG, "CHOICE alternative not context-tagged");
            return c;
        }

        private Octets raw(Tlv c) {
            return Octets.of(buf, c.start(), c.end() - c.start());
        }

        // --- PS-PDU ------------------------------------------------------------------------------------------

        private PsHeader header(Tlv t) throws MalformedPduException {
            Tlv[] f = seq(t, "pSHeader", range(0, 10), true);
            ObjectId domainId = oid(prim(req(f, 0, t, "li-psDomainId")), false);
            Tlv liidTlv = prim(req(f, 1, t, "lawfulInterceptionIdentifier"));
            if (liidTlv.contentLength() > r.limits.maxLiidLength()) {
                throw r.error(liidTlv.start(), Rule.LIID_TOO_LONG, liidTlv.contentLength() + " octets");
            }
            Octets liid = octets(liidTlv, 1, 25);
            String acc = printable(f[2], 2, 2);
            Tlv ciTlv = cons(req(f, 3, t, "communicationIdentifier"));
            Tlv[] fc = seq(ciTlv, "communicationIdentifier", range(0, 2), true);
            Tlv niTlv = cons(req(fc, 0, ciTlv, "networkIdentifier"));
            Tlv[] fn = seq(niTlv, "networkIdentifier", range(0, 1), true);
            CommunicationIdentifier ci = new CommunicationIdentifier(
                    octets(req(fn, 0, niTlv, "operatorIdentifier"), 1, 16),
                    octets(fn[1], 1, 16),
                    fc[1] == null ? null : uint(fc[1], 0xFFFF_FFFFL),
                    printable(fc[2], 2, 2));
            long seqNo = uint(req(f, 4, t, "sequenceNumber"), 0xFFFF_FFFFL);
            Instant ts = time(f[5]);
            String ipid = printable(f[6], 1, 8);
            Instant micro = null;
            if (f[7] != null) {
                Tlv m = cons(f[7]);
                Tlv[] fm = seq(m, "microSecondTimeStamp", range(0, 1), true);
                long secs = uint(req(fm, 0, m, "seconds"), Instant.MAX.getEpochSecond());
                long us = uint(req(fm, 1, m, "microSeconds"), 999_999);
                micro = Instant.ofEpochSecond(secs, us * 1000);
            }
            TimeStampQualifier q = en(f[8], TimeStampQualifier::fromCode);
            return new PsHeader(
                    domainId,
                    liid,
                    acc,
                    ci,
                    seqNo,
                    ts,
                    ipid,
                    micro,
                    q,
                    octets(f[9], 1, 65535),
                    octets(f[10], 1, 65535),
                    List.of());
        }

        private Payload payload(Tlv wrapper) throws MalformedPduException {
            Tlv c = choice(wrapper);
            switch (c.tag()) {
                case 0 -> {
                    List<IriPayload> list = new ArrayList<>();
                    for (Tlv e : r.children(cons(c)))
                        list.add(iriPayload(element(e), "payload.iri[" + list.size() + "]"));
                    return new Payload.Iri(list);
                }
                case 1 -> {
                    List<CcPayload> list = new ArrayList<>();
                    for (Tlv e : r.children(cons(c)))
                        list.add(ccPayload(element(e), "payload.cc[" + list.size() + "]"));
                    return new Payload.Cc(list);
                }
                case 2 -> {
                    Tlv alt = choice(c);
                    TriKind kind = TriKind.fromTag(alt.tag());
                    if (kind == TriKind.OTHER) return new Payload.Tri(kind, raw(alt));
                    nul(alt);
                    return Payload.Tri.of(kind);
                }
                default -> {
                    return new Payload.Other(c.tag(), raw(c));
                }
            }
        }

        private Tlv element(Tlv e) throws MalformedPduException {
            if (!e.is(UNIVERSAL, 16, true))
                throw r.error(e.start(), Rule.UNEXPECTED_TAG, "SEQUENCE OF element must be 0x30");
            return e;
        }

        private CcPayload ccPayload(Tlv t, String path) throws MalformedPduException {
            Tlv[] f = seq(t, path, range(0, 2), true);
            Direction dir = en(f[0], Direction::fromCode);
            Instant ts = time(f[1]);
            Tlv c = choice(req(f, 2, t, "cCContents"));
            CcContents contents;
            if (c.tag() == 2) {
                Tlv[] g = seq(cons(c), path + ".iPCC", range(0, 1), false);
                ObjectId objId = oid(prim(req(g, 0, c, "iPCCObjId")), true);
                Tlv alt = choice(req(g, 1, c, "iPCCContents"));
                if (alt.tag() != 0)
                    throw r.error(alt.start(), Rule.UNEXPECTED_TAG, "unsupported IPCCContents alternative");
                contents = new CcContents.Ipcc(objId, octets(alt, 0, Integer.MAX_VALUE));
            } else if (c.tag() == 12) {
                Tlv[] g = seq(cons(c), path + ".iPMMCC", range(0, 4), true);
                contents = new CcContents.Ipmmcc(
                        oid(prim(req(g, 0, c, "iPMMCCObjId")), true),
                        octets(req(g, 1, c, "mMCCContents"), 0, Integer.MAX_VALUE),
                        en(g[2], FrameType::fromCode),
                        octets(g[3], 0, Integer.MAX_VALUE),
                        en(g[4], MmccProtocol::fromCode));
            } else {
                contents = new CcContents.Other(c.tag(), raw(c));
            }
            return new CcPayload(dir, ts, contents);
        }

        private IriPayload iriPayload(Tlv t, String path) throws MalformedPduException {
            Tlv[] f = seq(t, path, range(0, 2), true);
            IriType type = en(f[0], IriType::fromCode);
            Instant ts = time(f[1]);
            Tlv c = choice(req(f, 2, t, "iRIContents"));
            IriContents contents;
            if (c.tag() == 2) {
                Tlv[] g = seq(cons(c), path + ".iPIRI", range(0, 1), true);
                contents = new IriContents.IpIri(
                        oid(prim(req(g, 0, c, "iPIRIObjId")), true),
                        ipIriContents(cons(req(g, 1, c, "iPIRIContents")), path + ".iPIRIContents"));
            } else if (c.tag() == 11) {
                Tlv[] g = seq(cons(c), path + ".iPMMIRI", range(0, 1), true);
                ObjectId objId = oid(prim(req(g, 0, c, "iPMMIRIObjId")), true);
                Tlv alt = choice(req(g, 1, c, "iPMMIRIContents"));
                if (alt.tag() == 0) {
                    contents = new IriContents.IpmmIriOriginal(objId, octets(alt, 0, Integer.MAX_VALUE));
                } else {
                    if (alt.tag() != 1)
                        throw r.error(alt.start(), Rule.UNEXPECTED_TAG, "unsupported iPMMIRIContents alternative");
                    Tlv[] s = seq(cons(alt), path + ".sIPMessage", range(0, 2), true);
                    SipMessage sip = new SipMessage(
                            ipAddress(cons(req(s, 0, alt, "iPSourceAddress"))),
                            ipAddress(cons(req(s, 1, alt, "iPDestinationAddress"))),
                            octets(req(s, 2, alt, "sIPContent"), 0, Integer.MAX_VALUE));
                    contents = new IriContents.IpmmIri(objId, sip);
                }
            } else {
                contents = new IriContents.Other(c.tag(), raw(c));
            }
            return new IriPayload(type, ts, contents);
        }

        private IpIriContents ipIriContents(Tlv t, String path) throws MalformedPduException {
            Tlv[] f = seq(t, path, range(0, 26), true);
            IpIriContents.Builder b = IpIriContents.builder(
                    en(req(f, 0, t, "accessEventType"), AccessEventType::fromCode),
                    octets(req(f, 1, t, "targetUsername"), 0, Integer.MAX_VALUE),
                    en(req(f, 2, t, "internetAccessType"), InternetAccessType::fromCode),
                    en(req(f, 3, t, "iPVersion"), IpVersion::fromCode));
            b.targetIpAddress(f[4] == null ? null : ipAddress(cons(f[4])))
                    .targetNetworkId(utf8(f[5], 20))
                    .targetCpeId(utf8(f[6], 128))
                    .targetLocation(utf8(f[7], 64))
                    .popPortNumber(f[8] == null ? null : uint(f[8], 0xFFFF_FFFFL))
                    .callBackNumber(utf8(f[9], 20))
                    .startTime(time(f[10]))
                    .endTime(time(f[11]))
                    .endReason(en(f[12], EndReason::fromCode))
                    .octetsReceived(bigUint(f[13]))
                    .octetsTransmitted(bigUint(f[14]))
                    .rawAaaData(octets(f[15], 0, Integer.MAX_VALUE))
                    .expectedEndTime(time(f[16]))
                    .popPhoneNumber(utf8(f[17], 20))
                    .popIdentifierTlv(f[18] == null ? null : raw(choice(f[18])))
                    .popIpAddress(f[19] == null ? null : ipAddress(cons(f[19])))
                    .nationalIpIriParametersContent(content(cons(f[20])))
                    .additionalIpAddress(f[21] == null ? null : ipAddress(cons(f[21])))
                    .authenticationType(en(f[22], AuthenticationType::fromCode))
                    .otherTargetIdentifiersContent(content(cons(f[23])))
                    .locationContent(content(cons(f[24])))
                    .popPortId(octets(f[25], 0, Integer.MAX_VALUE))
                    .framedRoutesContent(content(cons(f[26])));
            return b.build();
        }

        private IpAddress ipAddress(Tlv t) throws MalformedPduException {
            Tlv[] f = seq(t, "iPAddress", range(1, 6), true);
            IpType type = en(req(f, 1, t, "iP-type"), IpType::fromCode);
            Tlv v = choice(req(f, 2, t, "iP-value"));
            Octets bin = null;
            String text = null;
            if (v.tag() == 1) {
                bin = octets(v, 4, 16);
            } else if (v.tag() == 2) {
                text = ia5(v, 7, 45);
            } else {
                throw r.error(v.start(), Rule.UNEXPECTED_TAG, "unknown IP-value alternative");
            }
            Integer prefix = null;
            if (f[4] != null) {
                long p = uint(f[4], 128);
                if (p < 1) throw r.error(f[4].start(), Rule.INTEGER_OUT_OF_RANGE, "iPv6PrefixLength 1..128");
                prefix = (int) p;
            }
            Boolean nat = null;
            if (prim(f[6]) != null) {
                if (f[6].contentLength() != 1)
                    throw r.error(f[6].start(), Rule.BAD_PRIMITIVE, "BOOLEAN must be one octet");
                nat = buf[f[6].contentStart()] != 0;
            }
            return new IpAddress(type, bin, text, en(f[3], IpAssignment::fromCode), prefix, octets(f[5], 4, 4), nat);
        }

        // --- primitives --------------------------------------------------------------------------------------

        private Octets content(Tlv c) {
            return c == null ? null : Octets.of(buf, c.contentStart(), c.contentLength());
        }

        private Octets octets(Tlv c, int min, int max) throws MalformedPduException {
            if (prim(c) == null) return null;
            int n = c.contentLength();
            if (n < min || n > max)
                throw r.error(
                        c.start(), Rule.SIZE_CONSTRAINT, "[" + c.tag() + "] size " + n + " not in " + min + ".." + max);
            return content(c);
        }

        private String printable(Tlv c, int min, int max) throws MalformedPduException {
            Octets o = octets(c, min, max);
            if (o == null) return null;
            for (int i = 0; i < o.length(); i++) {
                if (!Asn1Strings.isPrintable(o.get(i)))
                    throw r.error(c.start(), Rule.BAD_STRING, "not a PrintableString");
            }
            return o.toLatin1();
        }

        private String ia5(Tlv c, int min, int max) throws MalformedPduException {
            Octets o = octets(c, min, max);
            for (int i = 0; i < o.length(); i++) {
                if (o.get(i) < 0) throw r.error(c.start(), Rule.BAD_STRING, "not an IA5String");
            }
            return o.toLatin1();
        }

        private String utf8(Tlv c, int maxChars) throws MalformedPduException {
            if (prim(c) == null) return null;
            try {
                String s = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(buf, c.contentStart(), c.contentLength()))
                        .toString();
                int n = s.codePointCount(0, s.length());
                if (n < 1 || n > maxChars)
                    throw r.error(c.start(), Rule.SIZE_CONSTRAINT, "UTF8String of " + n + " characters");
                return s;
            } catch (CharacterCodingException e) {
                throw r.error(c.start(), Rule.BAD_STRING, "invalid UTF-8");
            }
        }

        private void nul(Tlv c) throws MalformedPduException {
            prim(c);
            if (c.contentLength() != 0) throw r.error(c.start(), Rule.BAD_PRIMITIVE, "NULL with content");
        }

        /** Checks INTEGER encoding rules; returns the content length. */
        private int checkInteger(Tlv c) throws MalformedPduException {
            prim(c);
            int n = c.contentLength();
            int p = c.contentStart();
            if (n == 0) throw r.error(c.start(), Rule.BAD_INTEGER, "no content octets");
            if (n > r.limits.maxIntegerOctets()) throw r.error(c.start(), Rule.INTEGER_TOO_LONG, n + " octets");
            if (n > 1 && ((buf[p] == 0 && buf[p + 1] >= 0) || (buf[p] == -1 && buf[p + 1] < 0))) {
                throw r.error(c.start(), Rule.BAD_INTEGER, "redundant leading octet");
            }
            if (buf[p] < 0) throw r.error(c.start(), Rule.INTEGER_OUT_OF_RANGE, "negative");
            return n;
        }

        private long uint(Tlv c, long max) throws MalformedPduException {
            int n = checkInteger(c);
            if (n > 8) throw r.error(c.start(), Rule.INTEGER_OUT_OF_RANGE, "above " + max);
            long v = 0;
            for (int i = 0; i < n; i++) v = (v << 8) | (buf[c.contentStart() + i] & 0xFF);
            if (v > max) throw r.error(c.start(), Rule.INTEGER_OUT_OF_RANGE, v + " above " + max);
            return v;
        }

        private BigInteger bigUint(Tlv c) throws MalformedPduException {
            if (c == null) return null;
            int n = checkInteger(c);
            BigInteger v = new BigInteger(1, java.util.Arrays.copyOfRange(buf, c.contentStart(), c.contentStart() + n));
            if (v.compareTo(IpIriContents.MAX_U64) > 0)
                throw r.error(c.start(), Rule.INTEGER_OUT_OF_RANGE, "above 2^64-1");
            return v;
        }

        private <E> E en(Tlv c, LongFunction<E> fromCode) throws MalformedPduException {
            if (c == null) return null;
            long v = uint(c, Integer.MAX_VALUE);
            E e = fromCode.apply(v);
            if (e == null) throw r.error(c.start(), Rule.UNKNOWN_ENUM, "[" + c.tag() + "] value " + v);
            return e;
        }

        /** GeneralizedTime {@code YYYYMMDDhhmmss[(.|,)f{1,9}](Z|+hhmm|-hhmm)}; local time (no zone) is rejected. */
        private Instant time(Tlv c) throws MalformedPduException {
            if (prim(c) == null) return null;
            int p = c.contentStart();
            int end = c.contentEnd();
            if (end - p < 15 || end - p > 30)
                throw r.error(c.start(), Rule.BAD_TIME, "GeneralizedTime of " + (end - p) + " octets");
            int year = digits(c, p, 4);
            int month = digits(c, p + 4, 2);
            int day = digits(c, p + 6, 2);
            int hour = digits(c, p + 8, 2);
            int minute = digits(c, p + 10, 2);
            int second = digits(c, p + 12, 2);
            int q = p + 14;
            int nanos = 0;
            if (buf[q] == '.' || buf[q] == ',') {
                int f = ++q;
                while (q < end && buf[q] >= '0' && buf[q] <= '9') q++;
                int n = q - f;
                if (n < 1 || n > 9) throw r.error(c.start(), Rule.BAD_TIME, "fraction of " + n + " digits");
                nanos = digits(c, f, n);
                for (int i = n; i < 9; i++) nanos *= 10;
            }
            ZoneOffset off;
            if (q == end - 1 && buf[q] == 'Z') {
                off = ZoneOffset.UTC;
            } else if (q == end - 5 && (buf[q] == '+' || buf[q] == '-')) {
                int hh = digits(c, q + 1, 2);
                int mm = digits(c, q + 3, 2);
                int sign = buf[q] == '-' ? -1 : 1;
                try {
                    off = ZoneOffset.ofHoursMinutes(sign * hh, sign * mm);
                } catch (DateTimeException e) {
                    throw r.error(c.start(), Rule.BAD_TIME, "invalid zone offset");
                }
            } else {
                throw r.error(c.start(), Rule.BAD_TIME, "no Z or +hhmm zone (local time is ambiguous)");
            }
            Instant t;
            try {
                t = LocalDateTime.of(year, month, day, hour, minute, second, nanos)
                        .toInstant(off);
            } catch (DateTimeException e) {
                throw r.error(c.start(), Rule.BAD_TIME, "invalid date or time");
            }
            // an offset can move the instant outside what a UTC GeneralizedTime can express
            if (t.isBefore(MIN_TIME) || t.isAfter(MAX_TIME))
                throw r.error(c.start(), Rule.BAD_TIME, "year outside 0000..9999 UTC");
            return t;
        }

        private int digits(Tlv c, int p, int n) throws MalformedPduException {
            int v = 0;
            for (int i = 0; i < n; i++) {
                int d = buf[p + i] - '0';
                if (d < 0 || d > 9) throw r.error(c.start(), Rule.BAD_TIME, "not YYYYMMDDhhmmss[.f]Z");
                v = v * 10 + d;
            }
            return v;
        }

        private ObjectId oid(Tlv c, boolean relative) throws MalformedPduException {
            int n = c.contentLength();
            if (n == 0) throw r.error(c.start(), Rule.BAD_OID, "empty");
            long[] arcs = new long[n + 1];
            int count = 0;
            long v = 0;
            int groups = 0;
            for (int i = 0; i < n; i++) {
                int b = buf[c.contentStart() + i] & 0xFF;
                if (groups == 0 && b == 0x80) throw r.error(c.start(), Rule.BAD_OID, "non-minimal arc");
                if (++groups > 8) throw r.error(c.start(), Rule.BAD_OID, "arc too large");
                v = (v << 7) | (b & 0x7F);
                if ((b & 0x80) == 0) {
                    if (!relative && count == 0) {
                        int first = v < 40 ? 0 : v < 80 ? 1 : 2;
                        arcs[count++] = first;
                        arcs[count++] = v - 40L * first;
                    } else {
                        arcs[count++] = v;
                    }
                    v = 0;
                    groups = 0;
                }
            }
            if (groups != 0) throw r.error(c.start(), Rule.BAD_OID, "last arc unterminated");
            return ObjectId.of(relative, java.util.Arrays.copyOf(arcs, count));
        }
    }
}
