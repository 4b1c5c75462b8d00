package io.kubeli.mediator.bench;

import io.kubeli.etsi.PduInspector;
import io.kubeli.mediator.TestPdus;

/** Fast generator of distinct CC PDUs of a fixed size: a template whose 4-byte sequence number is patched per record. */
final class BenchPdus {
    static final long SEQ_BASE = 0x01000000L; // keeps the INTEGER at exactly 4 minimal octets
    private final byte[] template;
    private final int seqOff;

    BenchPdus(String liid, long cin, int size) throws Exception {
        template = TestPdus.cc(liid, cin, SEQ_BASE, size);
        if (new PduInspector().wrap(template, 0, template.length).sequenceNumber() != SEQ_BASE)
            throw new IllegalStateException("template");
        int off = -1;
        for (int i = 0; i + 5 < template.length; i++) {
            if ((template[i] & 0xff) == 0x84
                    && template[i + 1] == 4
                    && template[i + 2] == 1
                    && template[i + 3] == 0
                    && template[i + 4] == 0
                    && template[i + 5] == 0) {
                off = i + 2;
                break;
            }
        }
        if (off < 0) throw new IllegalStateException("sequence number not found in the template");
        seqOff = off;
    }

    int size() {
        return template.length;
    }

    /** The PDU with sequence number SEQ_BASE + i. */
    byte[] pdu(long i) {
        byte[] b = template.clone();
        long s = SEQ_BASE + i;
        b[seqOff] = (byte) (s >>> 24);
        b[seqOff + 1] = (byte) (s >>> 16);
        b[seqOff + 2] = (byte) (s >>> 8);
        b[seqOff + 3] = (byte) s;
        return b;
    }
}
