package io.kubeli.etsi;

/** Receives complete PDUs from a {@link PduStreamSplitter}; the bytes are valid only during the call. */
@FunctionalInterface
public interface PduSink {
    /**
     * @param buf          holds the PDU at {@code [off, off+len)}
     * @param streamOffset offset of the PDU's first byte in the stream
     */
    void pdu(byte[] buf, int off, int len, long streamOffset);
}
