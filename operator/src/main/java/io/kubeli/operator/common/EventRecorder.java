package io.kubeli.operator.common;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Writes core/v1 Events about custom resources (the audit trail shown by kubectl describe). The same reason, message
 * and object make one Event whose count and lastTimestamp grow (as kubelet and the Flink operator do), so a
 * reconcile loop cannot flood etcd.
 */
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

    /** Records (or counts again) an Event; failures are logged, never thrown (events are best effort). */
    public void record(HasMetadata about, EventReason reason, String message) {
        var events = client.v1().events().inNamespace(about.getMetadata().getNamespace());
        Instant now = clock.instant();
        Event fresh = build(about, reason, message, now);
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                Event seen = events.withName(fresh.getMetadata().getName()).get();
                if (seen == null) {
                    try {
                        events.resource(fresh).create();
                        return;
                    } catch (KubernetesClientException e) {
                        if (e.getCode() != 409) {
                            throw e;
                        }
                        continue; // written meanwhile (another replica's last words): count it instead
                    }
                }
                try {
                    events.resource(repeated(seen, now)).update();
                    return;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                }
            }
        } catch (KubernetesClientException e) {
            LOG.warnf(
                    "could not record event %s on %s/%s: %s",
                    reason.reason(), about.getKind(), about.getMetadata().getName(), e.getMessage());
        }
    }

    /** {@code seen} counted once more at {@code now} (optimistic: its resourceVersion guards the update). */
    static Event repeated(Event seen, Instant now) {
        return new EventBuilder(seen)
                .withCount(Objects.requireNonNullElse(seen.getCount(), 1) + 1)
                .withLastTimestamp(now.truncatedTo(ChronoUnit.SECONDS).toString())
                .build();
    }

    /** The Event object for {@code about} (pure); its name is fixed by object, type, reason and message. */
    public static Event build(HasMetadata about, EventReason reason, String message, Instant now) {
        String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
        return new EventBuilder()
                .withNewMetadata()
                .withName(name(about, reason, message))
                .withNamespace(about.getMetadata().getNamespace())
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(about.getApiVersion())
                .withKind(about.getKind())
                .withName(about.getMetadata().getName())
                .withNamespace(about.getMetadata().getNamespace())
                .withUid(about.getMetadata().getUid())
                .withResourceVersion(about.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType(reason.type())
                .withReason(reason.reason())
                .withMessage(message)
                .withFirstTimestamp(ts)
                .withLastTimestamp(ts)
                .withCount(1)
                .withEventTime(new MicroTime(now.truncatedTo(ChronoUnit.MICROS).toString()))
                .withAction(reason.reason())
                .withReportingComponent(COMPONENT)
                .withReportingInstance(hostname())
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .build();
    }

    /** {@code <object>.<16 hex>}: a digest of the object's identity (uid), kind, reason and message. */
    static String name(HasMetadata about, EventReason reason, String message) {
        String key = String.join(
                "\u0000",
                about.getKind(),
                about.getMetadata().getName(),
                Objects.requireNonNullElse(about.getMetadata().getUid(), ""),
                reason.type(),
                reason.reason(),
                message);
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return about.getMetadata().getName() + "." + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hostname() {
        String h = System.getenv("HOSTNAME");
        return h == null || h.isBlank() ? COMPONENT : h;
    }
}
