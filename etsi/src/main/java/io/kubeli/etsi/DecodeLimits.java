package io.kubeli.etsi;

/**
 * Named limits enforced by the splitter, the inspector and the decoder so hostile input cannot exhaust memory or
 * time. {@link #DEFAULT} is the one set every KubeLI reader uses (mediator link ingest, agency connections, the test
 * agency, benchmarks, tools).
 *
 * <p>Maximum PDU size, 1 MiB: the largest record KubeLI makes is one captured packet (the capture snap length is at
 * most 262144 octets, libpcap's MAXIMUM_SNAPLEN) plus a PS-PDU header of well under 1 KiB, so 1 MiB leaves four
 * times that; it also bounds what one TCP connection can make a reader buffer before the PDU is refused (the
 * splitter refuses an over-limit PDU as soon as its outer length octets arrive).
 *
 * <p>Lengths: definite only (short or long form, minimal or not, as OpenLI sends). The indefinite form (0x80) is
 * refused everywhere with {@link MalformedPduException.Rule#INDEFINITE_LENGTH}: PS-PDUs on TS 102 232-1 TCP
 * handover are split on the outer length, every known sender uses definite lengths, and an indefinite PDU could only
 * be delimited by parsing all of its content as it trickles in.
 *
 * @param maxPduSize       largest accepted PS-PDU, all octets (default 1 MiB)
 * @param maxDepth         deepest TLV nesting (default 32; real PDUs need about 10)
 * @param maxLiidLength    longest LIID (default 25, the ASN.1 SIZE limit)
 * @param maxIntegerOctets most content octets of an INTEGER/ENUMERATED (default 9: 2^64-1 needs 9)
 * @param maxElements      most TLV elements in one PDU (default 65536)
 * @param maxTagNumber     largest tag number (default 16383, two tag octets)
 */
public record DecodeLimits(
        int maxPduSize, int maxDepth, int maxLiidLength, int maxIntegerOctets, int maxElements, int maxTagNumber) {
    /** Largest accepted PS-PDU in octets (see the class comment). */
    public static final int MAX_PDU_SIZE = 1 << 20;

    public static final DecodeLimits DEFAULT = new DecodeLimits(MAX_PDU_SIZE, 32, 25, 9, 65536, 16383);

    /** The detail of every {@link MalformedPduException.Rule#INDEFINITE_LENGTH} error. */
    static final String INDEFINITE_LENGTH_REFUSED = "indefinite length form (0x80): PS-PDUs must use definite lengths";

    public DecodeLimits {
        if (maxPduSize < 2
                || maxDepth < 1
                || maxLiidLength < 1
                || maxIntegerOctets < 1
                || maxElements < 1
                || maxTagNumber < 30) {
            throw new IllegalArgumentException("decode limits out of range: " + this);
        }
    }

    public DecodeLimits withMaxPduSize(int n) {
        return new DecodeLimits(n, maxDepth, maxLiidLength, maxIntegerOctets, maxElements, maxTagNumber);
    }

    public DecodeLimits withMaxDepth(int n) {
        return new DecodeLimits(maxPduSize, n, maxLiidLength, maxIntegerOctets, maxElements, maxTagNumber);
    }

    public DecodeLimits withMaxElements(int n) {
        return new DecodeLimits(maxPduSize, maxDepth, maxLiidLength, maxIntegerOctets, n, maxTagNumber);
    }
}
