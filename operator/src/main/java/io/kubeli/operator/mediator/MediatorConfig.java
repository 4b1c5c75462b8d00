package io.kubeli.operator.mediator;

import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.api.v1alpha1.PodLogFormat;
import io.kubeli.operator.common.Names;
import java.util.ArrayList;
import java.util.List;

/** The mediator image's command line and mount points; pure. */
public final class MediatorConfig {
    /** Link TLS material (tls.crt, tls.key, ca.crt). */
    public static final String TLS_MOUNT = "/etc/kubeli/tls";
    /** Durable buffers, delivery cursors and dedup state (the persistent volume). */
    public static final String BUFFER_MOUNT = "/data";
    /** /metrics, /healthz and /readyz. */
    public static final int METRICS_PORT = 9464;

    private MediatorConfig() {}

    /**
     * {@code --log-format json} for json; nothing for text, the programs' default, so that pods rendered before the
     * option existed keep their template (an operator upgrade does not restart every collector and mediator).
     */
    public static void logFormatArgs(PodLogFormat logFormat, List<String> a) {
        if (logFormat == PodLogFormat.JSON) {
            a.add("--log-format");
            a.add(logFormat.argument());
        }
    }

    /** Name of the TLS Secret the mediator pods mount, or null for plain links. */
    public static String serverTlsSecret(Mediator m) {
        var tls = m.getSpec().getTls();
        if (tls == null) {
            return null;
        }
        if (Boolean.TRUE.equals(tls.getOperatorManaged())) {
            return Names.serverTlsSecret(m.getMetadata().getName());
        }
        return tls.getSecretRef();
    }

    /**
     * Arguments of the mediator container (the image's entrypoint is the mediator main class); {@code logFormat} is
     * the effective format (spec.logFormat, else the operator's).
     */
    public static List<String> args(Mediator m, PodLogFormat logFormat) {
        List<String> a = new ArrayList<>(List.of(
                "--kubernetes",
                "--namespace",
                "$(POD_NAMESPACE)",
                "--mediator-name",
                m.getMetadata().getName(),
                "--listen",
                Integer.toString(m.getSpec().servicePort()),
                "--data",
                BUFFER_MOUNT));
        if (serverTlsSecret(m) != null) {
            a.add("--tls-dir");
            a.add(TLS_MOUNT);
        } else {
            a.add("--plain");
        }
        a.add("--metrics-port");
        a.add(Integer.toString(METRICS_PORT));
        logFormatArgs(logFormat, a);
        return a;
    }
}
