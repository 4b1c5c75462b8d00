package io.kubeli.collector;

import io.kubeli.etsi.Direction;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Bounded single-producer single-consumer ring of matched packets, from one capture thread to one encoder
 * thread. Slots are preallocated and reused; the packet bytes are copied into the slot's buffer (grown only
 * for a packet larger than any before). Publication uses release/acquire ordering, no locks.
 */
final class SpscRing {
    /** One matched packet waiting to be encoded (the buffer is only ever touched by the side owning the slot). */
    static final class Slot {
        TargetEntry entry;
        Direction direction;
        long timestampNanos;
        int length;
        byte[] data = EMPTY; // allocated on the slot's first use, grown only for a larger packet

        byte[] buffer(int len) {
            if (data.length < len) {
                data = new byte[Math.max(len, Math.max(2048, data.length * 2))];
            }
            return data;
        }
    }

    private static final byte[] EMPTY = new byte[0];
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(SpscRing.class, "head", long.class);
            TAIL = MethodHandles.lookup().findVarHandle(SpscRing.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Slot[] slots;
    private final int mask;
    /** The producer, blocked while the ring is full (woken by the consumer after it freed slots). */
    final Wakeup producer = new Wakeup();
    /** The consumer (its encoder), blocked while all its rings are empty (woken by producers after publishing). */
    final Wakeup consumer;

    @SuppressWarnings("unused")
    private long p0, p1, p2, p3, p4, p5, p6;
    private long head; // next slot the consumer reads (published by the consumer)
    private long tailCache; // consumer's view of tail
    @SuppressWarnings("unused")
    private long q0, q1, q2, q3, q4, q5, q6;
    private long tail; // next slot the producer writes (published by the producer)
    private long headCache; // producer's view of head
    @SuppressWarnings("unused")
    private long r0, r1, r2, r3, r4, r5, r6;

    SpscRing(int capacity) {
        this(capacity, new Wakeup());
    }

    SpscRing(int capacity, Wakeup consumer) {
        this.consumer = consumer;
        int c = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        slots = new Slot[c];
        for (int i = 0; i < c; i++) {
            slots[i] = new Slot();
        }
        mask = c - 1;
    }

    int capacity() {
        return slots.length;
    }

    /** Producer: the next free slot, or null when the ring is full. Fill it, then {@link #publish}. */
    Slot claim() {
        long t = tail;
        if (t - headCache >= slots.length) {
            headCache = (long) HEAD.getAcquire(this);
            if (t - headCache >= slots.length) {
                return null;
            }
        }
        return slots[(int) (t & mask)];
    }

    /** Producer: makes the claimed slot visible to the consumer. */
    void publish() {
        TAIL.setRelease(this, tail + 1);
    }

    /** Consumer: the oldest filled slot, or null when empty. Use it, then {@link #release}. */
    Slot peek() {
        long h = head;
        if (h >= tailCache) {
            tailCache = (long) TAIL.getAcquire(this);
            if (h >= tailCache) {
                return null;
            }
        }
        return slots[(int) (h & mask)];
    }

    /** Consumer: returns the peeked slot to the producer. */
    void release() {
        Slot s = slots[(int) (head & mask)];
        s.entry = null;
        HEAD.setRelease(this, head + 1);
    }

    /** Slots published so far (any thread). */
    long published() {
        return (long) TAIL.getAcquire(this);
    }

    /** Slots consumed so far (any thread). */
    long consumed() {
        return (long) HEAD.getAcquire(this);
    }

    /** Filled slots (approximate when read from a third thread). */
    int size() {
        return (int) Math.max(0, (long) TAIL.getAcquire(this) - (long) HEAD.getAcquire(this));
    }
}
