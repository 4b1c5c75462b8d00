package io.kubeli.system.demo;

import java.util.List;

/**
 * What one demo run did: capture counts from the collector, and per LIID and stream what the agency received.
 *
 * @param resources names from the example resources
 * @param packets packets the capture source delivered
 * @param bytes their bytes on the wire
 * @param matched target packets (matched an Intercept inside its window)
 * @param sent packets put on the wire ({@code --live}), -1 when read from a file
 * @param socketDrops packets the capture socket dropped
 * @param interfaceDrops rise of the interface's drop counters (on Linux rx_dropped also counts frames the stack
 *        discarded after the capture saw them, e.g. with an ethertype no protocol handles)
 * @param backlogDrops packets dropped from the CPU backlog
 * @param malformed packets that did not decode
 * @param outOfWindow target packets outside the warrant window (not delivered, by design)
 * @param encodeErrors records the encoders could not produce
 * @param rows per LIID and stream (CC, IRI): expected and received records, duplicates, gaps
 * @param expected records the collector encoded in total
 * @param delivered distinct records the agency received in total
 */
record DemoResult(
        DemoResources resources,
        long packets,
        long bytes,
        long matched,
        long sent,
        long socketDrops,
        long interfaceDrops,
        long backlogDrops,
        long malformed,
        long outOfWindow,
        long encodeErrors,
        List<Row> rows,
        long expected,
        long delivered) {

    /**
     * One LIID and stream at the agency.
     *
     * @param liid the LIID
     * @param stream CC (HI3) or IRI (HI2)
     * @param cins CINs seen
     * @param expected records the collector encoded for it
     * @param received distinct records received
     * @param duplicates records received more than once (resent after a reconnect; none on a normal run)
     * @param missing sequence numbers absent between the first and the highest received
     * @param gaps the missing ranges (first, last)
     */
    record Row(
            String liid,
            String stream,
            int cins,
            long expected,
            long received,
            long duplicates,
            long missing,
            List<long[]> gaps) {}

    /** Null when every record arrived exactly once with contiguous sequence numbers and nothing was dropped; else why not. */
    String problem() {
        if (delivered < expected) {
            return "the agency received " + delivered + " of " + expected + " records";
        }
        for (Row r : rows) {
            if (r.missing() > 0) {
                return "sequence gaps in " + r.liid() + " " + r.stream();
            }
            if (r.received() != r.expected()) {
                return r.liid() + " " + r.stream() + ": " + r.received() + " records received, " + r.expected()
                        + " encoded";
            }
        }
        if (sent >= 0 && packets < sent) {
            return "captured " + packets + " of " + sent + " packets sent (socket drops " + socketDrops + ", interface "
                    + interfaceDrops + ", backlog " + backlogDrops + ")";
        }
        if (lost() > 0 || encodeErrors > 0) {
            return lost() + " packets dropped by the capture, " + encodeErrors + " encoder errors";
        }
        return null;
    }

    /**
     * Packets the capture lost. When every sent packet was captured, the interface counter only counts frames the
     * kernel discarded after the capture had them, so it is not a loss.
     */
    long lost() {
        return socketDrops + backlogDrops + (sent >= 0 && packets >= sent ? 0 : interfaceDrops);
    }
}
