package io.kubeli.link;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The opening scan of a {@link SegmentLog} directory: retained segments, the last one checked record by record. A torn
 * or corrupt tail is copied to quarantine (counted, logged) and cut; without room for the copy it stays in place and
 * appends continue in a new segment. Nothing readable is ever dropped.
 */
final class SegmentRecovery {
    private static final Logger LOG = Logger.getLogger(SegmentRecovery.class.getName());

    /**
     * What the scan found.
     *
     * @param segments   retained segments in order; when {@code activeCh} is set the last one is the active segment
     * @param activeCh   open channel of the last segment to append to, or null: create a new segment at {@code nextIndex}
     * @param nextIndex  index of the next record
     * @param totalBytes bytes of all retained segments
     * @param truncated  bytes cut from the tail
     */
    record Result(
            List<SegmentLog.Segment> segments, FileChannel activeCh, long nextIndex, long totalBytes, long truncated) {}

    private SegmentRecovery() {}

    static Result scan(Path dir, int maxRecordBytes, Quarantine quarantine) throws IOException {
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = new ArrayList<>(s.filter(p -> p.getFileName().toString().matches("\\d{20}\\.seg"))
                    .sorted()
                    .toList());
        }
        List<SegmentLog.Segment> segs = new ArrayList<>();
        long total = 0;
        if (files.isEmpty()) {
            return new Result(segs, null, 0, 0, 0);
        }
        for (int i = 0; i < files.size() - 1; i++) {
            Path p = files.get(i);
            SegmentLog.Segment s = new SegmentLog.Segment(base(p), p, Files.size(p));
            segs.add(s);
            total += s.size;
        }
        Path last = files.getLast();
        String name = last.getFileName().toString();
        long base = base(last);
        FileChannel ch = PrivateFiles.open(last, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long size = ch.size();
            ByteBuffer h = ByteBuffer.allocate(SegmentLog.SEGMENT_HEADER);
            ch.read(h, 0);
            if (size < SegmentLog.SEGMENT_HEADER
                    || h.getInt(0) != SegmentLog.MAGIC
                    || h.getInt(4) != SegmentLog.FORMAT
                    || h.getLong(8) != base) {
                if (size > 0) {
                    quarantine.keep(ch, name, 0, size, "segment with a torn header");
                }
                ch.close();
                Files.delete(last);
                return new Result(segs, null, base, total, size);
            }
            RecordCursor rc = new RecordCursor(ch, SegmentLog.SEGMENT_HEADER, maxRecordBytes, 1 << 20);
            long count = 0;
            int r;
            while ((r = rc.next(size)) >= 0) {
                count++;
            }
            long truncated = 0;
            if (rc.pos < size) {
                // a torn last write (never acknowledged) or damage: either way kept aside, counted, then cut
                String why = (r == RecordCursor.CORRUPT ? "corrupt record" : "torn tail") + " after " + count
                        + " good records";
                try {
                    quarantine.keep(ch, name, rc.pos, size, why);
                } catch (IOException e) {
                    ch.close();
                    if (count == 0) {
                        quarantine.move(last, size, why + ", " + e.getMessage()); // a rename needs no space
                        return new Result(segs, null, base, total, 0);
                    }
                    LOG.severe("segment log " + dir.getFileName() + ": " + why + " in " + name + " left in place, "
                            + (size - rc.pos) + " bytes: " + e.getMessage());
                    segs.add(new SegmentLog.Segment(base, last, rc.pos)); // readers stop at rc.pos
                    return new Result(segs, null, base + count, total + size, 0);
                }
                truncated = size - rc.pos;
                ch.truncate(rc.pos);
                ch.force(true);
            }
            segs.add(new SegmentLog.Segment(base, last, rc.pos));
            return new Result(segs, ch, base + count, total + rc.pos, truncated);
        } catch (IOException | RuntimeException e) {
            if (ch.isOpen()) {
                ch.close();
            }
            throw e;
        }
    }

    private static long base(Path p) {
        return Long.parseLong(p.getFileName().toString().substring(0, 20));
    }
}
