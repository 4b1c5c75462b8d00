package io.kubeli.collector.radius;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The session table on disk (it holds user names and addresses: 0600 in a 0700 directory), written whole to a
 * temporary file and renamed, so a crash leaves the previous or the new table, never a torn one. Version 2 ("KRA2")
 * adds per session the Intercept streams that announced it ({@link Session#announced}); version 1 ("KRA1", no such
 * list) is still read.
 */
public final class SessionStore {
    private static final int MAGIC_V1 = 0x4B524131; // "KRA1"
    private static final int MAGIC = 0x4B524132; // "KRA2"
    private static final int MAX_FIELD = 4096;

    private final Path file;

    public SessionStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Writes every session of {@code t} (caller holds the tracker's lock). */
    public void save(RadiusTracker t) throws IOException {
        write(snapshot(t));
    }

    /** The table as bytes (caller holds the tracker's lock; CPU only, so the lock is held briefly). */
    public byte[] snapshot(RadiusTracker t) {
        int size = 8;
        for (Session x : t.sessions()) {
            size += FIXED + 6 + x.key.b.length + len(x.user) + len(x.callingStationId) + 2;
            if (x.announced != null) {
                for (String k : x.announced.keySet()) {
                    size += 2 + utf8(k).length + 16;
                }
            }
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(size);
        b.putInt(MAGIC).putInt(t.size());
        for (Session x : t.sessions()) {
            put(b, x.key.b);
            put(b, x.user);
            put(b, x.callingStationId);
            b.put((byte) (x.hasNasIp4 ? 1 : 0))
                    .putInt(x.nasIp4)
                    .put((byte) (x.hasNasIp6 ? 1 : 0))
                    .putLong(x.nasIp6Hi)
                    .putLong(x.nasIp6Lo)
                    .put((byte) (x.has4 ? 1 : 0))
                    .putInt(x.ip4)
                    .put((byte) x.v6Len)
                    .putLong(x.v6Hi)
                    .putLong(x.v6Lo)
                    .put((byte) x.delegatedLen)
                    .putLong(x.delegatedHi)
                    .putLong(x.delegatedLo)
                    .putLong(x.startNanos)
                    .putLong(x.lastNanos)
                    .putLong(x.inOctets)
                    .putLong(x.outOctets)
                    .putLong(x.inPackets)
                    .putLong(x.outPackets);
            b.putShort((short) (x.announced == null ? 0 : x.announced.size()));
            if (x.announced != null) {
                for (var e : x.announced.entrySet()) {
                    put(b, utf8(e.getKey()));
                    b.putLong(e.getValue()[0]).putLong(e.getValue()[1]);
                }
            }
        }
        return b.array();
    }

    /** Octets of a session's fixed-size fields (flags, addresses, times, counters). */
    private static final int FIXED = 1 + 4 + 1 + 8 + 8 + 1 + 4 + 1 + 8 + 8 + 1 + 8 + 8 + 6 * 8;

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static int len(byte[] b) {
        return b == null ? 0 : b.length;
    }

    private static void put(java.nio.ByteBuffer b, byte[] v) {
        if (v == null) {
            b.putShort((short) 0xFFFF);
        } else {
            b.putShort((short) v.length).put(v);
        }
    }

    /** Writes a snapshot durably and atomically (no lock needed). */
    public void write(byte[] snapshot) throws IOException {
        io.kubeli.link.PrivateFiles.createDirectories(
                file.toAbsolutePath().getParent()); // 0700; shared (sticky) refused
        io.kubeli.link.PrivateFiles.replace(file, snapshot);
    }

    /** Restores the saved sessions into {@code t}; returns how many (0 when there is no file). */
    public int load(RadiusTracker t) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (InputStream is = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
            int magic = in.readInt();
            if (magic != MAGIC && magic != MAGIC_V1) {
                throw new IOException("not a RADIUS session file (or of a newer version)");
            }
            int n = in.readInt();
            if (n < 0) {
                throw new IOException("bad session count");
            }
            int restored = 0;
            for (int i = 0; i < n; i++) {
                byte[] key = bytes(in);
                if (key == null) {
                    throw new IOException("session without key");
                }
                Session s = new Session(new Session.Key(key));
                s.user = bytes(in);
                s.callingStationId = bytes(in);
                s.hasNasIp4 = in.readBoolean();
                s.nasIp4 = in.readInt();
                s.hasNasIp6 = in.readBoolean();
                s.nasIp6Hi = in.readLong();
                s.nasIp6Lo = in.readLong();
                s.has4 = in.readBoolean();
                s.ip4 = in.readInt();
                s.v6Len = in.readUnsignedByte();
                s.v6Hi = in.readLong();
                s.v6Lo = in.readLong();
                s.delegatedLen = in.readUnsignedByte();
                s.delegatedHi = in.readLong();
                s.delegatedLo = in.readLong();
                s.startNanos = in.readLong();
                s.lastNanos = in.readLong();
                s.inOctets = in.readLong();
                s.outOctets = in.readLong();
                s.inPackets = in.readLong();
                s.outPackets = in.readLong();
                if (s.v6Len > 128 || s.delegatedLen > 128) {
                    throw new IOException("bad prefix length");
                }
                if (magic == MAGIC) {
                    int m = in.readUnsignedShort();
                    if (m > Session.MAX_ANNOUNCED) {
                        throw new IOException("too many announced streams in a session");
                    }
                    for (int j = 0; j < m; j++) {
                        byte[] k = bytes(in);
                        if (k == null) {
                            throw new IOException("announced stream without name");
                        }
                        long begin = in.readLong();
                        long end = in.readLong();
                        if (begin < -1 || end < -1) {
                            throw new IOException("bad announced sequence number");
                        }
                        String name = new String(k, java.nio.charset.StandardCharsets.UTF_8);
                        if (begin >= 0) {
                            s.announce(name, true, begin);
                        }
                        if (end >= 0) {
                            s.announce(name, false, end);
                        }
                        if (s.announced != null && s.announced.containsKey(name)) {
                            s.announced.get(name)[2] = 1; // from the previous process: consulted once at binding
                        }
                    }
                }
                s.restored = true;
                if (t.size() < t.limits().maxSessions()) {
                    t.restore(s);
                    restored++;
                }
            }
            return restored;
        } catch (EOFException e) {
            throw new IOException("truncated session file");
        }
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        if (n == 0xFFFF) {
            return null;
        }
        if (n > MAX_FIELD) {
            throw new IOException("field too long");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
