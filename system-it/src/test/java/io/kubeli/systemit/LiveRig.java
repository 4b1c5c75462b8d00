package io.kubeli.systemit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.capture.LiveVeth;
import io.kubeli.capture.VethPair;
import io.kubeli.etsi.tool.DecodeTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The set-up shared by the system tests on live peers (RadiusSystemIT, SipSystemIT), registered as a class extension:
 * before the tests it skips them when the peers are missing, else makes a veth pair (namespace PREFIX-*,
 * 198.18.SUBNET.0/24); after them (or from a shutdown hook) it closes what the tests registered, removes the pair and
 * writes the run's figures to OUT/NAME-figures.txt.
 */
final class LiveRig implements BeforeAllCallback, AfterAllCallback {
    final String name;
    final Path root =
            Path.of(System.getProperty("kubeli.root", "..")).toAbsolutePath().normalize();
    final Path out =
            Path.of(System.getProperty("kubeli.systemit.out", "target")).toAbsolutePath();
    final Figures figures = new Figures();
    VethPair veth;
    private final LiveVeth net;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private boolean closed;

    /** {@code missing}: why the peers cannot run here, or null. */
    LiveRig(String name, Supplier<String> missing, String nsPrefix, int subnet) {
        this.name = name;
        this.net = new LiveVeth(nsPrefix, subnet, missing); // CI removes leftovers
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        net.beforeAll(context);
        veth = net.get();
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, name + "-cleanup"));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (veth != null) {
            close();
        }
    }

    /** Closed (latest first) when the rig closes. */
    <T extends AutoCloseable> T closeLater(T c) {
        synchronized (closing) {
            closing.add(c);
        }
        return c;
    }

    /** What {@code ./kubeli decode --check} says of the agency's recordings in {@code dir}: every PDU decodes. */
    void decodeCheck(Path dir, String label) {
        for (String f : List.of("hi2.ber", "hi3.ber")) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            int rc = DecodeTool.run(
                    new String[] {"--check", dir.resolve(f).toString()},
                    System.in,
                    new PrintStream(o, true, StandardCharsets.UTF_8),
                    new PrintStream(e, true, StandardCharsets.UTF_8));
            String said = o.toString(StandardCharsets.UTF_8).trim();
            assertEquals(0, rc, "kubeli decode --check " + f + ": " + said + " " + e.toString(StandardCharsets.UTF_8));
            assertTrue(said.endsWith(" 0 errors"), said);
            figures.put("decode --check " + label + f, said);
        }
    }

    /** Closes everything registered, removes the veth pair and writes the figures to OUT/NAME-figures.txt. */
    void close() {
        synchronized (closing) {
            if (closed) {
                return;
            }
            closed = true;
            for (AutoCloseable c : closing.reversed()) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println(name + " clean-up: " + e);
                }
            }
            closing.clear();
            net.afterAll(null);
        }
        try {
            figures.write(out.resolve(name + "-figures.txt"));
        } catch (java.io.IOException e) {
            System.err.println("figures: " + e);
        }
    }
}
