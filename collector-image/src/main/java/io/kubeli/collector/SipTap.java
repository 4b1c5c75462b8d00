package io.kubeli.collector;

/** SIP tracking as the capture threads see it: the ports that carry SIP (either end, UDP and TCP) and the handler. */
public record SipTap(boolean[] ports, SipIntercepts calls, InterceptManager manager) {}
