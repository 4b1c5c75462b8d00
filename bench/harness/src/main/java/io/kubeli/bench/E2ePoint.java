package io.kubeli.bench;

/**
 * Measurements of one end-to-end point (one link mode, one target share).
 *
 * @param link plain or mtls
 * @param sharePercent target share of the capture
 * @param packets frames in the capture
 * @param expectedCc target frames = CC records the agency must get
 * @param expectedIri IRI records the collector reported
 * @param ccUnique unique CC records at the agency
 * @param iriUnique unique IRI records at the agency
 * @param duplicates records the agency saw more than once
 * @param missing sequence numbers missing between first and highest per stream
 * @param collectorDrops drops the collector reported (all places)
 * @param readNanos collector read time, source start to end of file (collector log, else its metrics), -1 unknown
 * @param collectorStartEpochNanos when the collector process was started
 * @param firstRecordEpochNanos first CC record at the agency (IRI-Begin records come earlier, during collector start-up)
 * @param lastRecordEpochNanos last record at the agency
 * @param collectorCpuNanos collector CPU over its whole life
 * @param collectorBaseCpuNanos collector CPU of a run on an empty capture (JVM start-up, link set-up, shutdown)
 * @param mediatorCpuNanos mediator CPU from collector start to last record
 * @param leaCpuNanos agency CPU from collector start to last record
 * @param spoolPeakBytes highest collector link spool (disk) seen while it read: &gt; 0 = the link fell behind the reading
 * @param note what was unusual about the run (empty when nothing)
 * @param runs how many runs this point stands for (it is their median by records/s)
 * @param rateMin lowest records/s (first to last) of those runs
 * @param rateMax highest records/s (first to last) of those runs
 * @param extra agency kind, peak RSS per process, start-up times
 */
public record E2ePoint(
        String link,
        int sharePercent,
        long packets,
        long expectedCc,
        long expectedIri,
        long ccUnique,
        long iriUnique,
        long duplicates,
        long missing,
        long collectorDrops,
        long readNanos,
        long collectorStartEpochNanos,
        long firstRecordEpochNanos,
        long lastRecordEpochNanos,
        long collectorCpuNanos,
        long collectorBaseCpuNanos,
        long mediatorCpuNanos,
        long leaCpuNanos,
        long spoolPeakBytes,
        String note,
        int runs,
        double rateMin,
        double rateMax,
        Extra extra) {

    /**
     * What else a run measured.
     *
     * @param agency "sink" (minimal agency) or "lea" (the project's test LEA receiver)
     * @param collectorRss peak RSS of the collector (VmHWM), bytes; -1 unknown
     * @param mediatorRss peak RSS of the mediator, bytes; -1 unknown
     * @param agencyRss peak RSS of the agency process, bytes; -1 unknown
     * @param collectorStartupNanos collector process start to its source starting (JVM start-up, config, link set-up)
     * @param mediatorStartupNanos mediator process start to its link listening
     * @param collectorJitNanos CPU of the collector's JIT compiler threads over its life (warm-up)
     * @param collectorBaseJitNanos the same in the empty-capture run (part of the subtracted base)
     * @param mediatorJitNanos CPU of the mediator's JIT compiler threads while it was measured
     * @param collectorAnon peak anonymous RSS of the collector (RssAnon sampled every 50 ms: no mapped files), -1 unknown
     * @param mediatorAnon peak anonymous RSS of the mediator, -1 unknown
     * @param mediatorStartupCpuNanos mediator CPU from its start to its link listening
     */
    public record Extra(
            String agency,
            long collectorRss,
            long mediatorRss,
            long agencyRss,
            long collectorStartupNanos,
            long mediatorStartupNanos,
            long collectorJitNanos,
            long collectorBaseJitNanos,
            long mediatorJitNanos,
            long collectorAnon,
            long mediatorAnon,
            long mediatorStartupCpuNanos) {
        /** Nothing known (older raw data, tests). */
        public static final Extra NONE = new Extra("lea", -1, -1, -1, -1, -1, 0, 0, 0, -1, -1, -1);
    }

    /** This run as the representative of {@code runs} runs whose records/s spanned [min, max]. */
    public E2ePoint withRuns(int n, double min, double max) {
        return new E2ePoint(
                link,
                sharePercent,
                packets,
                expectedCc,
                expectedIri,
                ccUnique,
                iriUnique,
                duplicates,
                missing,
                collectorDrops,
                readNanos,
                collectorStartEpochNanos,
                firstRecordEpochNanos,
                lastRecordEpochNanos,
                collectorCpuNanos,
                collectorBaseCpuNanos,
                mediatorCpuNanos,
                leaCpuNanos,
                spoolPeakBytes,
                note,
                n,
                min,
                max,
                extra);
    }

    /** Collector + mediator CPU per delivered record in µs (KubeLI's own cost; the agency is not KubeLI). */
    public double kubeliMicrosPerRecord() {
        return collectorMicrosPerRecord() + mediatorMicrosPerRecord();
    }

    /** Collector CPU per record without JIT compilation (steady state: a long-running collector has compiled). */
    public double collectorSteadyMicrosPerRecord() {
        long jit = Math.max(0, extra.collectorJitNanos() - extra.collectorBaseJitNanos());
        return perRecord(Math.max(0, collectorCpuNanos - collectorBaseCpuNanos - jit));
    }

    /** Mediator CPU per record without JIT compilation. */
    public double mediatorSteadyMicrosPerRecord() {
        return perRecord(Math.max(0, mediatorCpuNanos - extra.mediatorJitNanos()));
    }

    /** Collector + mediator CPU per record without JIT compilation (steady state). */
    public double kubeliSteadyMicrosPerRecord() {
        return collectorSteadyMicrosPerRecord() + mediatorSteadyMicrosPerRecord();
    }

    /** Records delivered to the agency (unique CC + IRI). */
    public long delivered() {
        return ccUnique + iriUnique;
    }

    /** Expected records minus unique records received: must be 0. */
    public long loss() {
        return expectedCc + expectedIri - delivered();
    }

    /** Whether every expected record arrived with no sequence gap. */
    public boolean clean() {
        return loss() == 0 && missing == 0;
    }

    /** Records/s at the agency between its first and last record. */
    public double recordsPerSecondFirstToLast() {
        long span = lastRecordEpochNanos - firstRecordEpochNanos;
        return span <= 0 ? Double.NaN : (delivered() - 1) * 1e9 / span;
    }

    /** Records/s from collector process start to the last record at the agency (JVM start-up included). */
    public double recordsPerSecondOverall() {
        long span = lastRecordEpochNanos - collectorStartEpochNanos;
        return span <= 0 ? Double.NaN : delivered() * 1e9 / span;
    }

    /** Packets/s the collector read from the capture. */
    public double packetsPerSecondRead() {
        return readNanos <= 0 ? Double.NaN : packets * 1e9 / readNanos;
    }

    /** Collector CPU per delivered record, start-up (base run) subtracted, in µs. */
    public double collectorMicrosPerRecord() {
        return perRecord(Math.max(0, collectorCpuNanos - collectorBaseCpuNanos));
    }

    public double mediatorMicrosPerRecord() {
        return perRecord(mediatorCpuNanos);
    }

    public double leaMicrosPerRecord() {
        return perRecord(leaCpuNanos);
    }

    public double totalMicrosPerRecord() {
        return collectorMicrosPerRecord() + mediatorMicrosPerRecord() + leaMicrosPerRecord();
    }

    private double perRecord(long nanos) {
        return delivered() == 0 || nanos < 0 ? Double.NaN : nanos / 1e3 / delivered();
    }

    /** Average CPU cores busy in the three processes from collector start to the last record (of all the machine has). */
    public double coresBusy() {
        long span = lastRecordEpochNanos - collectorStartEpochNanos;
        return span <= 0 ? Double.NaN : (double) (collectorCpuNanos + mediatorCpuNanos + leaCpuNanos) / span;
    }

    /** CSV header matching {@link #csv()}. */
    public static String csvHeader() {
        return "link,share_pct,packets,expected_cc,expected_iri,cc_unique,iri_unique,duplicates,missing,loss,collector_drops,"
                + "read_ns,collector_start_ns,first_record_ns,last_record_ns,collector_cpu_ns,collector_base_cpu_ns,mediator_cpu_ns,"
                + "lea_cpu_ns,records_per_s_first_last,records_per_s_overall,packets_per_s_read,us_per_record_total,cores_busy,spool_peak_bytes,note,runs,rate_min,rate_max,"
                + "agency,collector_rss_bytes,mediator_rss_bytes,agency_rss_bytes,collector_startup_ns,mediator_startup_ns,"
                + "collector_jit_ns,collector_base_jit_ns,mediator_jit_ns,us_per_record_kubeli,us_per_record_kubeli_no_jit,"
                + "collector_rss_anon_bytes,mediator_rss_anon_bytes,mediator_startup_cpu_ns";
    }

    public String csv() {
        return String.join(
                ",",
                link,
                Integer.toString(sharePercent),
                Long.toString(packets),
                Long.toString(expectedCc),
                Long.toString(expectedIri),
                Long.toString(ccUnique),
                Long.toString(iriUnique),
                Long.toString(duplicates),
                Long.toString(missing),
                Long.toString(loss()),
                Long.toString(collectorDrops),
                Long.toString(readNanos),
                Long.toString(collectorStartEpochNanos),
                Long.toString(firstRecordEpochNanos),
                Long.toString(lastRecordEpochNanos),
                Long.toString(collectorCpuNanos),
                Long.toString(collectorBaseCpuNanos),
                Long.toString(mediatorCpuNanos),
                Long.toString(leaCpuNanos),
                fmt(recordsPerSecondFirstToLast()),
                fmt(recordsPerSecondOverall()),
                fmt(packetsPerSecondRead()),
                fmt(totalMicrosPerRecord()),
                fmt(coresBusy()),
                Long.toString(spoolPeakBytes),
                note.replace(',', ';'),
                Integer.toString(runs),
                fmt(rateMin),
                fmt(rateMax),
                extra.agency(),
                Long.toString(extra.collectorRss()),
                Long.toString(extra.mediatorRss()),
                Long.toString(extra.agencyRss()),
                Long.toString(extra.collectorStartupNanos()),
                Long.toString(extra.mediatorStartupNanos()),
                Long.toString(extra.collectorJitNanos()),
                Long.toString(extra.collectorBaseJitNanos()),
                Long.toString(extra.mediatorJitNanos()),
                fmt(kubeliMicrosPerRecord()),
                fmt(kubeliSteadyMicrosPerRecord()),
                Long.toString(extra.collectorAnon()),
                Long.toString(extra.mediatorAnon()),
                Long.toString(extra.mediatorStartupCpuNanos()));
    }

    private static String fmt(double d) {
        return Double.isNaN(d) ? "" : String.format(java.util.Locale.ROOT, "%.3f", d);
    }
}
