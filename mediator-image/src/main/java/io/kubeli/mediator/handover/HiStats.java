package io.kubeli.mediator.handover;

import java.util.concurrent.atomic.AtomicLong;

/** Counters and state of one HI connection, read by metrics and status. */
public final class HiStats {
    /** Connection state as written to Agency status. */
    public enum State {
        Connecting,
        Connected,
        Disconnected,
        Stopped
    }

    public volatile State state = State.Disconnected;
    public volatile long lastKeepAliveRttMicros = -1;
    public volatile long confirmedIndex;
    public volatile String lastError = "";
    public final AtomicLong sent = new AtomicLong();
    public final AtomicLong delivered = new AtomicLong();
    public final AtomicLong resent = new AtomicLong();
    public final AtomicLong reconnects = new AtomicLong();
    public final AtomicLong keepAlivesSent = new AtomicLong();
    public final AtomicLong keepAliveTimeouts = new AtomicLong();
    public final AtomicLong keepAlivesAnswered = new AtomicLong();
    /** keep-aliveResponses that matched no outstanding keep-alive (duplicates, late or unsolicited): confirm nothing. */
    public final AtomicLong unexpectedKeepAliveResponses = new AtomicLong();

    public final AtomicLong malformedFromAgency = new AtomicLong();
}
