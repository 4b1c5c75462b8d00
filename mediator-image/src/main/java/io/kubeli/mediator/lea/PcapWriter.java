package io.kubeli.mediator.lea;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/** Writes raw IP packets to a classic pcap file (LINKTYPE_RAW = 101, microsecond timestamps). */
final class PcapWriter {
    private static final Logger LOG = Logger.getLogger(PcapWriter.class.getName());
    private final OutputStream out;
    private final ByteBuffer hdr = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    private boolean failed;

    PcapWriter(Path file) throws IOException {
        out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        ByteBuffer g = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        g.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(101);
        out.write(g.array());
    }

    synchronized void write(long timeMicros, byte[] b, int off, int len) {
        if (failed) return;
        try {
            hdr.clear();
            hdr.putInt((int) (timeMicros / 1_000_000L)).putInt((int) (timeMicros % 1_000_000L)).putInt(len).putInt(len);
            out.write(hdr.array());
            out.write(b, off, len);
        } catch (IOException e) {
            failed = true;
            LOG.warning("pcap writing stopped: " + e.getMessage());
        }
    }

    synchronized void flush() {
        try { out.flush(); } catch (IOException e) { LOG.warning("pcap flush failed: " + e.getMessage()); }
    }

    synchronized void close() {
        try { out.close(); } catch (IOException e) { LOG.warning("pcap close failed: " + e.getMessage()); }
    }
}
