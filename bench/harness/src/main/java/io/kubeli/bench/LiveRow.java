package io.kubeli.bench;

/**
 * One row of {@code bench/live-capture}'s CSV: a capture method at one offered rate.
 *
 * @param method afpacket, pcap, dpdk, xdp, tcpdump, ...
 * @param level source (what the capture method saw) or collector (what the whole collector processed)
 * @param offeredPps rate the generator was asked for
 * @param sent packets the generator sent
 * @param captured packets captured
 * @param socketDrops drops in the socket / ring
 * @param interfaceDrops drops at the interface
 * @param backlogDrops drops in the kernel backlog
 * @param cpuNsPerPacket capture CPU per packet in ns, NaN when not measured
 */
public record LiveRow(
        String method,
        String level,
        double offeredPps,
        long sent,
        long captured,
        long socketDrops,
        long interfaceDrops,
        long backlogDrops,
        double cpuNsPerPacket) {

    /** captured / sent (NaN when nothing was sent). */
    public double captureRatio() {
        return sent <= 0 ? Double.NaN : (double) captured / sent;
    }

    /** Method and level as one series name, e.g. {@code afpacket (collector)}. */
    public String series() {
        return level.isEmpty() ? method : method + " (" + level + ")";
    }
}
