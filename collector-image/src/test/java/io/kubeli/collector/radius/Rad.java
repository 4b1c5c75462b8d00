package io.kubeli.collector.radius;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/** Builds RADIUS packets for tests (authenticators are zero: the collector never checks them). */
public final class Rad {
    private final ByteArrayOutputStream attrs = new ByteArrayOutputStream();
    private final int code;
    private final int id;

    private Rad(int code, int id) {
        this.code = code;
        this.id = id;
    }

    public static Rad of(int code, int id) {
        return new Rad(code, id);
    }

    /** Accounting-Request with Acct-Status-Type, User-Name, Acct-Session-Id, NAS-IP-Address. */
    public static Rad acct(int id, int status, String user, String sessionId, String nasIp) {
        Rad r = of(RadiusMessage.ACCOUNTING_REQUEST, id).integer(40, status);
        if (user != null) {
            r.string(1, user);
        }
        if (sessionId != null) {
            r.string(44, sessionId);
        }
        return nasIp == null ? r : r.ip(4, nasIp);
    }

    public Rad raw(int type, byte[] value) {
        attrs.write(type);
        attrs.write(value.length + 2);
        attrs.writeBytes(value);
        return this;
    }

    public Rad string(int type, String v) {
        return raw(type, v.getBytes(StandardCharsets.UTF_8));
    }

    public Rad integer(int type, long v) {
        return raw(type, new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    public Rad ip(int type, String addr) {
        try {
            return raw(type, InetAddress.getByName(addr).getAddress());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Framed-IPv6-Prefix (97) or Delegated-IPv6-Prefix (123). */
    public Rad prefix6(int type, String addr, int len) {
        try {
            byte[] a = InetAddress.getByName(addr).getAddress();
            byte[] v = new byte[2 + (len + 7) / 8];
            v[1] = (byte) len;
            System.arraycopy(a, 0, v, 2, v.length - 2);
            return raw(type, v);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public byte[] bytes() {
        byte[] a = attrs.toByteArray();
        byte[] p = new byte[20 + a.length];
        p[0] = (byte) code;
        p[1] = (byte) id;
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        System.arraycopy(a, 0, p, 20, a.length);
        return p;
    }
}
