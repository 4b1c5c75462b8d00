package io.kubeli.capture;

/**
 * Snapshot of a source's counters since start. Drops are kept by place: {@code socketDrops} in the
 * capture socket/ring (PACKET_STATISTICS, pcap_stats), {@code interfaceDrops} by the NIC/driver
 * (/sys rx_dropped + rx_missed_errors + rx_fifo_errors, delta), {@code backlogDrops} in the per-CPU
 * softnet backlog (/proc/net/softnet_stat column 2, all CPUs, machine-wide, delta).
 *
 * @param packets        packets delivered to consumers
 * @param bytes          wire bytes of delivered packets
 * @param socketDrops    packets the kernel dropped at the capture socket (ring full)
 * @param interfaceDrops interface receive drops since start (0 where not applicable, e.g. files)
 * @param backlogDrops   softnet backlog drops since start (0 where not applicable)
 * @param truncated      delivered packets with capturedLength &lt; wireLength (snaplen)
 * @param errors         consumer exceptions, malformed records and receive errors
 */
public record CaptureStats(
        long packets,
        long bytes,
        long socketDrops,
        long interfaceDrops,
        long backlogDrops,
        long truncated,
        long errors) {
    /** All zero. */
    public static final CaptureStats ZERO = new CaptureStats(0, 0, 0, 0, 0, 0, 0);

    /** Sum of the drops in all three places. */
    public long drops() {
        return socketDrops + interfaceDrops + backlogDrops;
    }
}
