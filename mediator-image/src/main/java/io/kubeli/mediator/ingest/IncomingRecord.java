package io.kubeli.mediator.ingest;

/**
 * One record as it arrives from a collector.
 *
 * @param collector collector id (link identity)
 * @param linkSeq the collector's link sequence number (dedup key with collector)
 * @param intercept Intercept resource name
 * @param agency Agency resource name the collector claims (may be empty: the Intercept's agencyRef is used)
 * @param liid the LIID the collector claims (null: the PDU's own); must equal the PDU header's LIID
 * @param cc true for CC (HI3), false for IRI (HI2)
 * @param pdu the encoded PS-PDU
 */
public record IncomingRecord(
        String collector, long linkSeq, String intercept, String agency, String liid, boolean cc, byte[] pdu) {

    /** A record whose LIID claim is the PDU header's own (in-process callers). */
    public IncomingRecord(String collector, long linkSeq, String intercept, String agency, boolean cc, byte[] pdu) {
        this(collector, linkSeq, intercept, agency, null, cc, pdu);
    }
}
