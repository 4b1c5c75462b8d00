package io.kubeli.mediator;

import io.kubeli.mediator.pdu.PduStreamReader;
import io.kubeli.mediator.pdu.PduView;
import java.io.ByteArrayInputStream;
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
        PduStreamReader r = new PduStreamReader(new ByteArrayInputStream(Files.readAllBytes(ber)), 1 << 20);
        while (r.readOnce(null, (b, o, l) -> {
            PduView v = PduView.parse(b, o, l);
            if (v.kind() == PduView.Kind.CC || v.kind() == PduView.Kind.IRI) out.add(Arrays.copyOfRange(b, o, o + l));
        })) { }
        return out;
    }

    /** The records with later copies of the same LIID/CIN/stream/seq removed (what an agency de-duplicating by sequence number keeps). */
    public static List<byte[]> dedup(List<byte[]> recs) throws Exception {
        Set<String> seen = new HashSet<>();
        List<byte[]> out = new ArrayList<>();
        for (byte[] b : recs) {
            PduView v = PduView.parse(b, 0, b.length);
            if (seen.add(v.liid() + "/" + v.cin() + "/" + v.kind() + "/" + v.seq())) out.add(b);
        }
        return out;
    }

    /** Asserts two record lists are byte-identical, naming the first difference. */
    public static void assertSameRecords(List<byte[]> expected, List<byte[]> actual) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (!Arrays.equals(expected.get(i), actual.get(i))) throw new AssertionError("record " + i + " differs");
        }
        if (expected.size() != actual.size()) throw new AssertionError("expected " + expected.size() + " records, got " + actual.size());
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
