package io.kubeli.operator.common;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.jboss.logging.Logger;

/** Writes core/v1 Events about custom resources (the audit trail shown by kubectl describe). */
public final class EventRecorder {
  /** reportingComponent / source.component of every Event. */
  public static final String COMPONENT = "kubeli-operator";
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Records a Normal event. */
  public void normal(HasMetadata about, String reason, String message) { record(about, "Normal", reason, message); }

  /** Records a Warning event. */
  public void warning(HasMetadata about, String reason, String message) { record(about, "Warning", reason, message); }

  /** Records an Event; failures are logged, never thrown (events are best effort). */
  public void record(HasMetadata about, String type, String reason, String message) {
    try {
      client.v1().events().inNamespace(about.getMetadata().getNamespace()).resource(build(about, type, reason, message,
          clock.instant())).create();
    } catch (KubernetesClientException e) {
      LOG.warnf("could not record event %s on %s/%s: %s", reason, about.getKind(), about.getMetadata().getName(),
          e.getMessage());
    }
  }

  /** The Event object for {@code about} (pure). */
  public static Event build(HasMetadata about, String type, String reason, String message, Instant now) {
    String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
    String name = about.getMetadata().getName() + "." + Long.toHexString(now.toEpochMilli() * 1000
        + (System.nanoTime() & 0x3ff)).toLowerCase(Locale.ROOT);
    return new EventBuilder()
        .withNewMetadata().withName(name).withNamespace(about.getMetadata().getNamespace()).endMetadata()
        .withNewInvolvedObject().withApiVersion(about.getApiVersion()).withKind(about.getKind())
        .withName(about.getMetadata().getName()).withNamespace(about.getMetadata().getNamespace())
        .withUid(about.getMetadata().getUid()).withResourceVersion(about.getMetadata().getResourceVersion())
        .endInvolvedObject()
        .withType(type).withReason(reason).withMessage(message)
        .withFirstTimestamp(ts).withLastTimestamp(ts).withCount(1)
        .withEventTime(new MicroTime(now.truncatedTo(ChronoUnit.MICROS).toString()))
        .withAction(reason).withReportingComponent(COMPONENT).withReportingInstance(hostname())
        .withNewSource().withComponent(COMPONENT).endSource()
        .build();
  }

  private static String hostname() {
    String h = System.getenv("HOSTNAME");
    return h == null || h.isBlank() ? COMPONENT : h;
  }
}
