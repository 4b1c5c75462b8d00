package io.kubeli.capture.file;

import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureProvider;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureUri;
import io.kubeli.capture.CaptureUriException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** {@code pcapfile:PATH?loop=N&batch=N} — classic pcap and pcapng files, memory-mapped. */
public final class PcapFileProvider implements CaptureProvider {
    private static final Set<String> OPTIONS = Set.of("loop", "batch", "threads");

    @Override
    public String scheme() {
        return "pcapfile";
    }

    @Override
    public CaptureSource open(CaptureUri uri, CaptureOptions options) {
        uri.requireKnown(OPTIONS);
        long loops = uri.sizeParam("loop", 1, 1, Long.MAX_VALUE);
        int batch = uri.intParam("batch", 256, 1, 1 << 20);
        uri.intParam("threads", 1, 1, 1024); // accepted and ignored: files are read by one thread
        Path path = Path.of(uri.target());
        if (!Files.isRegularFile(path)) {
            throw new CaptureUriException("pcapfile: no such file: " + path);
        }
        return new PcapFileSource(uri.redacted(), path, loops, batch);
    }
}
