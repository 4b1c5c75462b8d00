package io.kubeli.collector.sip;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Issue 15: TCP reassembly for SIP is bounded in flows, octets and time, and every drop is counted. */
class TcpStreamsTest {
    @Test
    void boundedFlowsOctetsAndIdleTime() {
        TcpStreams t = new TcpStreams();
        byte[] part = "INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\n".getBytes();
        for (int i = 0; i < 10 * TcpStreams.FLOWS; i++) { // many half-sent messages on distinct flows
            long[] flow = {i, 2, -1, -1, 5060L << 16 | 5060, 4};
            t.join(flow, 1, part, 0, part.length, i);
            t.keep(flow, 0, i);
        }
        assertEquals(TcpStreams.FLOWS, t.waiting());
        assertEquals(9 * TcpStreams.FLOWS, t.evicted);
        // a tail longer than the largest message is not kept
        long[] big = {1, 1, 1, 1, 1, 6};
        byte[] huge = new byte[SipParser.MAX_MESSAGE + 1];
        t.join(big, 7, huge, 0, huge.length, 20_000);
        t.keep(big, 0, 20_000);
        assertEquals(1, t.overflows);
        // idle flows are forgotten
        t.join(big, 7, part, 0, 1, 20_000 + TcpStreams.IDLE_NANOS + 10 * TcpStreams.FLOWS);
        assertEquals(0, t.waiting());
        // a wrapped sequence number still joins
        long[] w = {3, 3, 3, 3, 3, 4};
        t.join(w, 0xFFFF_FFF0L, part, 0, 20, 1);
        t.keep(w, 0, 1);
        t.join(w, 4, part, 20, part.length - 20, 2);
        assertEquals(part.length, t.workLength());
        assertEquals(1, t.reassembled);
    }
}
