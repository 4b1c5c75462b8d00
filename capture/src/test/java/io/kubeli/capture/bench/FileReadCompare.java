package io.kubeli.capture.bench;

import io.kubeli.capture.CaptureFiles;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureSources;
import io.kubeli.capture.Frames;
import io.kubeli.capture.PacketBatch;
import io.kubeli.capture.PacketConsumer;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Best-of-N comparison (robust on a shared, loaded machine) of pcapfile: against C libpcap's
 * pcap_next_ex on the same 64-byte and IMIX files. Args: [packets] [rounds].
 */
public final class FileReadCompare {
    private FileReadCompare() {}

    public static void main(String[] args) throws Throwable {
        int packets = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        for (String mix : List.of("64", "imix")) {
            Path f = Files.createTempFile("kcap-cmp", ".pcap");
            try {
                Files.write(f, file(packets, mix));
                double bestJava = 0;
                double bestC = 0;
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    long n = javaRead(f);
                    long t1 = System.nanoTime();
                    long m = LibpcapReader.read(f.toString());
                    long t2 = System.nanoTime();
                    bestJava = Math.max(bestJava, n * 1e3 / (t1 - t0));
                    bestC = Math.max(bestC, m * 1e3 / (t2 - t1));
                }
                System.out.printf(
                        "%-5s %,d packets (%d MB): pcapfile %.1f Mpps, libpcap pcap_next_ex %.1f Mpps (best of %d)%n",
                        mix, packets, Files.size(f) >> 20, bestJava, bestC, rounds);
            } finally {
                Files.deleteIfExists(f);
            }
        }
    }

    static byte[] file(int packets, String mix) {
        Random r = new Random(3);
        byte[][] protos = {
            java.util.Arrays.copyOf(Frames.frame(false, false, -1, 1, 2, 1000, 53, 18, 0), 64),
            java.util.Arrays.copyOf(Frames.frame(false, true, -1, 1, 2, 1000, 80, 540, 0), 594),
            java.util.Arrays.copyOf(Frames.frame(false, true, -1, 1, 2, 1000, 80, 1464, 0), 1518),
        };
        List<CaptureFiles.Rec> recs = new ArrayList<>(packets);
        for (int i = 0; i < packets; i++) {
            int k = mix.equals("64") ? 0 : r.nextInt(12);
            recs.add(new CaptureFiles.Rec(1_700_000_000_000_000_000L + i * 1000L, protos[k < 7 ? 0 : k < 11 ? 1 : 2]));
        }
        return CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, true, 1, recs);
    }

    static long javaRead(Path f) throws Exception {
        long[] acc = new long[2];
        try (CaptureSource s = CaptureSources.open("pcapfile:" + f + "?batch=512", null)) {
            s.start(i -> new PacketConsumer() {
                @Override
                public void onBatch(PacketBatch b) {
                    var seg = b.segment();
                    long x = 0;
                    for (int k = 0; k < b.size(); k++) {
                        x += seg.get(ValueLayout.JAVA_BYTE, b.offset(k) + 12);
                    }
                    acc[0] += x;
                    acc[1] += b.size();
                }
            });
            s.awaitEnd(Duration.ofMinutes(2));
        }
        return acc[1];
    }
}
