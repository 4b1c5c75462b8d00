package io.kubeli.collector;

/**
 * One intercepted call as its media entries see it: the capture time of the call's last media packet (for the media
 * timeout). Its endpoints are keys of the {@link MediaTable}; each of the call's Intercept bindings has its own
 * {@link Leg} as the intercept object of its entries (one record per binding and packet).
 */
public final class SipMedia {
    /** Capture time of the last media packet matched (written racily by capture threads; read for the timeout). */
    volatile long lastMedia;

    /** The intercept object of one binding's media entries. */
    record Leg(SipMedia call) {
        @Override
        public boolean equals(Object o) {
            return this == o; // identity: two bindings of one call are two intercepts
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    @Override
    public String toString() {
        return "SipMedia"; // addresses identify the target: not shown
    }
}
