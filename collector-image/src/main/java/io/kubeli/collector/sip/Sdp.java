package io.kubeli.collector.sip;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * SDP (RFC 4566) media endpoints: each m= line with its connection address (media-level c= over session-level),
 * RTP port and RTCP port ({@code a=rtcp:} RFC 3605, else port+1). Only literal IPv4/IPv6 addresses are used (never a
 * DNS lookup); port 0 (a declined stream) and unusable lines are skipped. At most {@link #MAX_MEDIA} streams.
 */
public final class Sdp {
    public static final int MAX_MEDIA = 16;

    /** One media endpoint: 4 or 16 address bytes, RTP and RTCP ports. */
    public record Endpoint(byte[] address, int port, int rtcpPort) {}

    private Sdp() {}

    /** The endpoints of an SDP body; an unparsable body gives an empty list. */
    public static List<Endpoint> parse(byte[] b, int off, int len) {
        String body = new String(b, off, len, StandardCharsets.ISO_8859_1);
        byte[] session = null;
        List<Endpoint> out = new ArrayList<>();
        int port = -1;
        byte[] media = null;
        int rtcp = -1;
        boolean inMedia = false;
        for (String raw : body.split("\r?\n|\r", 4096)) {
            String line = raw.trim();
            if (line.length() < 2 || line.charAt(1) != '=') {
                continue;
            }
            char k = line.charAt(0);
            String v = line.substring(2);
            if (k == 'm') {
                add(out, port, media != null ? media : session, rtcp);
                inMedia = true;
                media = null;
                rtcp = -1;
                port = mediaPort(v);
            } else if (k == 'c') {
                byte[] a = connection(v);
                if (inMedia) {
                    media = a;
                } else {
                    session = a;
                }
            } else if (k == 'a' && inMedia && v.startsWith("rtcp:")) {
                String r = v.substring(5).trim();
                int sp = r.indexOf(' ');
                rtcp = port(sp < 0 ? r : r.substring(0, sp));
                // a=rtcp:<port> IN IP4 <addr> names another address: used only if it is the media's own
            }
        }
        add(out, port, media != null ? media : session, rtcp);
        return out;
    }

    private static void add(List<Endpoint> out, int port, byte[] addr, int rtcp) {
        if (port <= 0 || addr == null || out.size() >= MAX_MEDIA) {
            return;
        }
        int rp = rtcp > 0 ? rtcp : port < 65535 ? port + 1 : -1;
        out.add(new Endpoint(addr, port, rp));
    }

    /** "audio 49170 RTP/AVP 0" (or "audio 49170/2 ..."): the port, or -1. */
    private static int mediaPort(String v) {
        String[] f = v.split(" ", 4);
        if (f.length < 3) {
            return -1;
        }
        String p = f[1];
        int slash = p.indexOf('/');
        return port(slash < 0 ? p : p.substring(0, slash));
    }

    private static int port(String s) {
        if (s.isEmpty() || s.length() > 5) {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + c - '0';
        }
        return n <= 65535 ? n : -1;
    }

    /** "IN IP4 192.0.2.1" / "IN IP6 2001:db8::1" (a multicast /ttl suffix dropped): the bytes, or null. */
    private static byte[] connection(String v) {
        String[] f = v.trim().split("\\s+");
        if (f.length != 3 || !f[0].equals("IN")) {
            return null;
        }
        String a = f[2];
        int slash = a.indexOf('/');
        if (slash >= 0) {
            a = a.substring(0, slash);
        }
        if (f[1].equals("IP4") && a.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            String[] o = a.split("\\.");
            byte[] r = new byte[4];
            for (int i = 0; i < 4; i++) {
                int x = Integer.parseInt(o[i]);
                if (x > 255) {
                    return null; // never handed to InetAddress: that would look the name up
                }
                r[i] = (byte) x;
            }
            return r;
        }
        if (f[1].equals("IP6") && a.indexOf(':') >= 0 && a.matches("[0-9A-Fa-f:.]{2,45}")) {
            return literal(a, 16);
        }
        return null;
    }

    private static byte[] literal(String a, int size) {
        try {
            byte[] b = InetAddress.getByName(a).getAddress(); // a literal: no lookup
            return b.length == size ? b : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
