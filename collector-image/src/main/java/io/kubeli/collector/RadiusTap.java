package io.kubeli.collector;

import io.kubeli.collector.radius.RadiusTracker;

/**
 * RADIUS tracking as the capture threads see it: UDP ports that carry RADIUS (either end), the tracker for counters,
 * and the manager that applies each packet.
 */
public record RadiusTap(boolean[] ports, RadiusTracker tracker, InterceptManager manager) {
    /** Ports from a list such as "1812,1813,1645,1646". */
    public static boolean[] ports(java.util.List<Integer> list) {
        boolean[] p = new boolean[65536];
        for (int x : list) {
            p[x] = true;
        }
        return p;
    }
}
