package io.kubeli.operator;

import io.kubeli.api.v1alpha1.PodLogFormat;
import io.kubeli.operator.common.OperatorSettings;
import io.kubeli.operator.intercept.InterceptMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** CDI producers: the clock and the operator settings (leader election: lifecycle.GracefulShutdown). */
@ApplicationScoped
public class OperatorBeans {
    @ConfigProperty(name = "kubeli.collector.image", defaultValue = "ghcr.io/kubeli/collector:0.1.0")
    String collectorImage;

    @ConfigProperty(name = "kubeli.mediator.image", defaultValue = "ghcr.io/kubeli/mediator:0.1.0")
    String mediatorImage;

    @ConfigProperty(name = "kubeli.image-pull-policy", defaultValue = "IfNotPresent")
    String imagePullPolicy;

    @ConfigProperty(name = "kubeli.intercept.finalizer-timeout", defaultValue = "PT2M")
    Duration finalizerTimeout;

    @ConfigProperty(name = "kubeli.tls.certificate-lifetime", defaultValue = "P90D")
    Duration certificateLifetime;

    @ConfigProperty(name = "kubeli.tls.ca-lifetime", defaultValue = "P3650D")
    Duration caLifetime;

    @ConfigProperty(name = "kubeli.mediator.collector-node-cidrs")
    Optional<List<String>> collectorNodeCidrs;

    @ConfigProperty(name = "kubeli.targets.min-ipv4-prefix", defaultValue = "8")
    int minIpv4Prefix;

    @ConfigProperty(name = "kubeli.targets.min-ipv6-prefix", defaultValue = "16")
    int minIpv6Prefix;
    // the operator's own log format (--log-format, chart value logFormat) is also that of the pods it renders
    @ConfigProperty(name = "quarkus.log.console.json.enabled", defaultValue = "false")
    boolean jsonLogs;
    // where the chart grants Secrets (its liNamespaces): the Secret informers watch only there
    @ConfigProperty(name = "kubeli.li-namespaces")
    Optional<List<String>> liNamespaces;

    /** Wall-clock time for windows, conditions and certificates (tests replace it). */
    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Intercept gauges (Failed, warrant end) in the operator's /q/metrics registry. */
    @Produces
    @Singleton
    InterceptMetrics interceptMetrics(MeterRegistry registry) {
        return new InterceptMetrics(registry);
    }

    @Produces
    @Singleton
    OperatorSettings settings() {
        return new OperatorSettings(
                collectorImage,
                mediatorImage,
                imagePullPolicy,
                finalizerTimeout,
                certificateLifetime,
                caLifetime,
                collectorNodeCidrs.orElse(List.of()),
                minIpv4Prefix,
                minIpv6Prefix,
                jsonLogs ? PodLogFormat.JSON : PodLogFormat.TEXT,
                liNamespaces.orElse(List.of()));
    }
}
