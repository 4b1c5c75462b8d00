package io.kubeli.mediator.lea;

import java.nio.file.Path;

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
        return new LeaOptions(
                hi2Port,
                hi3Port,
                tlsDir,
                dir,
                json,
                pcap,
                keepAliveResponses,
                readDelayMs,
                dropAfter,
                summaryFile,
                summaryIntervalSeconds);
    }

    public LeaOptions withPorts(int hi2, int hi3) {
        return new LeaOptions(
                hi2,
                hi3,
                tlsDir,
                recordDir,
                json,
                pcap,
                keepAliveResponses,
                readDelayMs,
                dropAfter,
                summaryFile,
                summaryIntervalSeconds);
    }

    public LeaOptions withTlsDir(Path dir) {
        return new LeaOptions(
                hi2Port,
                hi3Port,
                dir,
                recordDir,
                json,
                pcap,
                keepAliveResponses,
                readDelayMs,
                dropAfter,
                summaryFile,
                summaryIntervalSeconds);
    }

    public LeaOptions withKeepAliveResponses(boolean on) {
        return new LeaOptions(
                hi2Port,
                hi3Port,
                tlsDir,
                recordDir,
                json,
                pcap,
                on,
                readDelayMs,
                dropAfter,
                summaryFile,
                summaryIntervalSeconds);
    }

    public LeaOptions withReadDelayMs(int ms) {
        return new LeaOptions(
                hi2Port,
                hi3Port,
                tlsDir,
                recordDir,
                json,
                pcap,
                keepAliveResponses,
                ms,
                dropAfter,
                summaryFile,
                summaryIntervalSeconds);
    }

    public LeaOptions withDropAfter(long n) {
        return new LeaOptions(
                hi2Port,
                hi3Port,
                tlsDir,
                recordDir,
                json,
                pcap,
                keepAliveResponses,
                readDelayMs,
                n,
                summaryFile,
                summaryIntervalSeconds);
    }

    public LeaOptions withPcap(Path file) {
        return new LeaOptions(
                hi2Port,
                hi3Port,
                tlsDir,
                recordDir,
                json,
                file,
                keepAliveResponses,
                readDelayMs,
                dropAfter,
                summaryFile,
                summaryIntervalSeconds);
    }

    public LeaOptions withJson(boolean on) {
        return new LeaOptions(
                hi2Port,
                hi3Port,
                tlsDir,
                recordDir,
                on,
                pcap,
                keepAliveResponses,
                readDelayMs,
                dropAfter,
                summaryFile,
                summaryIntervalSeconds);
    }

    public LeaOptions withSummaryFile(Path f) {
        return new LeaOptions(
                hi2Port,
                hi3Port,
                tlsDir,
                recordDir,
                json,
                pcap,
                keepAliveResponses,
                readDelayMs,
                dropAfter,
                f,
                summaryIntervalSeconds);
    }
}
