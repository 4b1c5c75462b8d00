package io.kubeli.collector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * Which IRI streams of static targets announced an IRI-Begin that no IRI-End followed, with the Begin's sequence
 * number (file 0600, replaced atomically and forced on every Begin or End: rare events). After a crash a stream
 * whose Begin left the previous process (the link's sequence journal resumes after it) continues silently: an agency
 * never sees two Begins on one CIN. A Begin that died in memory is sent again, with the number it had.
 */
final class BegunStreams {
    private static final Logger LOG = Logger.getLogger(BegunStreams.class.getName());
    private final Path file;
    private final Map<String, Long> open = new HashMap<>();
    private boolean dirty;

    BegunStreams(Path file) {
        this.file = file;
        if (!Files.exists(file)) {
            return;
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
            for (String k : p.stringPropertyNames()) {
                open.put(k, Long.parseLong(p.getProperty(k)));
            }
        } catch (IOException | IllegalArgumentException e) {
            open.clear(); // unreadable: Begins are sent again, as before this state existed
            LOG.warning("IRI stream state not restored (" + e.getClass().getSimpleName() + "): streams begin again");
        }
    }

    static String id(KeyState k, Object prefix) {
        return k.interceptName() + '\u0000' + k.liid() + '\u0000' + k.cin() + '\u0000' + prefix;
    }

    /** Whether the stream's Begin (number b) left the previous process (the journal resumes after b) and no End followed. */
    boolean continues(String id, long nextIriSeq) {
        Long b = open.get(id);
        return b != null && nextIriSeq > b;
    }

    void begun(String id, long seq) {
        open.put(id, seq);
        dirty = true;
    }

    void ended(String id) {
        dirty |= open.remove(id) != null;
    }

    /** Writes the state if it changed; an error is logged and retried at the next call. */
    void save() {
        if (!dirty) {
            return;
        }
        try {
            Properties p = new Properties();
            open.forEach((k, v) -> p.setProperty(k, Long.toString(v)));
            io.kubeli.link.PrivateFiles.createDirectories(file.toAbsolutePath().getParent());
            io.kubeli.link.PrivateFiles.replace(file, out -> p.store(out, null));
            dirty = false;
        } catch (IOException e) {
            LOG.warning("IRI stream state not saved (retried): " + e.getMessage());
        }
    }

    Map<String, Long> snapshot() {
        return Map.copyOf(open);
    }
}
