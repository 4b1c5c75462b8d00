package io.kubeli.etsi;

/**
 * Named limits enforced by the splitter and the decoder so hostile input cannot exhaust memory or time.
 *
 * @param maxPduSize       largest accepted PS-PDU, all octets (default 1 MiB)
 * @param maxDepth         deepest TLV nesting (default 32; real PDUs need about 10)
 * @param maxLiidLength    longest LIID (default 25, the ASN.1 SIZE limit)
 * @param maxIntegerOctets most content octets of an INTEGER/ENUMERATED (default 9: 2^64-1 needs 9)
 * @param maxElements      most TLV elements in one PDU (default 65536)
 * @param maxTagNumber     largest tag number (default 16383, two tag octets)
 */
public record DecodeLimits(int maxPduSize, int maxDepth, int maxLiidLength, int maxIntegerOctets, int maxElements,
                           int maxTagNumber) {
    public static final DecodeLimits DEFAULT = new DecodeLimits(1 << 20, 32, 25, 9, 65536, 16383);

    public DecodeLimits {
        if (maxPduSize < 2 || maxDepth < 1 || maxLiidLength < 1 || maxIntegerOctets < 1 || maxElements < 1
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
