package io.kubeli.mediator.pdu;

/** Bytes on a handover stream that are not a well-formed PS-PDU. */
public final class MalformedPduException extends Exception {
    public MalformedPduException(String message) {
        super(message);
    }
}
