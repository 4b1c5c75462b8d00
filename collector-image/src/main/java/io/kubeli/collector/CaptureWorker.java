package io.kubeli.collector;

import io.kubeli.capture.PacketBatch;
import io.kubeli.capture.PacketConsumer;
import io.kubeli.collector.radius.FragmentReassembler;
import io.kubeli.collector.radius.RadiusMessage;
import io.kubeli.collector.radius.RadiusParser;
import io.kubeli.etsi.Direction;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Per-capture-thread consumer: decode, match against the current table snapshot, check the warrant window on
 * the capture timestamp, and hand matched packets to the owning encoder through this thread's SPSC ring.
 * Nothing is allocated per packet; when a ring is full the thread waits (back-pressure shows up as counted
 * kernel/socket drops, never as a silent loss here). Counters are plain fields written by this thread only.
 */
public final class CaptureWorker implements PacketConsumer {
    private static final ValueLayout.OfShort U16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    private final CollectorPipeline pipeline;
    private final SpscRing[] rings;
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final byte[] radiusBuf = new byte[4096];
    private final RadiusMessage radiusMsg = new RadiusMessage();
    private final SipFeed sip = new SipFeed();
    private final UdpFragments radiusFragments = new UdpFragments(FragmentReassembler::new);
    /** Longest block while a ring is full: a bound (the encoder wakes this thread), not a polling period. */
    private static final long PRODUCER_PARK_NANOS = 100_000_000L;

    long packets;
    long bytes;
    long matched;
    long outOfWindow;
    long queued;
    long ringFullWaits;
    long truncated;
    volatile boolean ended;

    CaptureWorker(CollectorPipeline pipeline, SpscRing[] rings) {
        this.pipeline = pipeline;
        this.rings = rings;
    }

    /** Encoders (bit per index) this thread published to since it last woke them, and how many records. */
    private long unwoken;

    private int unwokenRecords;
    /** Times this thread woke its encoders after publishing (for tests: wake-ups are batched). */
    long wakeRounds;
    /** A saturated source wakes its encoders once per this many records instead of once per batch. */
    static final int WAKE_RECORDS = 64;

    @Override
    public void onEnd() {
        ended = true; // every record of this thread is in its rings now
        for (SpscRing r : rings) {
            r.consumer.wake(); // they may exit now
        }
    }

    /** The decoder (for its malformed / non-IP counters). */
    public PacketDecoder decoder() {
        return decoder;
    }

    @Override
    public void onBatch(PacketBatch b) {
        MemorySegment seg = b.segment();
        int n = b.size();
        if (n > 0) {
            pipeline.advanceCaptureClock(b.timestampNanos(0));
            pipeline.advanceCaptureClock(b.timestampNanos(n - 1));
        }
        packets += n;
        for (int i = 0; i < n; i++) {
            bytes += b.wireLength(i);
            // the table is read per packet: a RADIUS change made by any thread applies to the next packet
            match(pipeline.table(), seg, b.offset(i), b.capturedLength(i), b.linkType(i), b.timestampNanos(i));
        }
        // a full batch means the source is saturated and the next one follows at once: wake per WAKE_RECORDS records
        // then; a partial batch, onIdle and onEnd always wake, so no record waits beyond the source's next call
        if (n < b.capacity() || unwokenRecords >= WAKE_RECORDS) {
            wakeEncoders();
        }
    }

    @Override
    public void onIdle() {
        wakeEncoders();
    }

    /** Decodes, matches and enqueues one frame, then wakes the encoders it fed; returns the records queued. */
    public int process(TargetTable table, MemorySegment seg, long off, int capLen, int linkType, long ts) {
        int q = match(table, seg, off, capLen, linkType, ts);
        wakeEncoders();
        return q;
    }

    private void wakeEncoders() {
        long w = unwoken;
        if (w != 0) {
            unwoken = 0;
            unwokenRecords = 0;
            wakeRounds++;
            for (int i = 0; i < rings.length; i++) {
                if ((w & (1L << i)) != 0) {
                    rings[i].consumer.wake();
                }
            }
        }
    }

    /** Decodes, matches and enqueues one frame (the per-packet path of onBatch); returns the records queued. */
    private int match(TargetTable table, MemorySegment seg, long off, int capLen, int linkType, long ts) {
        RadiusTap tap = pipeline.radius();
        SipTap sipTap = pipeline.sip();
        if (table.isEmpty() && tap == null && sipTap == null) {
            return 0;
        }
        DecodedPacket p = packet;
        if (decoder.decode(seg, off, capLen, linkType, p) != PacketDecoder.IP) {
            return 0;
        }
        if (tap != null && p.protocol == 17 && radius(tap, seg, p, ts)) {
            table = pipeline.table(); // this packet may have started or ended a target's session
        }
        if (sipTap != null && (p.protocol == 17 || p.protocol == 6)) {
            sip.feed(sipTap, seg, p, ts); // a call's media changes in the media table before this returns
        }
        TargetEntry[] s = null;
        TargetEntry[] d = null;
        if (!table.isEmpty()) {
            if (p.version == 4) {
                s = table.lookup4(p.src4);
                d = table.lookup4(p.dst4);
            } else {
                s = table.lookup6(p.srcHi, p.srcLo);
                d = table.lookup6(p.dstHi, p.dstLo);
            }
        }
        TargetEntry[] ms = null;
        TargetEntry[] md = null;
        long l4 = p.l4Offset;
        if (sipTap != null && p.protocol == 17 && l4 >= 0 && l4 + 8 <= p.ipOffset + p.ipLength) {
            // media of followed calls: (address, port) of a target endpoint; an address without endpoints costs a
            // bit test (its ports are not even read)
            MediaTable mt = pipeline.media();
            long sHi = p.version == 4 ? 0 : p.srcHi;
            long sLo = p.version == 4 ? p.src4 & 0xFFFF_FFFFL : p.srcLo;
            long dHi = p.version == 4 ? 0 : p.dstHi;
            long dLo = p.version == 4 ? p.dst4 & 0xFFFF_FFFFL : p.dstLo;
            if (mt.mayHold(sHi, sLo)) {
                ms = mt.lookup(p.version, sHi, sLo, seg.get(U16, l4) & 0xFFFF);
            }
            if (mt.mayHold(dHi, dLo)) {
                md = mt.lookup(p.version, dHi, dLo, seg.get(U16, l4 + 2) & 0xFFFF);
            }
        }
        if (s == null && d == null && ms == null && md == null) {
            return 0;
        }
        matched++;
        if (p.truncated) {
            truncated++;
        }
        int q = 0;
        if (s != null) {
            for (TargetEntry e : s) {
                q += enqueue(e, Direction.FROM_TARGET, seg, p, ts);
            }
        }
        if (d != null) {
            for (TargetEntry e : d) {
                if (!sameIntercept(s, e)) {
                    q += enqueue(e, Direction.TO_TARGET, seg, p, ts);
                }
            }
        }
        if (ms != null) {
            for (TargetEntry e : ms) {
                q += media(e, Direction.FROM_TARGET, seg, p, ts);
            }
        }
        if (md != null) {
            for (TargetEntry e : md) {
                if (!sameIntercept(ms, e)) {
                    q += media(e, Direction.TO_TARGET, seg, p, ts);
                }
            }
        }
        return q;
    }

    /** Feeds a RADIUS packet to the tracker; true when it was applied (the target table may have changed). */
    private boolean radius(RadiusTap tap, MemorySegment seg, DecodedPacket p, long ts) {
        if (p.fragment) {
            return radiusFragment(tap, seg, p, ts);
        }
        long l4 = p.l4Offset;
        long ipEnd = p.ipOffset + p.ipLength;
        if (l4 < 0 || l4 + 8 > ipEnd) {
            return false;
        }
        int sport = seg.get(U16, l4) & 0xFFFF;
        int dport = seg.get(U16, l4 + 2) & 0xFFFF;
        if (!tap.ports()[dport] && !tap.ports()[sport]) {
            return false;
        }
        int n = (int) Math.min(Math.min(ipEnd - l4 - 8, (seg.get(U16, l4 + 4) & 0xFFFF) - 8L), radiusBuf.length);
        n = Math.max(n, 0);
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, l4 + 8, radiusBuf, 0, n);
        return apply(tap, n, sport, dport, p, ts);
    }

    /** Fragments: the first one (with the ports) opens a reassembly, later ones of a followed datagram join it. */
    private boolean radiusFragment(RadiusTap tap, MemorySegment seg, DecodedPacket p, long ts) {
        int n = radiusFragments.offer(seg, p, ts, tap.ports(), radiusBuf);
        return n >= 0 && apply(tap, n, radiusFragments.sport(), radiusFragments.dport(), p, ts);
    }

    /** First fragments of fragmented RADIUS datagrams seen by this thread. */
    long radiusFragments() {
        return radiusFragments.firstFragments;
    }

    private boolean apply(RadiusTap tap, int n, int sport, int dport, DecodedPacket p, long ts) {
        RadiusParser.Result r = RadiusParser.parse(radiusBuf, 0, n, radiusMsg);
        tap.tracker().count(r);
        if (r != RadiusParser.Result.OK) {
            return false;
        }
        int code = radiusMsg.code;
        boolean request = code == RadiusMessage.ACCESS_REQUEST || code == RadiusMessage.ACCOUNTING_REQUEST;
        long hi;
        long lo;
        if (p.version == 4) {
            hi = 0;
            lo = (request ? p.src4 : p.dst4) & 0xFFFF_FFFFL;
        } else {
            hi = request ? p.srcHi : p.dstHi;
            lo = request ? p.srcLo : p.dstLo;
        }
        // the client (NAS) port: a request's source, a response's destination
        tap.manager().onRadius(radiusMsg, p.version, hi, lo, request ? sport : dport, ts);
        return true;
    }

    /** A packet from or to a target media endpoint of a call: keeps the call's media timeout away, then as IP. */
    private int media(TargetEntry e, Direction dir, MemorySegment seg, DecodedPacket p, long ts) {
        SipMedia m = ((SipMedia.Leg) e.intercept()).call();
        if (m.lastMedia < ts) {
            m.lastMedia = ts;
        }
        return enqueue(e, dir, seg, p, ts);
    }

    /** First fragments of fragmented SIP datagrams seen by this thread. */
    long sipFragments() {
        return sip.fragments.firstFragments;
    }

    /** Fragmented SIP datagrams this thread gave up (counted drops of its reassembler). */
    long sipFragmentDrops() {
        return sip.fragmentDrops();
    }

    /** TCP segments whose SIP tail could not be completed because a segment was lost (this thread). */
    long sipTcpGaps() {
        return sip.tcp.gaps;
    }

    private static boolean sameIntercept(TargetEntry[] s, TargetEntry e) {
        if (s == null) {
            return false;
        }
        for (TargetEntry x : s) {
            if (x.intercept() == e.intercept()) {
                return true;
            }
        }
        return false;
    }

    private int enqueue(TargetEntry e, Direction dir, MemorySegment seg, DecodedPacket p, long ts) {
        if (!e.inWindow(ts)) {
            outOfWindow++;
            return 0;
        }
        e.seen().mark(ts);
        if (!e.cc()) {
            return 0;
        }
        int ei = e.key().encoderIndex();
        SpscRing ring = rings[ei];
        SpscRing.Slot slot = ring.claim();
        if (slot == null) {
            slot = awaitSlot(ring);
        }
        int len = p.ipLength;
        byte[] buf = slot.buffer(len);
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, p.ipOffset, buf, 0, len);
        slot.length = len;
        slot.entry = e;
        slot.direction = dir;
        slot.timestampNanos = ts;
        ring.publish();
        unwoken |= 1L << ei;
        unwokenRecords++;
        queued++;
        return 1;
    }

    private SpscRing.Slot awaitSlot(SpscRing ring) {
        ringFullWaits++;
        wakeEncoders(); // it must drain before there is room; records published in this batch included
        ring.consumer.wake();
        SpscRing.Slot slot;
        int spins = 0;
        while ((slot = ring.claim()) == null) {
            if (++spins < 100) {
                Thread.onSpinWait();
                continue;
            }
            // block until the encoder frees slots (it wakes this thread), not a polling loop
            ring.producer.prepare();
            if ((slot = ring.claim()) != null) {
                ring.producer.cancel();
                break;
            }
            ring.producer.park(PRODUCER_PARK_NANOS);
        }
        return slot;
    }

    /** This worker's ring to encoder {@code i}. */
    SpscRing ring(int i) {
        return rings[i];
    }

    /** Matched packets waiting in this worker's rings. */
    int backlog() {
        int s = 0;
        for (SpscRing r : rings) {
            s += r.size();
        }
        return s;
    }
}
