package io.kubeli.capture.file;

import io.kubeli.capture.CaptureFormatException;
import io.kubeli.capture.PacketBatch;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/** pcapng: sections (SHB), interfaces (IDB with if_tsresol/if_tsoffset), EPB, SPB and obsolete PB. */
final class PcapNgCursor extends CaptureFileCursor {
    static final int SHB = 0x0A0D0D0A;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int IDB = 1;
    private static final int OPB = 2;
    private static final int SPB = 3;
    private static final int EPB = 6;

    private int interfaces;
    private int[] linkTypes = new int[4];
    private int[] snaplens = new int[4];
    /** Per interface: multiplier (decimal, >0), or -divisor (decimal, <0); binary when shift >= 0. */
    private long[] tsMul = new long[4];

    private int[] tsShift = new int[4];
    private long[] tsOffsetNs = new long[4];

    PcapNgCursor(String name, MemorySegment seg) {
        super(name, seg);
        if (end < 28 || seg.get(INT, 0) != SHB) {
            throw new CaptureFormatException(name, 0, "not a pcapng file (no section header block)");
        }
        pos = 0;
    }

    @Override
    void rewind() {
        pos = 0;
        interfaces = 0;
        pending = null;
    }

    @Override
    int read(PacketBatch batch, int max) {
        long p = pos;
        int n = 0;
        while (n < max && p < end) {
            if (end - p < 12) {
                throw new CaptureFormatException(name, p, "truncated block header (" + (end - p) + " bytes left)");
            }
            int type = seg.get(INT, p);
            if (type == SHB) {
                section(p);
            }
            long len = i32(p + 4) & 0xffffffffL;
            if (len < 12 || (len & 3) != 0) {
                throw new CaptureFormatException(name, p, "bad block length " + len);
            }
            if (len > end - p) {
                throw new CaptureFormatException(
                        name, p, "truncated block (length " + len + ", " + (end - p) + " bytes left)");
            }
            if (swap) {
                type = Integer.reverseBytes(type);
            }
            switch (type) {
                case EPB -> {
                    if (len < 32) {
                        throw new CaptureFormatException(name, p, "enhanced packet block too short");
                    }
                    int ifc = i32(p + 8);
                    long ts = (i32(p + 12) & 0xffffffffL) << 32 | (i32(p + 16) & 0xffffffffL);
                    int cap = i32(p + 20);
                    int orig = i32(p + 24);
                    add(batch, p, ifc, ts, cap, orig, p + 28, len - 32);
                    n++;
                }
                case SPB -> {
                    if (interfaces == 0) {
                        throw new CaptureFormatException(name, p, "simple packet block before any interface");
                    }
                    int orig = i32(p + 8);
                    long room = len - 16;
                    long cap = Math.min(orig & 0xffffffffL, room);
                    if (snaplens[0] > 0) {
                        cap = Math.min(cap, snaplens[0]);
                    }
                    batch.add(p + 12, (int) cap, Math.max(orig, (int) cap), 0L, linkTypes[0]);
                    n++;
                }
                case OPB -> {
                    if (len < 32) {
                        throw new CaptureFormatException(name, p, "packet block too short");
                    }
                    int ifc = u16(p + 8);
                    long ts = (i32(p + 12) & 0xffffffffL) << 32 | (i32(p + 16) & 0xffffffffL);
                    add(batch, p, ifc, ts, i32(p + 20), i32(p + 24), p + 28, len - 32);
                    n++;
                }
                case IDB -> iface(p, len);
                default -> {
                    // SHB (handled above), name resolution, statistics, custom: skipped
                }
            }
            p += len;
        }
        pos = p;
        return n;
    }

    private void add(PacketBatch batch, long p, int ifc, long ts, int cap, int orig, long data, long room) {
        if (ifc < 0 || ifc >= interfaces) {
            throw new CaptureFormatException(name, p, "packet refers to undefined interface " + ifc);
        }
        if (cap < 0 || cap > room) {
            throw new CaptureFormatException(
                    name, p, "captured length " + Integer.toUnsignedString(cap) + " exceeds block");
        }
        batch.add(data, cap, orig < cap ? cap : orig, toNanos(ifc, ts), linkTypes[ifc]);
    }

    private long toNanos(int ifc, long ts) {
        int shift = tsShift[ifc];
        long ns;
        if (shift >= 0) {
            long whole = ts >>> shift;
            long frac = ts & ((1L << shift) - 1);
            ns = whole * 1_000_000_000L
                    + (shift <= 33
                            ? (frac * 1_000_000_000L) >>> shift
                            : ((frac >>> (shift - 33)) * 1_000_000_000L) >>> 33);
        } else {
            long m = tsMul[ifc];
            ns = m > 0 ? ts * m : ts / -m;
        }
        return ns + tsOffsetNs[ifc];
    }

    private void section(long p) {
        int bom = seg.get(INT, p + 8);
        if (bom == BYTE_ORDER_MAGIC) {
            swap = false;
        } else if (Integer.reverseBytes(bom) == BYTE_ORDER_MAGIC) {
            swap = true;
        } else {
            throw new CaptureFormatException(name, p + 8, String.format("bad pcapng byte-order magic %08x", bom));
        }
        if (end - p >= 16) {
            int major = u16(p + 12);
            if (major != 1) {
                throw new CaptureFormatException(name, p + 12, "unsupported pcapng version " + major);
            }
        }
        interfaces = 0;
    }

    private void iface(long p, long len) {
        if (len < 20) {
            throw new CaptureFormatException(name, p, "interface description block too short");
        }
        int i = interfaces;
        if (i == linkTypes.length) {
            int c = i * 2;
            linkTypes = Arrays.copyOf(linkTypes, c);
            snaplens = Arrays.copyOf(snaplens, c);
            tsMul = Arrays.copyOf(tsMul, c);
            tsShift = Arrays.copyOf(tsShift, c);
            tsOffsetNs = Arrays.copyOf(tsOffsetNs, c);
        }
        linkTypes[i] = u16(p + 8);
        snaplens[i] = i32(p + 12);
        tsMul[i] = 1000;
        tsShift[i] = -1;
        tsOffsetNs[i] = 0;
        long o = p + 16;
        long optEnd = p + len - 4;
        while (o + 4 <= optEnd) {
            int code = u16(o);
            int olen = u16(o + 2);
            if (code == 0) {
                break;
            }
            if (o + 4 + olen > optEnd) {
                throw new CaptureFormatException(name, o, "interface option overruns block");
            }
            if (code == 9 && olen >= 1) {
                int r = seg.get(ValueLayout.JAVA_BYTE, o + 4) & 0xff;
                if ((r & 0x80) != 0) {
                    int k = r & 0x7f;
                    if (k > 62) {
                        throw new CaptureFormatException(name, o, "unsupported if_tsresol 2^-" + k);
                    }
                    tsShift[i] = k;
                } else {
                    if (r > 18) {
                        throw new CaptureFormatException(name, o, "unsupported if_tsresol 10^-" + r);
                    }
                    tsMul[i] = r <= 9 ? pow10(9 - r) : -pow10(r - 9);
                }
            } else if (code == 14 && olen == 8) {
                long sec = (i32(o + 4) & 0xffffffffL) | (long) i32(o + 8) << 32;
                if (swap) {
                    sec = (i32(o + 8) & 0xffffffffL) | (long) i32(o + 4) << 32;
                }
                tsOffsetNs[i] = sec * 1_000_000_000L;
            }
            o += 4 + ((olen + 3) & ~3);
        }
        interfaces = i + 1;
    }

    private static long pow10(int k) {
        long v = 1;
        for (int j = 0; j < k; j++) {
            v *= 10;
        }
        return v;
    }
}
