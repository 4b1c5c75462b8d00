package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS warm-up really handshakes and opens records with the link's own context (it must not skip silently). */
class TlsWarmUpTest {
    @TempDir
    Path tmp;

    @Test
    void warmUpOpensEveryRecordItSeals() throws Exception {
        TestCerts ca = new TestCerts("kubeli-test-ca");
        javax.net.ssl.SSLContext ctx =
                Tls.context(TlsConfig.fromDirectory(ca.issue(tmp.resolve("server"), "mediator")));
        assertEquals(40, Tls.warmUp(ctx, 40));
    }

    @Test
    void aContextThatCannotHandshakeOnlySkipsTheWarmUp() throws Exception {
        javax.net.ssl.SSLContext bare = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        bare.init(new javax.net.ssl.KeyManager[0], null, null); // no key: no handshake possible
        assertEquals(0, Tls.warmUp(bare, 40));
    }
}
