package io.kubeli.mediator.ingest;

import io.kubeli.link.BackPressureException;
import io.kubeli.link.LinkRecord;
import io.kubeli.link.LinkServer;
import io.kubeli.link.LinkServerConfig;
import io.kubeli.link.RecordSink;
import io.kubeli.link.StreamType;
import io.kubeli.link.TlsConfig;
import io.kubeli.mediator.MediatorSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The collector link's server end (module link), storing through {@link Ingest}: acknowledged only once durable. */
public final class LinkIngress implements RecordSink, AutoCloseable {
    private final Ingest ingest;
    private LinkServer server;

    private LinkIngress(Ingest ingest) {
        this.ingest = ingest;
    }

    /** Starts listening on {@code s.listenPort()} with mutual TLS from {@code s.tlsDir()} or plain TCP with {@code s.plain()}. */
    public static LinkIngress start(MediatorSettings s, Ingest ingest) throws IOException {
        LinkIngress in = new LinkIngress(ingest);
        TlsConfig tls = s.plain() ? TlsConfig.none() : TlsConfig.fromDirectory(s.tlsDir());
        // merged store calls stay well below the buffer bound so a full-then-draining buffer accepts them again
        int perStore = (int) Math.max(64, Math.min(16384, s.bufferBytes() / 4 / 512));
        in.server = LinkServer.start(LinkServerConfig.of(s.listenPort(), tls).withMaxRecordsPerStore(perStore), in);
        return in;
    }

    /** The link server (its meters). */
    public LinkServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    public boolean listening() {
        return server != null;
    }

    @Override
    public long highestStored(String collectorId) {
        return ingest.highestStored(collectorId);
    }

    @Override
    public void store(String collectorId, long firstLinkSeq, List<LinkRecord> batch)
            throws IOException, BackPressureException {
        // '#' ids are the mediator's own sources (HI1 notifications): a peer must not move their de-duplication state
        if (collectorId.startsWith("#")) throw new IOException("collector id '" + collectorId + "' is reserved");
        List<IncomingRecord> recs = new ArrayList<>(batch.size());
        long seq = firstLinkSeq;
        String raw = null, name = null;
        for (LinkRecord r : batch) {
            if (!r.interceptName().equals(raw)) { // routing strings repeat: strip the namespace once per run
                raw = r.interceptName();
                name = interceptName(raw);
            }
            recs.add(new IncomingRecord(
                    collectorId, seq++, name, r.agency(), r.liid(), r.stream() == StreamType.CC, r.pdu()));
        }
        try {
            ingest.store(recs);
        } catch (BufferFullException e) {
            throw new BackPressureException("mediator buffer full");
        }
    }

    /** The link carries "namespace/name"; resources are looked up by name within the watched namespace. */
    static String interceptName(String s) {
        int slash = s.lastIndexOf('/');
        return slash < 0 ? s : s.substring(slash + 1);
    }

    @Override
    public void close() {
        if (server != null) {
            try {
                server.close();
            } catch (Exception e) {
                // closing anyway; unacknowledged batches are resent by the collectors
            }
        }
    }
}
