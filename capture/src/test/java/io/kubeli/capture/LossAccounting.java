package io.kubeli.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a live test may assert on a busy machine: nothing delivered that was not sent, every frame not delivered
 * is a counted drop (delivered + counted drops &gt;= sent), and exactly the sent frames when no drop was counted.
 */
public final class LossAccounting {
    private LossAccounting() {}

    /** Frames as a multiset of hex strings. */
    public static Map<String, Integer> multiset(List<byte[]> frames) {
        Map<String, Integer> m = new TreeMap<>();
        for (byte[] f : frames) {
            m.merge(HexFormat.of().formatHex(f), 1, Integer::sum);
        }
        return m;
    }

    /**
     * Asserts the accounting of one run and returns how many sent frames were missing ({@code <= drops}); with
     * {@code drops == 0} the delivered frames are exactly the sent ones.
     */
    public static int assertAccounted(String what, List<byte[]> sent, List<byte[]> delivered, long drops) {
        Map<String, Integer> left = new TreeMap<>(multiset(sent));
        List<String> extra = new ArrayList<>();
        for (byte[] f : delivered) {
            String k = HexFormat.of().formatHex(f);
            Integer n = left.get(k);
            if (n == null) {
                extra.add(k);
            } else if (n == 1) {
                left.remove(k);
            } else {
                left.put(k, n - 1);
            }
        }
        assertTrue(
                extra.isEmpty(),
                () -> what + ": " + extra.size() + " frames delivered that were not sent"
                        + " (or more often than sent), e.g. " + extra.getFirst());
        int missing = left.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(
                missing <= drops,
                () -> what + ": " + missing + " of " + sent.size() + " frames missing but only " + drops
                        + " drops counted (silent loss)");
        if (drops == 0) {
            assertEquals(sent.size(), delivered.size(), what + ": frame count with no drop counted");
        }
        return missing;
    }

    /** One line for the test log when a run counted drops (the retry reason). */
    public static void note(String what, int missing, long drops, int pps) {
        System.err.println(what + ": " + missing + " frames missing, " + drops + " drops counted at " + pps
                + " pps (busy machine?): retrying once at a lower rate");
    }
}
