package io.kubeli.capture.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.capture.CaptureSource;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build without the shim (no libdpdk-dev): the module's classes loaded in isolation without the native
 * library report "DPDK is not available in this build" from dpdk: while the process's real EAL is untouched.
 */
class DpdkUnavailableTest {
    @TempDir
    Path dir;

    @Test
    void dpdkWithoutShimSaysNotAvailable() throws Exception {
        Path classes = Path.of(DpdkProvider.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Path copy = dir.resolve("classes");
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path p : files.toList()) {
                Path to = copy.resolve(classes.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else if (!p.getFileName().toString().endsWith(".so")) {
                    Files.copy(p, to);
                }
            }
        }
        URL capture = CaptureSource.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader isolated =
                new URLClassLoader(new URL[] {copy.toUri().toURL(), capture}, ClassLoader.getPlatformClassLoader())) {
            Class<?> sources = isolated.loadClass("io.kubeli.capture.CaptureSources");
            Class<?> opts = isolated.loadClass("io.kubeli.capture.CaptureOptions");
            var open = sources.getMethod("open", String.class, opts);
            InvocationTargetException e =
                    assertThrows(InvocationTargetException.class, () -> open.invoke(null, "dpdk:vdev=net_null0", null));
            Throwable cause = e.getCause();
            assertEquals(
                    "io.kubeli.capture.bypass.DpdkUnavailableException",
                    cause.getClass().getName());
            assertTrue(cause.getMessage().startsWith("DPDK is not available in this build"), cause.getMessage());
            // the other schemes still work in that build
            var schemes = sources.getMethod("schemes").invoke(null).toString();
            assertTrue(schemes.contains("xdp") && schemes.contains("afpacket"), schemes);
        }
    }
}
