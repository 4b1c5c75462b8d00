package io.kubeli.capture.file;

import io.kubeli.capture.CaptureFormatException;
import io.kubeli.capture.PacketBatch;
import java.lang.foreign.MemorySegment;

/** Classic libpcap format: magic a1b2c3d4 (µs) or a1b23c4d (ns), either byte order. */
final class ClassicPcapCursor extends CaptureFileCursor {
    static final int MAGIC_US = 0xa1b2c3d4;
    static final int MAGIC_NS = 0xa1b23c4d;
    static final int HEADER = 24;
    static final int MAX_RECORD = 16 << 20;
    private final long fracNanos;
    private final int linkType;

    ClassicPcapCursor(String name, MemorySegment seg) {
        super(name, seg);
        if (end < HEADER) {
            throw new CaptureFormatException(name, 0, "truncated pcap file header (" + end + " of 24 bytes)");
        }
        int raw = seg.get(INT, 0);
        int magic;
        if (raw == MAGIC_US || raw == MAGIC_NS) {
            swap = false;
            magic = raw;
        } else {
            swap = true;
            magic = Integer.reverseBytes(raw);
        }
        if (magic != MAGIC_US && magic != MAGIC_NS) {
            throw new CaptureFormatException(name, 0, String.format("not a pcap file (magic %08x)", raw));
        }
        fracNanos = magic == MAGIC_NS ? 1 : 1000;
        int major = u16(4);
        if (major != 2) {
            throw new CaptureFormatException(name, 4, "unsupported pcap version " + major);
        }
        linkType = i32(20) & 0xffff;
        pos = HEADER;
    }

    int linkType() {
        return linkType;
    }

    @Override
    void rewind() {
        pos = HEADER;
        pending = null;
    }

    @Override
    int read(PacketBatch batch, int max) {
        final MemorySegment s = seg;
        final boolean sw = swap;
        final long lim = end;
        final long frac = fracNanos;
        final int lt = linkType;
        long p = pos;
        int n = 0;
        while (n < max && p < lim) {
            if (lim - p < 16) {
                throw new CaptureFormatException(name, p, "truncated record header (" + (lim - p) + " of 16 bytes)");
            }
            int sec = s.get(INT, p);
            int sub = s.get(INT, p + 4);
            int incl = s.get(INT, p + 8);
            int orig = s.get(INT, p + 12);
            if (sw) {
                sec = Integer.reverseBytes(sec);
                sub = Integer.reverseBytes(sub);
                incl = Integer.reverseBytes(incl);
                orig = Integer.reverseBytes(orig);
            }
            if (incl < 0 || incl > MAX_RECORD) {
                throw new CaptureFormatException(
                        name, p, "implausible captured length " + Integer.toUnsignedString(incl));
            }
            long data = p + 16;
            if (incl > lim - data) {
                throw new CaptureFormatException(
                        name, p, "truncated packet record (needs " + incl + " bytes, " + (lim - data) + " left)");
            }
            int wire = orig < incl ? incl : orig;
            batch.add(data, incl, wire, (sec & 0xffffffffL) * 1_000_000_000L + (sub & 0xffffffffL) * frac, lt);
            p = data + incl;
            n++;
        }
        pos = p;
        return n;
    }
}
