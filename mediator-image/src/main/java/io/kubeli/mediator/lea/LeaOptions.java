package io.kubeli.mediator.lea;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Options of the test LEA receiver.
 *
 * @param hi2Port HI2 (IRI) listen port, 0 = ephemeral
 * @param hi3Port HI3 (CC) listen port, 0 = ephemeral
 * @param tlsDir directory with tls.crt/tls.key (PEM) or keystore.p12 for TLS; null = plain TCP
 * @param recordDir write the raw streams exactly as received to hi2.ber / hi3.ber there (appending)
 * @param json print one JSON object per PDU to stdout
 * @param pcap write IPCC/IPMMCC payloads to this pcap file (LINKTYPE_RAW)
 * @param keepAliveResponses answer keep-alives (false = misbehave for tests)
 * @param readDelayMs sleep this long after every read of at most 1 KiB (a slow agency); 0 = full speed
 * @param dropAfter drop the connection once after this many records on an HI; 0 = never
 * @param summaryFile write the summary as JSON here (periodically and on stop)
 * @param summaryIntervalSeconds how often the summary is logged / written
 */
public record LeaOptions(
        int hi2Port,
        int hi3Port,
        Path tlsDir,
        Path recordDir,
        boolean json,
        Path pcap,
        boolean keepAliveResponses,
        int readDelayMs,
        long dropAfter,
        Path summaryFile,
        int summaryIntervalSeconds) {
    public LeaOptions {
        if (hi2Port < 0 || hi2Port > 65535 || hi3Port < 0 || hi3Port > 65535)
            throw new IllegalArgumentException("ports must be 0..65535");
        if (readDelayMs < 0) throw new IllegalArgumentException("--read-delay-ms must be >= 0");
        if (dropAfter < 0) throw new IllegalArgumentException("--drop-after must be >= 0");
        if (summaryIntervalSeconds < 1) throw new IllegalArgumentException("summary interval must be >= 1 s");
    }

    /** Plain receiver on ephemeral ports answering keep-alives: the usual start for tests. */
    public static LeaOptions defaults() {
        return new LeaOptions(0, 0, null, null, false, null, true, 0, 0, null, 10);
    }

    public LeaOptions withRecordDir(Path dir) {
        return copy(c -> c.recordDir = dir);
    }

    public LeaOptions withPorts(int hi2, int hi3) {
        return copy(c -> {
            c.hi2Port = hi2;
            c.hi3Port = hi3;
        });
    }

    public LeaOptions withTlsDir(Path dir) {
        return copy(c -> c.tlsDir = dir);
    }

    public LeaOptions withKeepAliveResponses(boolean on) {
        return copy(c -> c.keepAliveResponses = on);
    }

    public LeaOptions withReadDelayMs(int ms) {
        return copy(c -> c.readDelayMs = ms);
    }

    public LeaOptions withDropAfter(long n) {
        return copy(c -> c.dropAfter = n);
    }

    public LeaOptions withPcap(Path file) {
        return copy(c -> c.pcap = file);
    }

    public LeaOptions withJson(boolean on) {
        return copy(c -> c.json = on);
    }

    public LeaOptions withSummaryFile(Path f) {
        return copy(c -> c.summaryFile = f);
    }

    /** One copy path for every wither: the changed components, then the record's validation once. */
    private LeaOptions copy(Consumer<Components> change) {
        Components c = new Components(this);
        change.accept(c);
        return new LeaOptions(
                c.hi2Port,
                c.hi3Port,
                c.tlsDir,
                c.recordDir,
                c.json,
                c.pcap,
                c.keepAliveResponses,
                c.readDelayMs,
                c.dropAfter,
                c.summaryFile,
                summaryIntervalSeconds);
    }

    /** The components a wither may change, as mutable fields, for {@link #copy}. */
    private static final class Components {
        int hi2Port;
        int hi3Port;
        Path tlsDir;
        Path recordDir;
        boolean json;
        Path pcap;
        boolean keepAliveResponses;
        int readDelayMs;
        long dropAfter;
        Path summaryFile;

        Components(LeaOptions r) {
            hi2Port = r.hi2Port;
            hi3Port = r.hi3Port;
            tlsDir = r.tlsDir;
            recordDir = r.recordDir;
            json = r.json;
            pcap = r.pcap;
            keepAliveResponses = r.keepAliveResponses;
            readDelayMs = r.readDelayMs;
            dropAfter = r.dropAfter;
            summaryFile = r.summaryFile;
        }
    }
}
