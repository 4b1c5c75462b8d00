package io.kubeli.etsi;

import java.util.Objects;

/**
 * IPAddress (LI-PS-PDU). Exactly one of binaryAddress / textAddress is set.
 *
 * @param type             iP-type [1]
 * @param binaryAddress    iP-value [2] iPBinaryAddress [1] (4..16 octets), or null
 * @param textAddress      iP-value [2] iPTextAddress [2] (IA5String), or null
 * @param assignment       iP-assignment [3], or null
 * @param v6PrefixLength   iPv6PrefixLength [4] (1..128), or null
 * @param v4SubnetMask     iPv4SubnetMask [5] (4 octets), or null
 * @param natTranslated    iP-NAT-translated [6], or null
 */
public record IpAddress(
        IpType type,
        Octets binaryAddress,
        String textAddress,
        IpAssignment assignment,
        Integer v6PrefixLength,
        Octets v4SubnetMask,
        Boolean natTranslated) {
    public IpAddress {
        Objects.requireNonNull(type, "type");
        if ((binaryAddress == null) == (textAddress == null)) {
            throw new IllegalArgumentException("exactly one of binaryAddress and textAddress must be set");
        }
    }

    /** A binary IPv4 (4 bytes) or IPv6 (16 bytes) address with an assignment, no prefix/mask. */
    public static IpAddress of(byte[] address, IpAssignment assignment) {
        IpType t = address.length == 4 ? IpType.IPV4 : IpType.IPV6;
        if (address.length != 4 && address.length != 16)
            throw new IllegalArgumentException("address must be 4 or 16 bytes");
        return new IpAddress(t, Octets.of(address), null, assignment, null, null, null);
    }

    /**
     * A binary address with a prefix: IPv4 gets iPv4SubnetMask (as OpenLI sends it), IPv6 gets iPv6PrefixLength.
     */
    public static IpAddress withPrefix(byte[] address, int prefixLength, IpAssignment assignment) {
        if (address.length == 4) {
            if (prefixLength < 0 || prefixLength > 32) throw new IllegalArgumentException("IPv4 prefix must be 0..32");
            long mask = prefixLength == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefixLength)) & 0xFFFF_FFFFL;
            byte[] m = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
            return new IpAddress(IpType.IPV4, Octets.of(address), null, assignment, null, Octets.of(m), null);
        }
        if (address.length == 16) {
            if (prefixLength < 1 || prefixLength > 128)
                throw new IllegalArgumentException("IPv6 prefix must be 1..128");
            return new IpAddress(IpType.IPV6, Octets.of(address), null, assignment, prefixLength, null, null);
        }
        throw new IllegalArgumentException("address must be 4 or 16 bytes");
    }

    /** Target addresses never go to logs: only the type is shown. */
    @Override
    public String toString() {
        return "IpAddress[type=" + type + ", address=<redacted>]";
    }
}
