package io.kubeli.capture;

import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.file.PcapWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one pcap writer: what it writes, the reader beside it reads back exactly (packets, lengths, times, link type). */
class PcapWriterTest {
    private static final long T0 = 1_764_000_000_123_456_789L;

    @TempDir
    Path dir;

    private Collected read(Path file) throws Exception {
        Collected c = new Collected();
        try (CaptureSource s = CaptureSources.open("pcapfile:" + file, CaptureOptions.defaults())) {
            s.start(c);
            assertTrue(s.awaitEnd(Duration.ofSeconds(30)), "file read did not end");
            assertEquals(0, s.stats().errors());
        }
        return c;
    }

    private void roundTrip(PcapWriter.Resolution res, int linkType, long unit) throws Exception {
        List<byte[]> frames = Frames.mix(200, 3);
        Path f = dir.resolve(res + "-" + linkType + ".pcap");
        try (PcapWriter w = PcapWriter.create(f, linkType, PcapWriter.MAX_SNAPLEN, res)) {
            for (int i = 0; i < frames.size(); i++) {
                byte[] padded = new byte[frames.get(i).length + 10]; // an offset into a larger buffer
                System.arraycopy(frames.get(i), 0, padded, 5, frames.get(i).length);
                w.write(T0 + i * 1_000_000_007L, padded, 5, frames.get(i).length);
            }
        }
        List<Collected.Pkt> got = new ArrayList<>(read(f).packets);
        assertEquals(frames.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            assertArrayEquals(frames.get(i), got.get(i).data(), "packet " + i);
            assertEquals(frames.get(i).length, got.get(i).wireLength());
            long ts = T0 + i * 1_000_000_007L;
            assertEquals(ts / unit * unit, got.get(i).tsNanos(), "timestamp of packet " + i);
            assertEquals(linkType, got.get(i).linkType());
        }
    }

    @Test
    void microsAndNanosReadBackExactly() throws Exception {
        roundTrip(PcapWriter.Resolution.MICROS, LinkTypes.ETHERNET, 1000);
        roundTrip(PcapWriter.Resolution.NANOS, LinkTypes.ETHERNET, 1);
    }

    @Test
    void rawIpFilesKeepTheirLinkType() throws Exception {
        Path f = dir.resolve("raw.pcap");
        byte[] ip = Arrays.copyOfRange(
                Frames.mix(1, 1).getFirst(), 14, Frames.mix(1, 1).getFirst().length);
        try (PcapWriter w = PcapWriter.create(f, LinkTypes.RAW, 65535, PcapWriter.Resolution.MICROS)) {
            w.write(T0, ip, 0, ip.length);
        }
        assertEquals(LinkTypes.RAW, read(f).packets.peek().linkType());
    }

    @Test
    void oversizedPacketsAreCutToTheSnapLengthWithTheirWireLengthKept() throws Exception {
        Path f = dir.resolve("snap.pcap");
        byte[] big = Frames.mix(1, 9).getFirst();
        try (PcapWriter w = PcapWriter.create(f, LinkTypes.ETHERNET, 40, PcapWriter.Resolution.MICROS)) {
            w.write(T0, big, 0, big.length);
        }
        Collected.Pkt p = read(f).packets.peek();
        assertArrayEquals(Arrays.copyOf(big, 40), p.data());
        assertEquals(big.length, p.wireLength());
        assertEquals(24 + 16 + 40, Files.size(f));
    }

    @Test
    void badSettingsAndLengthsAreRefused() {
        OutputStream sink = OutputStream.nullOutputStream();
        assertThrows(IllegalArgumentException.class, () -> new PcapWriter(sink, 1, 0, PcapWriter.Resolution.MICROS));
        assertThrows(
                IllegalArgumentException.class,
                () -> new PcapWriter(sink, 1, PcapWriter.MAX_SNAPLEN + 1, PcapWriter.Resolution.MICROS));
        assertThrows(
                IllegalArgumentException.class, () -> new PcapWriter(sink, 70_000, 100, PcapWriter.Resolution.MICROS));
        assertThrows(
                IllegalArgumentException.class,
                () -> new PcapWriter(sink, 1, 100, PcapWriter.Resolution.MICROS).write(T0, new byte[10], 0, 10, 5));
    }

    @Test
    void aFailingStreamIsReportedToTheCaller() throws Exception {
        OutputStream broken = new OutputStream() {
            int n;

            @Override
            public void write(int b) throws IOException {
                if (++n > 30) {
                    throw new IOException("disk full");
                }
            }
        };
        PcapWriter w = new PcapWriter(broken, 1, 100, PcapWriter.Resolution.MICROS);
        IOException e = assertThrows(IOException.class, () -> w.write(T0, new byte[60], 0, 60));
        assertEquals("disk full", e.getMessage());
    }
}
