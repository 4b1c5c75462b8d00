package io.kubeli.mediator;

import io.kubeli.etsi.DecodeLimits;
import io.kubeli.etsi.PduInspector;
import io.kubeli.etsi.PduInspector.PayloadKind;
import io.kubeli.etsi.PduStreamSplitter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** Test helpers: read a recorded handover stream, de-duplicate it by LIID/CIN/stream/seq, wait for conditions. */
public final class Streams {
    private Streams() {}

    /** Every CC/IRI PDU in a recorded .ber file, in arrival order (keep-alives skipped). */
    public static List<byte[]> records(Path ber) throws Exception {
        List<byte[]> out = new ArrayList<>();
        if (!Files.exists(ber)) return out;
        PduInspector v = new PduInspector();
        new PduStreamSplitter(DecodeLimits.DEFAULT, v, (b, o, l, at) -> {
                    if (v.kind() == PayloadKind.CC || v.kind() == PayloadKind.IRI)
                        out.add(Arrays.copyOfRange(b, o, o + l));
                })
                .feed(Files.readAllBytes(ber));
        return out;
    }

    /**
     * Reads a socket's PDUs (each as inspected) until {@code enough} holds for what arrived, the stream ends, or a
     * read times out (the socket's SO_TIMEOUT).
     */
    public static List<PduInspector.Summary> readUntil(
            java.io.InputStream in, java.util.function.Predicate<List<PduInspector.Summary>> enough) throws Exception {
        List<PduInspector.Summary> got = new ArrayList<>();
        PduInspector v = new PduInspector();
        PduStreamSplitter split = new PduStreamSplitter(DecodeLimits.DEFAULT, v, (b, o, l, at) -> got.add(v.summary()));
        byte[] buf = new byte[16 * 1024];
        for (int n; !enough.test(got) && (n = in.read(buf)) > 0; ) split.feed(buf, 0, n);
        return got;
    }

    /** The records with later copies of the same LIID/CIN/stream/seq removed (what an agency de-duplicating by sequence number keeps). */
    public static List<byte[]> dedup(List<byte[]> recs) throws Exception {
        Set<String> seen = new HashSet<>();
        List<byte[]> out = new ArrayList<>();
        PduInspector v = new PduInspector();
        for (byte[] b : recs) {
            v.wrap(b, 0, b.length);
            if (seen.add(v.liid() + "/" + v.cin() + "/" + v.kind() + "/" + v.sequenceNumber())) out.add(b);
        }
        return out;
    }

    /** Asserts two record lists are byte-identical, naming the first difference. */
    public static void assertSameRecords(List<byte[]> expected, List<byte[]> actual) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (!Arrays.equals(expected.get(i), actual.get(i))) throw new AssertionError("record " + i + " differs");
        }
        if (expected.size() != actual.size())
            throw new AssertionError("expected " + expected.size() + " records, got " + actual.size());
    }

    /** Polls until the condition holds or the time is up (bounded); returns whether it held. */
    public static boolean await(long timeoutMs, BooleanSupplier cond) throws InterruptedException {
        long until = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < until) {
            if (cond.getAsBoolean()) return true;
            Thread.sleep(20);
        }
        return cond.getAsBoolean();
    }
}
