package io.kubeli.capture;

/**
 * Options given by the caller; a value set in the URI query overrides the one here.
 *
 * @param filter      BPF filter text (tcpdump syntax), or null for none
 * @param threads     capture threads wanted, 0 = the source's default (URI {@code threads=})
 * @param snaplen     bytes kept per packet for live sources (default 262144)
 * @param bufferBytes kernel buffer / ring bytes per thread for live sources, 0 = source default
 * @param promisc     promiscuous mode for live sources (default true)
 */
public record CaptureOptions(String filter, int threads, int snaplen, long bufferBytes, boolean promisc) {
    /** Default snapshot length (as tcpdump). */
    public static final int DEFAULT_SNAPLEN = 262_144;

    public CaptureOptions {
        if (filter != null && filter.isBlank()) {
            filter = null;
        }
        if (threads < 0) {
            throw new CaptureUriException("threads must be >= 0, got " + threads);
        }
        if (snaplen <= 0) {
            throw new CaptureUriException("snaplen must be > 0, got " + snaplen);
        }
        if (bufferBytes < 0) {
            throw new CaptureUriException("bufferBytes must be >= 0, got " + bufferBytes);
        }
    }

    /** No filter, source default threads and buffer, snaplen 262144, promiscuous. */
    public static CaptureOptions defaults() {
        return new CaptureOptions(null, 0, DEFAULT_SNAPLEN, 0, true);
    }

    public CaptureOptions withFilter(String f) {
        return new CaptureOptions(f, threads, snaplen, bufferBytes, promisc);
    }

    public CaptureOptions withThreads(int n) {
        return new CaptureOptions(filter, n, snaplen, bufferBytes, promisc);
    }

    public CaptureOptions withSnaplen(int n) {
        return new CaptureOptions(filter, threads, n, bufferBytes, promisc);
    }

    public CaptureOptions withBufferBytes(long n) {
        return new CaptureOptions(filter, threads, snaplen, n, promisc);
    }

    public CaptureOptions withPromisc(boolean p) {
        return new CaptureOptions(filter, threads, snaplen, bufferBytes, p);
    }
}
