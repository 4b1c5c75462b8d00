package io.kubeli.etsi;

/** Module versions emitted for an agency: LI-PS-PDU, IPAccessPDU and IPMultimediaPDU (versions are data, not code). */
public record Profile(int psDomainVersion, int ipAccessVersion, int ipMultimediaVersion) {
    /** The newest modules in the vendored ASN.1: LI-PS-PDU 43, IPAccessPDU 20, IPMultimediaPDU 17. */
    public static final Profile LATEST = new Profile(43, 20, 17);
    /** What OpenLI 1.1.20 emits: LI-PS-PDU 17, IPAccessPDU 10, IPMultimediaPDU 6. */
    public static final Profile OPENLI = new Profile(17, 10, 6);

    public Profile {
        if (psDomainVersion < 1 || ipAccessVersion < 1 || ipMultimediaVersion < 1) {
            throw new IllegalArgumentException("module versions must be positive: " + psDomainVersion + "/"
                    + ipAccessVersion + "/" + ipMultimediaVersion);
        }
    }

    /** {@code "latest"} or {@code "openli"} (case-insensitive). */
    public static Profile byName(String name) {
        return switch (name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "latest" -> LATEST;
            case "openli" -> OPENLI;
            default ->
                throw new IllegalArgumentException("unknown ETSI profile '" + name + "' (expected latest or openli)");
        };
    }

    /** li-psDomainId {@code 0.4.0.2.2.5.1.<psDomainVersion>}. */
    public ObjectId psDomainId() {
        return ObjectId.absolute("0.4.0.2.2.5.1." + psDomainVersion);
    }

    /** iPCCObjId {@code 5.3.<v>.2}. */
    public ObjectId ipccObjId() {
        return ObjectId.relative("5.3." + ipAccessVersion + ".2");
    }

    /** iPIRIObjId {@code 5.3.<v>.1}. */
    public ObjectId ipIriObjId() {
        return ObjectId.relative("5.3." + ipAccessVersion + ".1");
    }

    /** iPMMCCObjId {@code 5.5.<v>.2}. */
    public ObjectId ipmmccObjId() {
        return ObjectId.relative("5.5." + ipMultimediaVersion + ".2");
    }

    /** iPMMIRIObjId {@code 5.5.<v>.1}. */
    public ObjectId ipmmIriObjId() {
        return ObjectId.relative("5.5." + ipMultimediaVersion + ".1");
    }
}
