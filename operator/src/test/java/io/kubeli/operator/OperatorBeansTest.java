package io.kubeli.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kubeli.api.v1alpha1.PodLogFormat;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: the operator's own log format (--log-format, chart value logFormat through
 * QUARKUS_LOG_CONSOLE_JSON_ENABLED) is the default of the collector and mediator pods it renders.
 */
class OperatorBeansTest {
    @Test
    void theOperatorsLogFormatIsThePodsDefault() throws Exception {
        OperatorBeans beans = new OperatorBeans();
        beans.collectorImage = "c";
        beans.mediatorImage = "m";
        beans.imagePullPolicy = "IfNotPresent";
        beans.finalizerTimeout = Duration.ofMinutes(2);
        beans.certificateLifetime = Duration.ofDays(90);
        beans.caLifetime = Duration.ofDays(3650);
        beans.collectorNodeCidrs = Optional.empty();
        beans.minIpv4Prefix = 8;
        beans.minIpv6Prefix = 16;
        beans.liNamespaces = Optional.empty();
        assertEquals(PodLogFormat.TEXT, beans.settings().logFormat(null));
        beans.jsonLogs = true;
        assertEquals(PodLogFormat.JSON, beans.settings().logFormat(null));
        assertEquals(PodLogFormat.TEXT, beans.settings().logFormat(PodLogFormat.TEXT), "spec.logFormat wins");
        // the property OperatorMain sets for --log-format json and the chart sets as QUARKUS_LOG_CONSOLE_JSON_ENABLED
        assertEquals(
                "quarkus.log.console.json.enabled",
                OperatorBeans.class
                        .getDeclaredField("jsonLogs")
                        .getAnnotation(ConfigProperty.class)
                        .name());
    }
}
