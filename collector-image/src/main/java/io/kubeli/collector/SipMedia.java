package io.kubeli.collector;

/**
 * The target's media endpoints of one intercepted call, as the intercept object of its target-table entries: an
 * address lookup hit is confirmed by the UDP port here (other ports of the host are not the call's) and gives the
 * direction. Immutable but for {@link #lastMedia}; replaced as a whole when SDP moves the media.
 */
public final class SipMedia {
    final int[] version;
    final long[] hi;
    final long[] lo;
    final int[] port;
    final int[] rtcp;
    final boolean[] target;
    /** Capture time of the last media packet matched (written racily by capture threads; read for the timeout). */
    volatile long lastMedia;

    SipMedia(int n) {
        version = new int[n];
        hi = new long[n];
        lo = new long[n];
        port = new int[n];
        rtcp = new int[n];
        target = new boolean[n];
    }

    /** 1 when (address, port) is the target's endpoint, 2 when it is the other party's, 0 when not this call's. */
    int side(int ver, long h, long l, int p) {
        for (int i = 0; i < port.length; i++) {
            if (version[i] == ver && hi[i] == h && lo[i] == l && (port[i] == p || rtcp[i] == p)) {
                return target[i] ? 1 : 2;
            }
        }
        return 0;
    }

    int size() {
        return port.length;
    }

    @Override
    public String toString() {
        return "SipMedia[" + port.length + " endpoints]"; // addresses identify the target: not shown
    }
}
