package io.kubeli.link;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Which mediator replica a collector instance links to: always the same one for the same instance id and replica
 * count, so that one replica's de-duplication state sees every record of that instance (exactly-once storage).
 */
public final class ReplicaPick {
    /** Placeholder in a mediator host name that is replaced by the chosen replica index. */
    public static final String PLACEHOLDER = "{replica}";

    private ReplicaPick() {}

    /** floorMod(CRC32(instanceId as UTF-8), replicas). */
    public static int of(String instanceId, int replicas) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1: " + replicas);
        }
        CRC32 crc = new CRC32();
        crc.update(instanceId.getBytes(StandardCharsets.UTF_8));
        return (int) Math.floorMod(crc.getValue(), (long) replicas);
    }

    /** The host of the chosen replica: {@code host} with {@link #PLACEHOLDER} replaced by its index. */
    public static String host(String host, String instanceId, int replicas) {
        return host.replace(PLACEHOLDER, Integer.toString(of(instanceId, replicas)));
    }
}
