package io.kubeli.collector;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The messages logged under one logger (and its children) while a test runs: to check what a warning says, and that
 * no target identity appears in any line. Attached when made; {@link #close} detaches it.
 */
final class CapturedLogs extends Handler {
    private final StringBuilder text = new StringBuilder();
    private final Logger logger;

    CapturedLogs(String loggerName) {
        logger = Logger.getLogger(loggerName);
        logger.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord r) {
        text.append(r.getMessage()).append('\n');
    }

    /** Every message so far, one a line. */
    @Override
    public synchronized String toString() {
        return text.toString();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
