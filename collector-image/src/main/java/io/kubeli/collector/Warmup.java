package io.kubeli.collector;

import io.kubeli.capture.LinkTypes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * Runs the decode and match path over synthetic non-target frames in native memory before capture starts, so
 * the first real packets meet compiled code (a cold JIT showed up as socket drops in the first second of a burst).
 */
final class Warmup {
    private Warmup() {}

    static void run(CollectorPipeline pipeline, int packets) {
        TargetTable table = new TargetTable.Builder()
                .add(IpPrefix.parse("0.0.0.1"), new TargetEntry(new Object(), null, 0, 0, false, false, null, null))
                .add(IpPrefix.parse("::1"), new TargetEntry(new Object(), null, 0, 0, false, false, null, null))
                .build();
        CaptureWorker w = new CaptureWorker(pipeline, new SpscRing[0]);
        byte[][] frames = {frame(false, false), frame(false, true), frame(true, false)};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(3 * 128);
            for (int i = 0; i < frames.length; i++) {
                MemorySegment.copy(frames[i], 0, seg, ValueLayout.JAVA_BYTE, i * 128L, frames[i].length);
            }
            long sink = 0;
            for (int i = 0; i < packets; i++) {
                int k = i % 3;
                sink += w.process(table, seg, k * 128L, frames[k].length, LinkTypes.ETHERNET, i);
            }
            if (sink != 0) {
                throw new IllegalStateException("warm-up matched a packet");
            }
        }
    }

    private static byte[] frame(boolean v6, boolean vlan) {
        ByteBuffer b = ByteBuffer.allocate(vlan ? 98 : 94);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
        if (vlan) {
            b.putShort((short) 0x8100).putShort((short) 7);
        }
        if (v6) {
            b.putShort((short) 0x86DD)
                    .putInt(0x60000000)
                    .putShort((short) 40)
                    .put((byte) 17)
                    .put((byte) 64);
            b.putLong(0x20010db8_00000000L)
                    .putLong(5)
                    .putLong(0x20010db8_00000000L)
                    .putLong(6);
        } else {
            b.putShort((short) 0x0800)
                    .put((byte) 0x45)
                    .put((byte) 0)
                    .putShort((short) 60)
                    .putInt(0)
                    .put((byte) 64)
                    .put((byte) 17)
                    .putShort((short) 0)
                    .putInt(0xC6120205)
                    .putInt(0xC6120206);
        }
        return b.array();
    }
}
