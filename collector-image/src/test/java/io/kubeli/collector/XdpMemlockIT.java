package io.kubeli.collector;

import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.VethPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: what an {@code xdp:} capture container needs for its UMEM. Under a container runtime's low memlock limit
 * (64 KiB here, via prlimit) the collector without CAP_IPC_LOCK cannot register its UMEM and says so in one line
 * naming the fix; with IPC_LOCK (what the operator grants the xdp: container) the same limit does not matter.
 */
class XdpMemlockIT {
    private static VethPair veth;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() {
        String why = io.kubeli.capture.bypass.XdpProvider.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "skipped: " + why);
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/prlimit")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "skipped: prlimit/setpriv (util-linux) not installed");
        String[] reason = new String[1];
        veth = VethPair.tryCreate(reason, "kxml", 21);
        Assumptions.assumeTrue(veth != null, () -> "skipped: " + reason[0]);
    }

    @AfterAll
    static void tearDown() {
        if (veth != null) {
            veth.close();
        }
    }

    private Process collector(boolean ipcLock, Path log) throws Exception {
        Files.createDirectories(tmp.resolve("i"));
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/prlimit", "--memlock=65536:65536"));
        if (!ipcLock) {
            cmd.addAll(List.of("/usr/bin/setpriv", "--inh-caps=-ipc_lock", "--bounding-set=-ipc_lock"));
        }
        cmd.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                CollectorMain.class.getName(),
                "--source",
                "xdp:" + veth.captureIf + "?mode=skb",
                "--intercepts",
                tmp.resolve("i").toString(),
                "--output",
                "file:" + tmp.resolve("out.ber")));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    @Test
    void withoutIpcLockALowMemlockLimitRefusesTheUmemWithOneLineNamingTheFix() throws Exception {
        Path log = tmp.resolve("nocap.log");
        Process p = collector(false, log);
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ends by itself");
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        assertEquals(1, p.exitValue(), out);
        assertTrue(
                out.lines()
                        .anyMatch(l -> l.startsWith("kubeli collector: cannot start: ") && l.contains("UMEM")
                                || l.startsWith("kubeli collector: cannot start: ") && l.contains("umem")),
                out);
        assertTrue(out.contains("IPC_LOCK"), "the message names the capability the operator grants:\n" + out);
    }

    @Test
    void withIpcLockTheSameLimitDoesNotMatter() throws Exception {
        Path log = tmp.resolve("cap.log");
        Process p = collector(true, log);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (p.isAlive()
                    && System.nanoTime() < deadline
                    && !Files.readString(log).contains("capturing from")) {
                Thread.sleep(100);
            }
            assertTrue(p.isAlive(), () -> "running:\n" + read(log));
            p.toHandle().destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        String out = read(log);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("uncounted-drop-sources=0"), out);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "";
        }
    }
}
