package io.kubeli.collector;

/**
 * One intercepted call as its media entries see it: the capture time of the call's last media packet (for the media
 * timeout). Its endpoints are keys of the {@link MediaTable}; each of the call's Intercept bindings has its own
 * {@link Leg} as the intercept object of its entries (one record per binding and packet).
 */
public final class SipMedia {
    /** Capture time of the last media packet matched (written racily by capture threads; read for the timeout). */
    volatile long lastMedia;

    /** The intercept object of one binding's media entries (compared by identity: one record per binding). */
    static final class Leg {
        private final SipMedia call;

        Leg(SipMedia call) {
            this.call = call;
        }

        SipMedia call() {
            return call;
        }
    }

    @Override
    public String toString() {
        return "SipMedia"; // addresses identify the target: not shown
    }
}
