package io.kubeli.capture.bypass;

import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureProvider;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureUri;

/**
 * {@code dpdk:PCI|env=PCIDEVICE_X|vdev=NAME,ARGS?queues=&lcores=&burst=&mbufs=&mbufSize=&rxDesc=&memory=&socketMem=
 * &snaplen=&promisc=&poll=busy|adaptive&eal=}.
 */
public final class DpdkProvider implements CaptureProvider {
    @Override
    public String scheme() {
        return "dpdk";
    }

    @Override
    public CaptureSource open(CaptureUri uri, CaptureOptions options) {
        DpdkConfig cfg = DpdkConfig.parse(uri, options);
        FilterNote.warnIfSet("dpdk", options);
        return new DpdkSource(uri.redacted(), cfg);
    }
}
