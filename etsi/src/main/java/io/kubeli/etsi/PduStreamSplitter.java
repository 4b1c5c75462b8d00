package io.kubeli.etsi;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Stateful splitter for a byte stream of concatenated PS-PDUs (one per connection, not thread-safe): feed it
 * chunks as they arrive; it hands each complete PDU to the sink, straight out of the fed chunk when it lies there
 * whole. Memory is bounded by the largest chunk plus {@link DecodeLimits#maxPduSize()}. With a {@link PduInspector}
 * every PDU is also inspected before the sink sees it (the sink reads the inspector), and one that is not
 * well-formed is refused like a framing error. After a {@link MalformedPduException} (offsets are stream offsets)
 * the caller either closes the stream or calls {@link #resync()}.
 */
public final class PduStreamSplitter {
    private final DecodeLimits limits;
    private final PduInspector inspector;
    private final PduSink sink;
    private byte[] pending = new byte[4096];
    private int pendingLen;
    private long pendingOffset; // stream offset of pending[0]
    private boolean failed;
    private long pdus;

    public PduStreamSplitter(DecodeLimits limits, PduSink sink) {
        this(limits, null, sink);
    }

    /** A splitter that wraps {@code inspector} around each PDU before the sink sees it (null: frames only). */
    public PduStreamSplitter(DecodeLimits limits, PduInspector inspector, PduSink sink) {
        this.limits = limits;
        this.inspector = inspector;
        this.sink = sink;
    }

    public PduStreamSplitter(PduSink sink) {
        this(DecodeLimits.DEFAULT, sink);
    }

    /** A splitter that hands each PDU over as its own array. */
    public static PduStreamSplitter copying(DecodeLimits limits, Consumer<byte[]> consumer) {
        return new PduStreamSplitter(
                limits, (b, off, len, so) -> consumer.accept(Arrays.copyOfRange(b, off, off + len)));
    }

    /** Feeds a chunk; emits every PDU completed by it. */
    public void feed(byte[] chunk, int off, int len) throws MalformedPduException {
        if (failed) throw new IllegalStateException("stream is malformed: resync() or close it");
        java.util.Objects.checkFromIndexSize(off, len, chunk.length);
        if (pendingLen == 0) {
            // fast path: split straight out of the caller's chunk
            int used = split(chunk, off, len, pendingOffset);
            pendingOffset += used;
            append(chunk, off + used, len - used);
            return;
        }
        append(chunk, off, len);
        drain();
    }

    /** Feeds a whole array. */
    public void feed(byte[] chunk) throws MalformedPduException {
        feed(chunk, 0, chunk.length);
    }

    /**
     * End of stream: throws if an incomplete PDU remains (LENGTH_EXCEEDS_INPUT when its length runs past the end,
     * TRUNCATED when even its header is incomplete).
     */
    public void finish() throws MalformedPduException {
        if (pendingLen == 0) return;
        failed = true;
        try {
            new BerReader(pending, 0, limits).read(0, pendingLen, 0);
        } catch (MalformedPduException e) {
            throw e.rebase(pendingOffset);
        }
        throw new MalformedPduException(
                pendingOffset, MalformedPduException.Rule.TRUNCATED, "stream ended inside a PDU");
    }

    /**
     * After an error: drops the first pending byte and everything up to the next byte that could start a PDU
     * (0x30), then splits what follows (which may raise the next error).
     */
    public void resync() throws MalformedPduException {
        failed = false;
        if (pendingLen == 0) return;
        int i = 1;
        while (i < pendingLen && pending[i] != 0x30) i++;
        consume(i);
        drain();
    }

    /** Bytes held back waiting for the rest of a PDU. */
    public int buffered() {
        return pendingLen;
    }

    /** Stream offset of the first byte not yet emitted. */
    public long streamOffset() {
        return pendingOffset;
    }

    /** PDUs emitted so far. */
    public long pdus() {
        return pdus;
    }

    private void drain() throws MalformedPduException {
        int used = split(pending, 0, pendingLen, pendingOffset);
        consume(used);
    }

    /** Emits complete PDUs from b[off, off+len); returns the bytes consumed. */
    private int split(byte[] b, int off, int len, long streamOff) throws MalformedPduException {
        int used = 0;
        while (used < len) {
            int n;
            try {
                n = PduSplitter.pduLength(b, off + used, len - used, limits);
                if (n > 0 && inspector != null) inspector.wrap(b, off + used, n);
            } catch (MalformedPduException e) {
                if (b != pending) {
                    pendingOffset += used;
                    append(b, off + used, len - used);
                } else {
                    consume(used);
                }
                failed = true;
                throw e.rebase(streamOff + used);
            }
            if (n < 0) break;
            pdus++;
            sink.pdu(b, off + used, n, streamOff + used);
            used += n;
        }
        return used;
    }

    private void consume(int n) {
        System.arraycopy(pending, n, pending, 0, pendingLen - n);
        pendingLen -= n;
        pendingOffset += n;
    }

    private void append(byte[] b, int off, int len) {
        if (len == 0) return;
        if (pendingLen + len > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pendingLen + len, pending.length * 2));
        }
        System.arraycopy(b, off, pending, pendingLen, len);
        pendingLen += len;
    }
}
