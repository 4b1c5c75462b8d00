package io.kubeli.mediator.lea;

import java.util.List;

/** What the LEA receiver saw: per LIID/CIN/stream counts, gaps and duplicates, plus connection-level counters. */
public record Summary(
        List<Stream> streams,
        long hi2Records,
        long hi3Records,
        long hi2Bytes,
        long hi3Bytes,
        long keepAlives,
        long keepAliveResponsesSent,
        long connections,
        long malformedConnections,
        long otherPdus,
        long incompletePdusAtDisconnect) {

    /** One sequence space; {@code missing} counts sequence numbers absent between the first and highest seen. */
    public record Stream(
            String liid,
            long cin,
            String stream,
            long received,
            long unique,
            long duplicates,
            long outOfOrder,
            long missing,
            List<long[]> gaps,
            long firstSeq,
            long highestSeq) {
        static Stream of(LeaReceiver.StreamKey k, SequenceTracker.Snapshot s) {
            return new Stream(
                    k.liid(),
                    k.cin(),
                    k.stream(),
                    s.received(),
                    s.unique(),
                    s.duplicates(),
                    s.outOfOrder(),
                    s.missing(),
                    s.gaps(),
                    s.firstSeq(),
                    s.highestSeq());
        }
    }

    /** Sum of unique records over all streams. */
    public long uniqueRecords() {
        return streams.stream().mapToLong(Stream::unique).sum();
    }

    /** Sum of duplicates over all streams. */
    public long duplicates() {
        return streams.stream().mapToLong(Stream::duplicates).sum();
    }

    /** Sum of missing sequence numbers over all streams. */
    public long missing() {
        return streams.stream().mapToLong(Stream::missing).sum();
    }

    /** A log line without identities: totals only. */
    public String oneLine() {
        return "lea-receiver: streams=" + streams.size() + " hi2Records=" + hi2Records + " hi3Records=" + hi3Records
                + " unique=" + uniqueRecords()
                + " duplicates=" + duplicates() + " missing=" + missing() + " keepAlives=" + keepAlives
                + " connections=" + connections
                + " malformedConnections=" + malformedConnections;
    }

    /** The summary as a JSON document. */
    public String toJson() {
        StringBuilder sb = new StringBuilder(256)
                .append("{\n  \"hi2Records\": ")
                .append(hi2Records)
                .append(",\n  \"hi3Records\": ")
                .append(hi3Records)
                .append(",\n  \"hi2Bytes\": ")
                .append(hi2Bytes)
                .append(",\n  \"hi3Bytes\": ")
                .append(hi3Bytes)
                .append(",\n  \"keepAlives\": ")
                .append(keepAlives)
                .append(",\n  \"keepAliveResponsesSent\": ")
                .append(keepAliveResponsesSent)
                .append(",\n  \"connections\": ")
                .append(connections)
                .append(",\n  \"malformedConnections\": ")
                .append(malformedConnections)
                .append(",\n  \"otherPdus\": ")
                .append(otherPdus)
                .append(",\n  \"incompletePdusAtDisconnect\": ")
                .append(incompletePdusAtDisconnect)
                .append(",\n  \"uniqueRecords\": ")
                .append(uniqueRecords())
                .append(",\n  \"duplicates\": ")
                .append(duplicates())
                .append(",\n  \"missing\": ")
                .append(missing())
                .append(",\n  \"streams\": [");
        for (int i = 0; i < streams.size(); i++) {
            Stream s = streams.get(i);
            sb.append(i == 0 ? "\n" : ",\n")
                    .append("    {\"liid\": \"")
                    .append(esc(s.liid()))
                    .append("\", \"cin\": ")
                    .append(s.cin())
                    .append(", \"stream\": \"")
                    .append(s.stream())
                    .append("\", \"received\": ")
                    .append(s.received())
                    .append(", \"unique\": ")
                    .append(s.unique())
                    .append(", \"duplicates\": ")
                    .append(s.duplicates())
                    .append(", \"outOfOrder\": ")
                    .append(s.outOfOrder())
                    .append(", \"missing\": ")
                    .append(s.missing())
                    .append(", \"firstSeq\": ")
                    .append(s.firstSeq())
                    .append(", \"highestSeq\": ")
                    .append(s.highestSeq())
                    .append(", \"gaps\": [");
            for (int g = 0; g < s.gaps().size(); g++) {
                long[] r = s.gaps().get(g);
                sb.append(g == 0 ? "" : ", ")
                        .append('[')
                        .append(r[0])
                        .append(", ")
                        .append(r[1])
                        .append(']');
            }
            sb.append("]}");
        }
        return sb.append(streams.isEmpty() ? "]\n}\n" : "\n  ]\n}\n").toString();
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }
}
