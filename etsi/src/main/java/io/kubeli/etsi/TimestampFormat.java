package io.kubeli.etsi;

/** How the PSHeader carries the record time: timeStamp [5] GeneralizedTime (ms) or microSecondTimeStamp [7]. */
public enum TimestampFormat {
    /** {@code timeStamp [5]} GeneralizedTime, UTC, millisecond precision, DER (no trailing zeros). */
    GENERALIZED,
    /** {@code microSecondTimeStamp [7]}: seconds and microseconds since 1970. */
    MICROSECONDS
}
