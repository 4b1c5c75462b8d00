package io.kubeli.capture.pcap;

import io.kubeli.capture.AbstractCaptureSource;
import io.kubeli.capture.CaptureException;
import io.kubeli.capture.CaptureUriException;
import io.kubeli.capture.PacketBatch;
import io.kubeli.capture.PacketConsumer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.sql.Timestamp;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.RawPacketListener;

/** Live capture through pcap4j/libpcap with dispatch(); packets are copied into a per-thread buffer. */
public final class PcapLiveSource extends AbstractCaptureSource {
    /** Settings for one libpcap handle. */
    public record Config(String iface, int snaplen, int bufferBytes, boolean promisc, int timeoutMs, String filter) {}

    private static final int BUFFER = 4 << 20;
    private static final int MAX_BATCH = 1024;

    private final PcapHandle handle;
    private final int dlt;
    private final int timeoutMs;
    private volatile long kernelDrops;
    private long lastStatsNanos;

    public PcapLiveSource(String uri, Config cfg) {
        super(uri, 1, false, cfg.iface());
        this.timeoutMs = cfg.timeoutMs();
        try {
            PcapHandle.Builder b = new PcapHandle.Builder(cfg.iface())
                    .snaplen(cfg.snaplen())
                    .promiscuousMode(
                            cfg.promisc()
                                    ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                                    : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(cfg.timeoutMs())
                    .timestampPrecision(PcapHandle.TimestampPrecision.NANO);
            if (cfg.bufferBytes() > 0) {
                b.bufferSize(cfg.bufferBytes());
            }
            handle = b.build();
        } catch (PcapNativeException e) {
            throw new CaptureException("pcap: cannot open " + cfg.iface() + ": " + e.getMessage(), e);
        }
        try {
            if (cfg.filter() != null) {
                try {
                    handle.setFilter(cfg.filter(), BpfProgram.BpfCompileMode.OPTIMIZE);
                } catch (PcapNativeException e) {
                    throw new CaptureUriException("bad BPF filter: " + e.getMessage());
                }
            }
            dlt = handle.getDlt().value();
        } catch (NotOpenException | RuntimeException e) {
            handle.close();
            throw e instanceof RuntimeException r ? r : new CaptureException("pcap: handle closed", e);
        }
    }

    @Override
    protected void beforeStart() {
        ifaceDrops().baseline();
    }

    @Override
    protected void runThread(int index, PacketConsumer consumer, PacketBatch batch) throws Exception {
        try (Arena a = Arena.ofConfined()) {
            Copier copier = new Copier(index, consumer, batch, a.allocate(BUFFER, 64));
            long drainUntil = 0;
            while (true) {
                if (!running()) {
                    // stop: libpcap's buffer still holds what the kernel accepted (the open block until the read
                    // timeout retires it); read on, without blocking, for that long so it is delivered, not closed
                    // away uncounted
                    long now = System.nanoTime();
                    if (drainUntil == 0) {
                        drainUntil = now + (timeoutMs + 50L) * 1_000_000L;
                        try {
                            handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
                        } catch (PcapNativeException | NotOpenException e) {
                            break; // cannot read without blocking: end as before
                        }
                    } else if (now - drainUntil >= 0) {
                        break;
                    }
                }
                int n;
                try {
                    n = handle.dispatch(-1, copier);
                } catch (InterruptedException e) {
                    n = 0; // breakLoop
                }
                copier.flush();
                if (n == 0 && running()) {
                    idle(index, consumer);
                } else if (n <= 0 && drainUntil != 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L); // the open block is not retired yet
                }
                long now = System.nanoTime();
                if (now - lastStatsNanos > 200_000_000L) {
                    lastStatsNanos = now;
                    readStats();
                }
            }
            readStats();
        }
    }

    private void readStats() {
        try {
            PcapStat s = handle.getStats();
            kernelDrops = s.getNumPacketsDropped();
        } catch (PcapNativeException | NotOpenException e) {
            // keep the last value
        }
    }

    @Override
    protected void wakeup() {
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            // already closed
        }
    }

    @Override
    protected long socketDrops() {
        return kernelDrops;
    }

    @Override
    protected void release() {
        handle.close();
    }

    /** Copies each packet pcap4j hands over into the thread's buffer and flushes full batches. */
    private final class Copier implements RawPacketListener {
        private final int index;
        private final PacketConsumer consumer;
        private final PacketBatch batch;
        private final MemorySegment buf;
        private long pos;

        Copier(int index, PacketConsumer consumer, PacketBatch batch, MemorySegment buf) {
            this.index = index;
            this.consumer = consumer;
            this.batch = batch;
            this.buf = buf;
            batch.reset(buf);
        }

        @Override
        public void gotPacket(byte[] packet) {
            int len = Math.min(packet.length, BUFFER);
            if (pos + len > BUFFER || batch.size() == MAX_BATCH) {
                flush();
            }
            MemorySegment.copy(packet, 0, buf, ValueLayout.JAVA_BYTE, pos, len);
            Timestamp ts = handle.getTimestamp();
            long ns = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
            Integer orig = handle.getOriginalLength();
            batch.add(pos, len, orig == null ? len : Math.max(orig, len), ns, dlt);
            pos += (len + 7) & ~7;
        }

        void flush() {
            deliver(index, consumer, batch);
            batch.reset(buf);
            pos = 0;
        }
    }
}
