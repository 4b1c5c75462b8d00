package io.kubeli.collector.sip;

import java.util.ArrayList;
import java.util.List;

/** One parsed SIP message (reused by its parser): start line, the headers that matter here, body bounds. */
public final class SipMessage {
    public boolean request;
    /** Request method, or null for a response. */
    public String method;
    /** Response status code, 0 for a request. */
    public int status;

    public String requestUri;
    public String from;
    public String to;
    public String callId;
    public String fromTag;
    public String toTag;
    public long cseq;
    public String cseqMethod;
    public String contentType;
    /** P-Asserted-Identity and Remote-Party-ID values (several allowed). */
    public final List<String> asserted = new ArrayList<>(2);
    /** Offset and length of the whole message (start line to end of body) in the parsed buffer. */
    public int start;

    public int length;
    public int bodyOffset;
    public int bodyLength;
    public int headers;

    void clear() {
        request = false;
        method = requestUri = from = to = callId = fromTag = toTag = cseqMethod = contentType = null;
        status = 0;
        cseq = -1;
        asserted.clear();
        start = length = bodyOffset = bodyLength = headers = 0;
    }

    /** True when the body is SDP. */
    public boolean hasSdp() {
        return bodyLength > 0 && contentType != null && contentType.regionMatches(true, 0, "application/sdp", 0, 15);
    }
}
