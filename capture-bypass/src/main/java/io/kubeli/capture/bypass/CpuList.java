package io.kubeli.capture.bypass;

import io.kubeli.capture.CaptureUriException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Linux CPU lists ("0-3,8,10-11"): parsing, formatting and the process's allowed CPUs. */
final class CpuList {
    private CpuList() {}

    /** Parses a CPU list; throws {@link CaptureUriException} on bad syntax. */
    static List<Integer> parse(String text) {
        TreeSet<Integer> cpus = new TreeSet<>();
        List<Integer> ordered = new ArrayList<>();
        for (String part : text.trim().split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                int dash = p.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
                int hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1).trim());
                if (lo < 0 || hi < lo || hi > 4095) {
                    throw new NumberFormatException();
                }
                for (int c = lo; c <= hi; c++) {
                    if (cpus.add(c)) {
                        ordered.add(c);
                    }
                }
            } catch (NumberFormatException e) {
                throw new CaptureUriException("bad CPU list '" + text + "' (expected e.g. 2-5,8)");
            }
        }
        if (ordered.isEmpty()) {
            throw new CaptureUriException("empty CPU list '" + text + "'");
        }
        return ordered;
    }

    /** Formats CPUs as a comma list for EAL ("(0,1,4)" style is built by the caller). */
    static String join(List<Integer> cpus) {
        StringBuilder sb = new StringBuilder();
        for (int c : cpus) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** CPUs this process may run on (Cpus_allowed_list of /proc/self/status), or 0..n-1 as fallback. */
    static List<Integer> allowed() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return parse(line.substring(line.indexOf(':') + 1));
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall back below
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            all.add(i);
        }
        return all;
    }
}
