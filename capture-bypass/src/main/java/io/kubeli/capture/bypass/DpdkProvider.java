package io.kubeli.capture.bypass;

import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureProvider;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureUri;

/**
 * {@code dpdk:PCI|env|env=PCIDEVICE_X|vdev=NAME,ARGS?queues=&lcores=LIST|cpuset&device=N&burst=&mbufs=&mbufSize=
 * &rxDesc=&memory=&socketMem=&snaplen=&promisc=&poll=busy|adaptive&eal=&defrag=accept}.
 */
public final class DpdkProvider implements CaptureProvider {
    @Override
    public String scheme() {
        return "dpdk";
    }

    /** Why {@code dpdk:} cannot run in this build/on this machine, or null when it can (tests, benchmarks). */
    public static String unavailableReason() {
        try {
            DpdkShim.get();
            return null;
        } catch (DpdkUnavailableException e) {
            return e.getMessage();
        }
    }

    @Override
    public CaptureSource open(CaptureUri uri, CaptureOptions options) {
        DpdkConfig cfg = DpdkConfig.parse(uri, options);
        FilterNote.warnIfSet("dpdk", options);
        return new DpdkSource(uri.redacted(), cfg);
    }
}
