package io.kubeli.link;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.zip.CRC32;

/**
 * The link client's write-ahead record of which ETSI sequence numbers may have left this process: per stream
 * (intercept, LIID, CIN, CC|IRI) the highest sequence number that was written to the mediator link or to the spool,
 * the highest link sequence so covered, and the highest link sequence ever written to a socket. It is written
 * before records leave memory, so after a crash (SIGKILL) every ETSI number the mediator may hold is covered:
 * numbering continues right after it, numbers of records that died in memory are reused (no fake gap), and the
 * records covered but neither stored nor spooled are counted as lost. Two alternating files with a generation and a
 * CRC: a torn write leaves the previous state readable. A process crash keeps what write() returned; a power loss
 * keeps what the last {@link #sync} forced.
 */
final class SequenceJournal {
    private static final Logger LOG = Logger.getLogger(SequenceJournal.class.getName());
    private static final int MAGIC = 0x4B4C534A; // "KLSJ"

    /** One ETSI numbering stream. */
    record StreamKey(String interceptName, String liid, long cin, StreamType stream) {
        static StreamKey of(LinkRecord r) {
            return new StreamKey(r.interceptName(), r.liid(), r.cin(), r.stream());
        }
    }

    private final Path[] files;
    private final FileChannel[] channels = new FileChannel[2]; // kept open: written before every batch
    private final Map<StreamKey, long[]> highest = new HashMap<>();
    private long generation;
    private long coveredLink = -1;
    private long firstLink = -1;
    private long sentLink = -1;
    private boolean dirty;
    private StreamKey lastKey;
    private long[] lastValue;

    private SequenceJournal(Path dir) {
        this.files = new Path[] {dir.resolve("etsi-seq.a"), dir.resolve("etsi-seq.b")};
    }

    /** Loads the newest valid state of {@code dir} (empty when none). */
    static SequenceJournal open(Path dir) throws IOException {
        SequenceJournal j = new SequenceJournal(dir);
        long best = -1;
        for (Path f : j.files) {
            if (!Files.exists(f)) {
                continue;
            }
            SequenceJournal read = new SequenceJournal(dir);
            if (!read.readFrom(Files.readAllBytes(f))) {
                LOG.warning("sequence journal " + f.getFileName() + " is torn or corrupt; using the other copy");
            } else if (read.generation > best) {
                best = read.generation;
                j.highest.clear();
                j.highest.putAll(read.highest);
                j.generation = read.generation;
                j.coveredLink = read.coveredLink;
                j.firstLink = read.firstLink;
                j.sentLink = read.sentLink;
            }
        }
        if (best < 0 && (Files.exists(j.files[0]) || Files.exists(j.files[1]))) {
            throw new IOException("sequence journal in " + dir + " unreadable; refusing to reuse ETSI sequence numbers"
                    + " (move the spool directory aside to start numbering from 0)");
        }
        return j;
    }

    /** The highest ETSI sequence number covered for this stream, or -1. */
    synchronized long highest(String interceptName, String liid, long cin, StreamType stream) {
        long[] v = highest.get(new StreamKey(interceptName, liid, cin, stream));
        return v == null ? -1 : v[0];
    }

    /** Highest link sequence whose record is covered, or -1. */
    synchronized long coveredLink() {
        return coveredLink;
    }

    /** Lowest link sequence ever covered (numbering is contiguous from it), or -1. */
    synchronized long firstLink() {
        return firstLink;
    }

    /** True when a state was loaded or written (numbering continues from it). */
    synchronized boolean hasState() {
        return generation > 0;
    }

    /** Highest link sequence ever written to a socket, or -1. */
    synchronized long sentLink() {
        return sentLink;
    }

    /** Records found at start may all have been sent by the previous run (acknowledgements for them are valid). */
    synchronized void assumeSent(long linkSeq) {
        sentLink = Math.max(sentLink, linkSeq);
    }

    /** Raises the state for records found durable at start (spool, saved queue): in memory only. */
    synchronized void merge(LinkRecord r, long linkSeq) {
        raise(r);
        coveredLink = Math.max(coveredLink, linkSeq);
        firstLink = firstLink < 0 ? linkSeq : Math.min(firstLink, linkSeq);
    }

    /**
     * Covers {@code records} (link sequences {@code firstLinkSeq..lastLinkSeq}; written to a socket when
     * {@code sent}) and persists before returning; throws when a new number cannot be persisted (the records must
     * then not leave memory). Records already covered (spooled ones being sent) only raise the sent mark, which is
     * written when possible: a full disk must not stop the spool from draining.
     */
    synchronized void cover(
            List<LinkRecord> records, int from, int to, long firstLinkSeq, long lastLinkSeq, boolean sent)
            throws IOException {
        for (int i = from; i < to; i++) {
            raise(records.get(i));
        }
        if (firstLink < 0 || firstLinkSeq < firstLink) {
            firstLink = firstLinkSeq;
            dirty = true;
        }
        if (lastLinkSeq > coveredLink) {
            coveredLink = lastLinkSeq;
            dirty = true;
        }
        boolean sentOnly = false;
        if (sent && lastLinkSeq > sentLink) {
            sentLink = lastLinkSeq;
            sentOnly = !dirty;
            dirty = true;
        }
        if (dirty) {
            try {
                write();
            } catch (IOException e) {
                if (!sentOnly) {
                    throw e;
                }
            }
        }
    }

    private void raise(LinkRecord r) {
        long[] v;
        StreamKey k = lastKey;
        if (k != null
                && k.cin() == r.cin()
                && k.stream() == r.stream()
                && k.liid().equals(r.liid())
                && k.interceptName().equals(r.interceptName())) {
            v = lastValue; // records of one stream come in runs: no key object per record
        } else {
            k = StreamKey.of(r);
            v = highest.get(k);
            if (v == null) {
                v = new long[] {r.sequence()};
                highest.put(k, v);
                dirty = true;
            }
            lastKey = k;
            lastValue = v;
        }
        if (r.sequence() > v[0]) {
            v[0] = r.sequence();
            dirty = true;
        }
    }

    /** Forces both copies to disk (clean shutdown). */
    synchronized void sync() throws IOException {
        write();
        for (FileChannel ch : channels) {
            if (ch != null) {
                ch.force(true);
            }
        }
    }

    /** Releases the files. */
    synchronized void close() {
        for (int i = 0; i < channels.length; i++) {
            if (channels[i] != null) {
                try {
                    channels[i].close();
                } catch (IOException e) {
                    // closing anyway
                }
                channels[i] = null;
            }
        }
    }

    private void write() throws IOException {
        int size = 4 + 8 + 8 + 8 + 8 + 4 + 4;
        for (StreamKey k : highest.keySet()) {
            size += 4 + utf8(k.interceptName()).length + utf8(k.liid()).length + 8 + 1 + 8;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        long gen = generation + 1;
        b.putInt(MAGIC)
                .putLong(gen)
                .putLong(firstLink)
                .putLong(coveredLink)
                .putLong(sentLink)
                .putInt(highest.size());
        for (Map.Entry<StreamKey, long[]> e : highest.entrySet()) {
            byte[] n = utf8(e.getKey().interceptName());
            byte[] l = utf8(e.getKey().liid());
            b.putShort((short) n.length)
                    .put(n)
                    .putShort((short) l.length)
                    .put(l)
                    .putLong(e.getKey().cin())
                    .put((byte) e.getKey().stream().ordinal())
                    .putLong(e.getValue()[0]);
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        b.flip();
        int i = (int) (gen & 1);
        FileChannel ch = channels[i];
        if (ch == null) {
            ch = FileChannel.open(files[i], StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            Spool.restrict(files[i]);
            channels[i] = ch;
        }
        while (b.hasRemaining()) {
            ch.write(b, b.position());
        }
        ch.truncate(size);
        generation = gen;
        dirty = false;
    }

    private boolean readFrom(byte[] data) {
        try {
            ByteBuffer b = ByteBuffer.wrap(data);
            if (data.length < 44 || b.getInt() != MAGIC) {
                return false;
            }
            CRC32 crc = new CRC32();
            crc.update(data, 0, data.length - 4);
            if ((int) crc.getValue()
                    != ByteBuffer.wrap(data, data.length - 4, 4).getInt()) {
                return false;
            }
            generation = b.getLong();
            firstLink = b.getLong();
            coveredLink = b.getLong();
            sentLink = b.getLong();
            int n = b.getInt();
            for (int i = 0; i < n; i++) {
                String name = str(b);
                String liid = str(b);
                long cin = b.getLong();
                StreamType st = StreamType.values()[b.get()];
                highest.put(new StreamKey(name, liid, cin, st), new long[] {b.getLong()});
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String str(ByteBuffer b) {
        byte[] s = new byte[b.getShort() & 0xFFFF];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
