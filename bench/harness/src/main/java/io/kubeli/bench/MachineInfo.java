package io.kubeli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The machine a benchmark ran on: cores, CPU model, kernel, JDK, load average, time. */
public record MachineInfo(Instant time, int cores, String cpuModel, String kernel, String jdk, String loadAverage) {

    /** Reads the current state from /proc and the JVM. */
    public static MachineInfo now() {
        String model = "unknown";
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    model = l.substring(l.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // not Linux: keep "unknown"
        }
        String load = "unknown";
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            load = f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return new MachineInfo(
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                Runtime.getRuntime().availableProcessors(),
                model,
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
                load);
    }

    /** The same with another load average (e.g. read before a build or another benchmark ran). */
    public MachineInfo withLoadAverage(String load) {
        return new MachineInfo(time, cores, cpuModel, kernel, jdk, load);
    }
}
