package io.kubeli.mediator.ingest;

/**
 * One record as it arrives from a collector.
 *
 * @param collector collector id (link identity)
 * @param linkSeq the collector's link sequence number (dedup key with collector)
 * @param intercept Intercept resource name
 * @param agency Agency resource name (may be empty: the Intercept's agencyRef is used)
 * @param cc true for CC (HI3), false for IRI (HI2)
 * @param pdu the encoded PS-PDU
 */
public record IncomingRecord(String collector, long linkSeq, String intercept, String agency, boolean cc, byte[] pdu) {}
