package io.kubeli.collector.radius;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The session table on disk (it holds user names and addresses: 0600 in a 0700 directory), written whole to a
 * temporary file and renamed, so a crash leaves the previous or the new table, never a torn one.
 */
public final class SessionStore {
    private static final int MAGIC = 0x4B524131; // "KRA1"
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
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream os = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(t.size());
            for (Session s : t.sessions()) {
                bytes(out, s.key.b);
                bytes(out, s.user);
                bytes(out, s.callingStationId);
                out.writeBoolean(s.hasNasIp4);
                out.writeInt(s.nasIp4);
                out.writeBoolean(s.hasNasIp6);
                out.writeLong(s.nasIp6Hi);
                out.writeLong(s.nasIp6Lo);
                out.writeBoolean(s.has4);
                out.writeInt(s.ip4);
                out.writeByte(s.v6Len);
                out.writeLong(s.v6Hi);
                out.writeLong(s.v6Lo);
                out.writeByte(s.delegatedLen);
                out.writeLong(s.delegatedHi);
                out.writeLong(s.delegatedLo);
                out.writeLong(s.startNanos);
                out.writeLong(s.lastNanos);
                out.writeLong(s.inOctets);
                out.writeLong(s.outOctets);
                out.writeLong(s.inPackets);
                out.writeLong(s.outPackets);
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Restores the saved sessions into {@code t}; returns how many (0 when there is no file). */
    public int load(RadiusTracker t) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (InputStream is = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a RADIUS session file");
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

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeShort(0xFFFF);
            return;
        }
        out.writeShort(b.length);
        out.write(b);
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
