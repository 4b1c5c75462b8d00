package io.kubeli.collector.radius;

/** What the tracker reports, under its lock, in capture order. */
public interface SessionListener {
    /** Why a session ended. */
    enum EndCause {
        STOP,
        NAS_RESTART,
        IDLE_TIMEOUT,
        EVICTED
    }

    /** An Access-Request, Access-Accept or Access-Reject (RadiusMessage codes 1..3) of this user. */
    default void access(byte[] user, int code, RadiusMessage m, long tsNanos) {}

    /**
     * A session started: {@code atStart} for an Accounting Start, false for the first Interim-Update of a session
     * not seen before (it was up before this collector saw it).
     */
    void started(Session s, boolean atStart, long tsNanos);

    /** Interim-Update of a known session; {@code addressChanged}: its addresses differ now (also when lost to another). */
    void updated(Session s, boolean addressChanged, boolean interim, long tsNanos);

    /** The session ended; it no longer holds any address. */
    void ended(Session s, EndCause cause, long tsNanos);
}
