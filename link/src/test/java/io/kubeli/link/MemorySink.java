package io.kubeli.link;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** Test sink that survives server restarts (stands in for durable storage) and fails on any duplicate or reordering. */
final class MemorySink implements RecordSink {
    final Map<String, List<LinkRecord>> records = new HashMap<>();
    final Map<String, Long> highest = new HashMap<>();
    final AtomicBoolean full = new AtomicBoolean();
    final List<String> violations = new ArrayList<>();
    volatile Runnable afterStore;

    @Override
    public synchronized long highestStored(String collectorId) {
        return highest.getOrDefault(collectorId, -1L);
    }

    @Override
    public void store(String collectorId, long firstLinkSeq, List<LinkRecord> batch) throws BackPressureException {
        if (full.get()) {
            throw new BackPressureException("test sink full");
        }
        synchronized (this) {
            long h = highest.getOrDefault(collectorId, -1L);
            if (firstLinkSeq <= h) {
                violations.add("duplicate link seq " + firstLinkSeq + " <= " + h);
            }
            List<LinkRecord> l = records.computeIfAbsent(collectorId, k -> new ArrayList<>());
            for (LinkRecord r : batch) {
                if (!l.isEmpty() && r.sequence() != l.getLast().sequence() + 1) {
                    violations.add(
                            "order: " + r.sequence() + " after " + l.getLast().sequence());
                }
                l.add(r);
            }
            highest.put(collectorId, firstLinkSeq + batch.size() - 1);
        }
        Runnable a = afterStore;
        if (a != null) {
            a.run();
        }
    }

    synchronized int count(String collectorId) {
        return records.getOrDefault(collectorId, List.of()).size();
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }
}
