package io.kubeli.collector;

import io.kubeli.link.LinkClient;
import io.kubeli.link.LinkClientConfig;
import io.kubeli.link.LinkClientStats;
import io.kubeli.link.LinkRecord;
import io.kubeli.link.StreamType;
import io.kubeli.link.TlsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.logging.Logger;

/**
 * Streams records to a mediator through the link client: acknowledged, resumable, TLS where configured. When the
 * mediator is slow or down the client's bounded memory queue and then its disk spool absorb records; beyond the
 * spool, records are counted as lost ({@link SinkStats#lost()}), exported and shown in the summary.
 */
public final class MediatorSink implements PduSink {
    private static final Logger LOG = Logger.getLogger(MediatorSink.class.getName());

    private final LinkClient client;
    private volatile long lastAcked = -1;
    private volatile long lastAckChangeMillis = System.currentTimeMillis();

    private final Duration drain;

    /** The link client behind this sink (its meters). */
    LinkClient client() {
        return client;
    }

    private MediatorSink(LinkClient client, Duration drain) {
        this.client = client;
        this.drain = drain;
    }

    /** Opens the link client for {@code --output mediator:HOST:PORT}. */
    public static MediatorSink open(CollectorSettings config) {
        String[] hp = CollectorSettings.mediatorAddress(config.output());
        try {
            TlsConfig tls = TlsConfig.parse(config.tls());
            // one instance always links to one replica, whose de-duplication state sees all its records (C4)
            String host = io.kubeli.link.ReplicaPick.host(hp[0], config.instanceId(), config.mediatorReplicas());
            return open(
                    LinkClientConfig.of(host, Integer.parseInt(hp[1]), config.instanceId(), tls, config.spool()),
                    Duration.ofSeconds(config.drainSeconds()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the mediator link: " + e.getMessage(), e);
        }
    }

    /** Wraps a client started from this configuration (10 s drain on close). */
    public static MediatorSink open(LinkClientConfig cfg) throws IOException {
        return open(cfg, Duration.ofSeconds(10));
    }

    /** Wraps a client started from this configuration; close waits up to {@code drain} for acknowledgements. */
    public static MediatorSink open(LinkClientConfig cfg, Duration drain) throws IOException {
        // close() waits once, for --drain-seconds, then the client saves what is left at once (its own close
        // timeout would add a second wait beyond the pod's termination grace period)
        LinkClient c = LinkClient.start(cfg.withCloseTimeout(Duration.ZERO));
        LOG.info("mediator link to " + cfg.host() + ":" + cfg.port() + " as " + cfg.collectorId() + ", spool "
                + cfg.spoolDir());
        return new MediatorSink(c, drain);
    }

    @Override
    public void write(KeyState key, Stream stream, long seq, byte[] pdu, int off, int len) {
        client.offer(record(key, stream, seq, pdu, off, len)); // false = counted in lost
    }

    /** Collects one encoder's records and offers them to the link client under one lock per burst. */
    private final class LinkBatch implements Batch {
        private final LinkRecord[] records = new LinkRecord[256];
        private int size;

        @Override
        public void write(KeyState key, Stream stream, long seq, byte[] pdu, int off, int len) {
            records[size++] = record(key, stream, seq, pdu, off, len);
            if (size == records.length) {
                commit();
            }
        }

        @Override
        public void commit() {
            if (size > 0) {
                client.offerAll(records, size); // losses are counted by the client
                Arrays.fill(records, 0, size, null);
                size = 0;
            }
        }
    }

    @Override
    public Batch batch() {
        return new LinkBatch();
    }

    private static LinkRecord record(KeyState key, Stream stream, long seq, byte[] pdu, int off, int len) {
        byte[] copy = Arrays.copyOfRange(pdu, off, off + len); // the record owns its PDU
        return new LinkRecord(
                key.interceptName(),
                key.agency(),
                key.liid(),
                key.cin(),
                stream == Stream.CC ? StreamType.CC : StreamType.IRI,
                seq,
                copy);
    }

    /** Where a key's stream continues after a restart (the link client's journal; 0 for a new stream). */
    public long resumeSequence(KeyState key, Stream stream) {
        return client.resumeSequence(
                key.interceptName(), key.liid(), key.cin(), stream == Stream.CC ? StreamType.CC : StreamType.IRI);
    }

    /** The link client's configuration (host after the replica choice). */
    public LinkClientConfig linkConfig() {
        return client.config();
    }

    @Override
    public void flush() {
        // the client sends continuously (batch + linger); nothing to push here
    }

    @Override
    public SinkStats stats() {
        LinkClientStats s = client.stats();
        long now = System.currentTimeMillis();
        if (s.acked() != lastAcked) {
            lastAcked = s.acked();
            lastAckChangeMillis = now;
        }
        long unacked = s.offered() - s.lost() - s.acked();
        long lag = unacked > 0 ? now - lastAckChangeMillis : 0;
        // records lost in a previous run's crash count here too: they are the gaps the agency sees
        return new SinkStats(s.offered() - s.lost(), s.lost() + s.lostInCrash(), s.queueDepth(), s.spoolBytes(), lag);
    }

    @Override
    public boolean ready() {
        return true; // records spool while the mediator is away; readiness does not depend on the link
    }

    /** The link client's own statistics. */
    public LinkClientStats linkStats() {
        return client.stats();
    }

    @Override
    public void close() {
        try {
            if (!client.flush(drain)) {
                LOG.warning("mediator link: not every record was acknowledged within " + drain.toSeconds()
                        + " s of shutdown (kept in the spool, sent at the next start; see --drain-seconds)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            client.close();
        } catch (IOException e) {
            LOG.warning("mediator link close: " + e.getMessage());
        }
    }
}
