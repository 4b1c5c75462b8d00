package io.kubeli.system.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The committed capture is exactly what the generator produces with its seed, and holds the documented targets. */
class CaptureGeneratorTest {

    @Test
    void regeneratesTheBundledCaptureByteForByte() throws Exception {
        byte[] generated = new CaptureGenerator(CaptureGenerator.SEED).generate(600);
        assertArrayEquals(
                Files.readAllBytes(DemoChecks.CAPTURE),
                generated,
                "system/demo/traffic.pcap differs from the generator's output: regenerate it with CaptureGenerator");
    }

    @Test
    void bundledCaptureHas5838FramesAnd446TargetPackets() throws Exception {
        assertEquals(5838, DemoChecks.pcapRecords(DemoChecks.CAPTURE));
        Map<Long, List<byte[]>> t = DemoChecks.targetPackets(DemoChecks.CAPTURE);
        assertEquals(446, t.values().stream().mapToInt(List::size).sum());
        assertEquals(3, t.size(), "every CIN of the example Intercept has traffic");
    }
}
