package io.kubeli.operator.collector;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.kubeli.api.v1alpha1.CaptureSourceSpec;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.CollectorSpec;
import io.kubeli.api.v1alpha1.PodLogFormat;
import io.kubeli.api.v1alpha1.RadiusSpec;
import io.kubeli.api.v1alpha1.SipSpec;
import io.kubeli.operator.common.Labels;
import io.kubeli.operator.common.Names;
import io.kubeli.operator.mediator.MediatorConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the collector's configuration (a properties file in a ConfigMap); pure. */
public final class CollectorConfig {
    /** Key of the properties file in the ConfigMap. */
    public static final String FILE = "collector.properties";
    /** Where the ConfigMap is mounted in the pod. */
    public static final String MOUNT = "/etc/kubeli/config";
    /** Where the client TLS Secret is mounted (tls.crt, tls.key, ca.crt). */
    public static final String TLS_MOUNT = "/etc/kubeli/tls";
    /** Where records wait when the mediator is unreachable. */
    public static final String SPOOL_MOUNT = "/spool";
    /** Metrics and health port (hostNetwork: this is also the host port). */
    public static final int METRICS_PORT = 9464;
    /** The collector's --drain-seconds: how long a stopping collector waits for the mediator's acknowledgements. */
    public static final int DRAIN_SECONDS = 10;
    /** Measured stop time beyond the drain (capture stop, encoder drain, IRI-End, JVM exit; see README), plus room. */
    public static final int STOP_MARGIN_SECONDS = 10;

    private CollectorConfig() {}

    /** The network element identifier: spec value, else the Collector's name cut to 16 octets. */
    public static String networkElementId(Collector c) {
        String ne = c.getSpec().getNetworkElementId();
        if (ne != null && !ne.isEmpty()) {
            return ne;
        }
        String name = c.getMetadata().getName();
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        return b.length <= 16 ? name : new String(b, 0, 16, StandardCharsets.UTF_8);
    }

    /** The properties of the collector (insertion-ordered map of key to value). */
    public static Map<String, String> properties(Collector c, MediatorLink link) {
        CollectorSpec spec = c.getSpec();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("collector.name", c.getMetadata().getName());
        p.put("collector.namespace", c.getMetadata().getNamespace());
        p.put("collector.networkElementId", networkElementId(c));
        p.put("mediator.name", link.name());
        p.put("mediator.address", link.host() + ":" + link.port());
        p.put("mediator.replicas", Integer.toString(link.replicas()));
        p.put("mediator.tls", Boolean.toString(link.tlsSecret() != null));
        if (link.tlsSecret() != null) {
            p.put("mediator.tls.dir", TLS_MOUNT);
        }
        p.put("spool.dir", SPOOL_MOUNT);
        p.put("metrics.port", Integer.toString(METRICS_PORT));
        p.put("intercepts.source", "kubernetes");
        List<CaptureSourceSpec> sources = spec.getSources();
        for (int i = 0; i < sources.size(); i++) {
            p.put("sources." + i + ".uri", sources.get(i).getUri());
            if (sources.get(i).getFilter() != null) {
                p.put("sources." + i + ".filter", sources.get(i).getFilter());
            }
        }
        if (spec.getThreads() != null) {
            p.put("threads", spec.getThreads().toString());
        }
        if (CaptureMethods.usesDpdk(sources)) {
            p.put("dpdk.lcores", "cpuset");
            if (spec.getDevice() != null) {
                p.put(
                        "dpdk.pciEnv",
                        CaptureMethods.pciDeviceEnv(spec.getDevice().getResourceName()));
            }
            p.put(
                    "dpdk.hugepages",
                    Boolean.toString(
                            spec.getDevice() != null && spec.getDevice().getHugepages() != null));
        }
        return p;
    }

    /**
     * The collector image's command line (its entrypoint is the collector main class): watch Intercepts, Agencies
     * and its own Collector through the API, capture the spec's sources, stream to the mediator over mTLS;
     * {@code logFormat} is the effective format (spec.logFormat, else the operator's).
     */
    public static List<String> args(Collector c, MediatorLink link, PodLogFormat logFormat) {
        CollectorSpec spec = c.getSpec();
        List<String> a = new ArrayList<>(List.of(
                "--kubernetes",
                "--namespace",
                "$(POD_NAMESPACE)",
                "--collector-id",
                c.getMetadata().getName()));
        for (CaptureSourceSpec s : spec.getSources()) {
            a.add("--source");
            a.add(s.getUri());
        }
        List<String> filters = spec.getSources().stream()
                .map(CaptureSourceSpec::getFilter)
                .filter(f -> f != null)
                .distinct()
                .toList();
        if (filters.size() == 1) {
            a.add("--filter");
            a.add(filters.get(0));
        }
        a.addAll(List.of("--output", "mediator:" + link.host() + ":" + link.port()));
        if (link.replicas() > 1) {
            // each instance dials only its own replica: the {replica} of the host is chosen by the collector (C4)
            a.addAll(List.of("--mediator-replicas", Integer.toString(link.replicas())));
        }
        a.addAll(List.of(
                "--tls",
                link.tlsSecret() != null ? TLS_MOUNT : "none",
                "--network-element-id",
                networkElementId(c),
                "--spool",
                SPOOL_MOUNT,
                // explicit, so the pod's termination grace period (drain + margin) matches what the collector does
                "--drain-seconds",
                Integer.toString(DRAIN_SECONDS),
                // host network: bind the (sensitive) per-intercept metrics to the pod's = node's address only
                "--metrics-address",
                "$(POD_IP)",
                "--metrics-port",
                Integer.toString(METRICS_PORT)));
        if (spec.getThreads() != null) {
            a.add("--threads");
            a.add(spec.getThreads().toString());
        }
        if (CaptureMethods.usesDpdk(spec.getSources())) {
            a.add("--eal-lcores-from-cpuset");
        }
        radiusArgs(spec.getRadius(), a);
        sipArgs(spec.getSip(), a);
        MediatorConfig.logFormatArgs(logFormat, a);
        return a;
    }

    // only what the spec sets: the collector's own defaults stay the single source of them
    private static void radiusArgs(RadiusSpec r, List<String> a) {
        if (r == null) {
            return;
        }
        if (r.getPorts() != null) {
            a.add("--radius-ports");
            a.add(
                    r.getPorts().isEmpty()
                            ? "none"
                            : String.join(
                                    ",",
                                    r.getPorts().stream().map(String::valueOf).toList()));
        }
        if (r.getMaxSessions() != null) {
            a.add("--radius-max-sessions");
            a.add(r.getMaxSessions().toString());
        }
        if (r.getIdleTimeout() != null) {
            a.add("--radius-idle-timeout");
            a.add(r.getIdleTimeout().toString());
        }
        if (r.getIdentity() != null) {
            a.add("--radius-identity");
            a.add(r.getIdentity());
        }
    }

    private static void sipArgs(SipSpec s, List<String> a) {
        if (s == null) {
            return;
        }
        if (s.getPorts() != null) {
            a.add("--sip-ports");
            a.add(
                    s.getPorts().isEmpty()
                            ? "none"
                            : String.join(
                                    ",",
                                    s.getPorts().stream().map(String::valueOf).toList()));
        }
        if (s.getMaxCalls() != null) {
            a.add("--sip-max-calls");
            a.add(s.getMaxCalls().toString());
        }
        if (s.getMediaTimeout() != null) {
            a.add("--sip-media-timeout");
            a.add(s.getMediaTimeout().toString());
        }
    }

    /** The properties rendered as a file (one key=value per line, in order). */
    public static String render(Map<String, String> props) {
        StringBuilder sb = new StringBuilder("# generated by the KubeLI operator; do not edit\n");
        props.forEach((k, v) -> sb.append(k).append('=').append(escape(v)).append('\n'));
        return sb.toString();
    }

    /** The ConfigMap holding the collector's properties file. */
    public static ConfigMap configMap(Collector c, MediatorLink link) {
        return new ConfigMapBuilder()
                .withMetadata(Labels.metadata(
                        "collector", c, Names.collector(c.getMetadata().getName())))
                .withData(Map.of(FILE, render(properties(c, link))))
                .build();
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
