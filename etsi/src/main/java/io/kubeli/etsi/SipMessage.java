package io.kubeli.etsi;

import java.util.Objects;

/** SIPMessage (TS 102 232-5): source and destination IPAddress and the SIP message bytes. */
public record SipMessage(IpAddress source, IpAddress destination, Octets sipContent) {
    public SipMessage {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(sipContent, "sipContent");
    }

    /** SIP content and addresses identify the target: not shown. */
    @Override
    public String toString() {
        return "SipMessage[<redacted>, " + sipContent.length() + " bytes]";
    }
}
