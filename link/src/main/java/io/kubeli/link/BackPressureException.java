package io.kubeli.link;

/** Thrown by a {@link RecordSink} that cannot store now (buffer full); nothing of the batch was stored. */
public class BackPressureException extends Exception {
    /** Creates the exception with a reason that is safe to log. */
    public BackPressureException(String reason) {
        super(reason, null, false, false);
    }
}
