package io.kubeli.system.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.etsi.CcContents;
import io.kubeli.etsi.CcPayload;
import io.kubeli.etsi.DecodeLimits;
import io.kubeli.etsi.IriPayload;
import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PduStreamSplitter;
import io.kubeli.etsi.PsPdu;
import io.kubeli.etsi.PsPduDecoder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a user would check after a demo run, independent of the product code: capture parsed here, output decoded. */
final class DemoChecks {
    /** The checkout (tests run in system/). */
    static final Path HOME = DemoMain.home();

    static final Path CAPTURE = HOME.resolve("system/demo/traffic.pcap");
    static final int TARGET_PACKETS = 446;

    private DemoChecks() {}

    /** Stdout, stderr and exit status of one {@link DemoMain#run} call. */
    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = DemoMain.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * The target packets of the bundled capture per CIN of the example Intercept (1: 198.18.10.7, 2: 2001:db8:10::7,
     * 3: 198.18.20.0/28), as IP packets (link-layer headers and Ethernet padding removed), in capture order.
     */
    static Map<Long, List<byte[]>> targetPackets(Path pcap) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap));
        int magic = b.getInt(0);
        b.order(magic == 0xa1b2c3d4 || magic == 0xa1b23c4d ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        assertTrue(b.getInt(0) == 0xa1b2c3d4 || b.getInt(0) == 0xa1b23c4d, "classic pcap");
        Map<Long, List<byte[]>> out = new TreeMap<>();
        int pos = 24;
        while (pos + 16 <= b.limit()) {
            int capLen = b.getInt(pos + 8);
            byte[] frame = Arrays.copyOfRange(b.array(), pos + 16, pos + 16 + capLen);
            pos += 16 + capLen;
            int off = 12;
            int type = u16(frame, off);
            while (type == 0x8100 || type == 0x88a8) {
                off += 4;
                type = u16(frame, off);
            }
            off += 2;
            byte[] ip;
            long cin;
            if (type == 0x0800) {
                ip = Arrays.copyOfRange(frame, off, off + u16(frame, off + 2));
                cin = Math.max(cin4(ip, 12), cin4(ip, 16));
            } else if (type == 0x86dd) {
                ip = Arrays.copyOfRange(frame, off, off + 40 + u16(frame, off + 4));
                cin = Math.max(cin6(ip, 8), cin6(ip, 24));
            } else {
                continue;
            }
            if (cin > 0) {
                out.computeIfAbsent(cin, k -> new ArrayList<>()).add(ip);
            }
        }
        return out;
    }

    private static long cin4(byte[] ip, int at) {
        int a = ((ip[at] & 0xff) << 24)
                | ((ip[at + 1] & 0xff) << 16)
                | ((ip[at + 2] & 0xff) << 8)
                | (ip[at + 3] & 0xff);
        if (a == 0xC6120A07) {
            return 1;
        }
        return (a & 0xFFFFFFF0) == 0xC6121400 ? 3 : 0;
    }

    private static long cin6(byte[] ip, int at) {
        byte[] target = HexFormat.of().parseHex("20010db8001000000000000000000007");
        return Arrays.equals(ip, at, at + 16, target, 0, 16) ? 2 : 0;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    /** The PDUs of a raw HI stream, decoded (keep-alives included). */
    static List<PsPdu> decode(Path file) throws Exception {
        List<byte[]> raw = new ArrayList<>();
        PduStreamSplitter s = PduStreamSplitter.copying(DecodeLimits.DEFAULT, raw::add);
        s.feed(Files.readAllBytes(file));
        s.finish();
        List<PsPdu> pdus = new ArrayList<>();
        for (byte[] r : raw) {
            pdus.add(PsPduDecoder.DEFAULT.decode(r));
        }
        return pdus;
    }

    /**
     * Asserts what a user would notice in an output directory: exactly the capture's target packets as CC (byte for
     * byte, per CIN in capture order, sequence numbers 0..n-1), IRI-Begin and IRI-End per CIN, and the other files.
     */
    static void assertOutput(Path out, Map<Long, List<byte[]>> expected) throws Exception {
        Map<Long, List<byte[]>> cc = new TreeMap<>();
        for (PsPdu p : decode(out.resolve("hi3.ber"))) {
            if (!(p.payload() instanceof Payload.Cc c)) {
                continue; // keep-alives
            }
            assertEquals("DEMO-0001", new String(p.header().liid().toByteArray(), StandardCharsets.US_ASCII));
            List<byte[]> list = cc.computeIfAbsent(p.header().cin(), k -> new ArrayList<>());
            assertEquals(list.size(), p.header().sequenceNumber(), "CC sequence numbers contiguous from 0 per CIN");
            for (CcPayload cp : c.payloads()) {
                list.add(((CcContents.Ipcc) cp.contents()).packet().toByteArray());
            }
        }
        assertEquals(expected.keySet(), cc.keySet(), "CINs with CC");
        int total = 0;
        for (var e : expected.entrySet()) {
            List<byte[]> got = cc.get(e.getKey());
            assertEquals(e.getValue().size(), got.size(), "CC records of CIN " + e.getKey());
            for (int i = 0; i < got.size(); i++) {
                assertTrue(
                        Arrays.equals(e.getValue().get(i), got.get(i)),
                        "CIN " + e.getKey() + " CC " + i + " byte-exact");
            }
            total += got.size();
        }
        assertEquals(TARGET_PACKETS, total);

        Map<Long, List<IriType>> iri = new TreeMap<>();
        for (PsPdu p : decode(out.resolve("hi2.ber"))) {
            if (p.payload() instanceof Payload.Iri i) {
                for (IriPayload ip : i.payloads()) {
                    iri.computeIfAbsent(p.header().cin(), k -> new ArrayList<>())
                            .add(ip.iriType());
                }
            }
        }
        assertEquals(expected.keySet(), iri.keySet(), "IRI per CIN");
        iri.forEach(
                (cin, types) -> assertEquals(List.of(IriType.IRI_BEGIN, IriType.IRI_END), types, "IRI of CIN " + cin));

        assertEquals(TARGET_PACKETS, pcapRecords(out.resolve("cc.pcap")), "cc.pcap holds every CC payload");
        long jsonLines = Files.readAllLines(out.resolve("records.json")).stream()
                .filter(l -> l.startsWith("{"))
                .count();
        assertTrue(jsonLines >= TARGET_PACKETS + 6, "records.json has a line per PDU");
        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"missing\": 0,") && summary.contains("\"duplicates\": 0,"), summary);
    }

    /** Packets in a classic pcap file. */
    static int pcapRecords(Path pcap) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap));
        b.order(
                b.getInt(0) == 0xa1b2c3d4 || b.getInt(0) == 0xa1b23c4d
                        ? ByteOrder.BIG_ENDIAN
                        : ByteOrder.LITTLE_ENDIAN);
        int n = 0;
        for (int pos = 24; pos + 16 <= b.limit(); pos += 16 + b.getInt(pos + 8)) {
            n++;
        }
        return n;
    }

    /** Target identities never appear in what the demo prints. */
    static void assertNoTargets(String text) {
        for (String t : List.of("198.18.10.7", "2001:db8:10::7", "198.18.20.")) {
            assertFalse(text.contains(t), "a target address was printed");
        }
    }
}
