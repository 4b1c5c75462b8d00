package io.kubeli.mediator.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.mediator.AgencyChannel;
import io.kubeli.mediator.Mediator;
import io.kubeli.mediator.handover.HiStats;
import io.kubeli.mediator.ingest.InterceptCounters;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Reports delivery figures: a periodic log line (names only) in every mode, and in cluster mode JSON merge patches of
 * Agency and Intercept status, at most one per object per interval and only when the content changed.
 */
public final class StatusReporter {
    private static final Logger LOG = Logger.getLogger(StatusReporter.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Mediator mediator;
    private final KubernetesClient client; // null in file mode
    private final String namespace;
    /** Annotation the operator's deletion finalizer waits for (value "sent"). */
    public static final String FINAL_IRI = "li.kubeli.io/final-iri";

    private final Map<String, String> lastPatched = new HashMap<>();
    private final java.util.Set<String> confirmed = new java.util.HashSet<>();
    // figures already in status when this process first reports (a restarted mediator continues the totals)
    private final Map<String, ObjectNode> base = new HashMap<>();
    private String lastLine = "";

    public StatusReporter(Mediator mediator, KubernetesClient client, String namespace) {
        this.mediator = mediator;
        this.client = client;
        this.namespace = namespace;
    }

    public void schedule(ScheduledExecutorService exec, int logSeconds) {
        exec.scheduleWithFixedDelay(this::logLine, logSeconds, logSeconds, TimeUnit.SECONDS);
        if (client != null) {
            exec.scheduleWithFixedDelay(this::patchAll, 2, 2, TimeUnit.SECONDS);
            // a deletion waits on this: check often (cheap: only intercepts marked for deletion are looked at)
            exec.scheduleWithFixedDelay(
                    () -> {
                        try {
                            confirmFinalIri();
                        } catch (RuntimeException e) {
                            LOG.warning("final-IRI confirmation failed (will retry): " + e.getMessage());
                        }
                    },
                    500,
                    500,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** One line per report, only resource names and counts. */
    void logLine() {
        StringBuilder sb = new StringBuilder("status:");
        for (AgencyChannel ch : mediator.channels().values()) {
            HiStats a = ch.stats(true), b = ch.stats(false);
            sb.append(" agency=")
                    .append(ch.name())
                    .append(" hi2=")
                    .append(a.state)
                    .append(" hi3=")
                    .append(b.state)
                    .append(" delivered=")
                    .append(a.delivered.get() + b.delivered.get())
                    .append(" resent=")
                    .append(a.resent.get() + b.resent.get())
                    .append(" bufferBytes=")
                    .append(ch.bufferBytes())
                    .append(';');
        }
        sb.append(" held=")
                .append(mediator.ingest().heldRecords())
                .append(" heldApart=")
                .append(mediator.ingest().quarantinedRecords())
                .append(" bufferFull=")
                .append(mediator.ingest().bufferFull())
                .append(" storageFailed=")
                .append(mediator.storageFailed());
        String line = sb.toString();
        if (!line.equals(lastLine)) LOG.info(line);
        lastLine = line;
    }

    /** Builds the agency status patch (the mediator's fields only; conditions stay the operator's). */
    public static ObjectNode agencyStatus(AgencyChannel ch) {
        ObjectNode st = JSON.createObjectNode();
        long delivered = 0;
        for (boolean hi2 : new boolean[] {true, false}) {
            HiStats s = ch.stats(hi2);
            ObjectNode h = st.putObject(hi2 ? "hi2" : "hi3");
            h.put(
                    "state",
                    switch (s.state) {
                        case Connected -> "Connected";
                        case Connecting -> "Connecting";
                        default -> s.reconnects.get() > 3 && !s.lastError.isEmpty() ? "Failed" : "Disconnected";
                    });
            if (s.lastKeepAliveRttMicros >= 0) h.put("lastKeepaliveRttMillis", s.lastKeepAliveRttMicros / 1000);
            h.put("recordsDelivered", s.delivered.get());
            h.put("resent", s.resent.get());
            delivered += s.delivered.get();
        }
        st.put("recordsDelivered", delivered);
        st.put("bufferBytes", ch.bufferBytes());
        return st;
    }

    public static ObjectNode interceptStatus(InterceptCounters c) {
        ObjectNode st = JSON.createObjectNode();
        st.put("ccRecords", c.cc.get());
        st.put("iriRecords", c.iri.get());
        Instant f = c.first(), l = c.last();
        if (f != null) st.put("firstRecordTime", f.toString());
        if (l != null) st.put("lastRecordTime", l.toString());
        Instant since = c.sessionsSince();
        if (since != null) { // written once sessions changed here: a restart keeps the figures in status
            st.put("activeSessions", c.activeSessions());
            st.put(
                    "sessionsSince",
                    since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        }
        if (c.callsSince() != null) { // likewise for calls (sipUri): untouched in status until one changes here
            st.put("activeCalls", c.activeCalls());
            st.put("totalCalls", c.totalCalls());
        }
        return st;
    }

    /** Condition type the mediator owns on its Mediator resource (the operator keeps other writers' types). */
    public static final String ROUTING_ALARM = "RoutingAlarm";

    private String lastAlarm = "";

    /**
     * Raises (or clears) the routing alarm as the condition {@value #ROUTING_ALARM} on the Mediator resource: records
     * that contradict the mediator's knowledge are held apart. Replicas write their own state into the message; a
     * replica clears only the condition it raised. Optimistic (resourceVersion): a conflict is retried next round.
     */
    void patchRoutingAlarm() {
        var in = mediator.ingest();
        boolean alarm = in.routingAlarm();
        String me = "replica " + mediator.settings().replicaIndex() + ": ";
        String msg = me
                + (alarm
                        ? in.quarantinedRecords() + " records held apart (never delivered), " + in.heldRecords()
                                + " held (an LIID no Intercept has, or an unknown Agency); see kubeli_mediator_records_held_apart"
                        : "no records held apart");
        if (msg.equals(lastAlarm)) return;
        var res = client.resources(io.kubeli.api.v1alpha1.Mediator.class)
                .inNamespace(namespace)
                .withName(mediator.settings().mediatorName());
        io.kubeli.api.v1alpha1.Mediator cur = res.get();
        if (cur == null) {
            lastAlarm = msg;
            return;
        }
        java.util.List<io.fabric8.kubernetes.api.model.Condition> conds =
                cur.getStatus() == null || cur.getStatus().getConditions() == null
                        ? new java.util.ArrayList<>()
                        : new java.util.ArrayList<>(cur.getStatus().getConditions());
        io.fabric8.kubernetes.api.model.Condition prev = conds.stream()
                .filter(c -> ROUTING_ALARM.equals(c.getType()))
                .findFirst()
                .orElse(null);
        boolean mine =
                prev != null && prev.getMessage() != null && prev.getMessage().startsWith(me);
        if (!alarm && (prev == null || !"True".equals(prev.getStatus()) || !mine)) {
            lastAlarm = msg;
            return;
        }
        String status = alarm ? "True" : "False";
        String since = prev != null && status.equals(prev.getStatus()) && prev.getLastTransitionTime() != null
                ? prev.getLastTransitionTime()
                : Instant.now()
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString();
        conds.removeIf(c -> ROUTING_ALARM.equals(c.getType()));
        conds.add(new io.fabric8.kubernetes.api.model.ConditionBuilder()
                .withType(ROUTING_ALARM)
                .withStatus(status)
                .withReason(alarm ? "RecordsHeldApart" : "NoneHeldApart")
                .withMessage(msg)
                .withLastTransitionTime(since)
                .build());
        ObjectNode body = JSON.createObjectNode();
        body.putObject("metadata").put("resourceVersion", cur.getMetadata().getResourceVersion());
        body.putObject("status").set("conditions", JSON.valueToTree(conds));
        res.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), body.toString());
        lastAlarm = msg;
        if (alarm)
            LOG.warning("ALARM routing: condition " + ROUTING_ALARM + " raised on Mediator "
                    + mediator.settings().mediatorName());
    }

    void patchAll() {
        try {
            patchRoutingAlarm();
        } catch (RuntimeException e) {
            LOG.warning("routing alarm condition not written (will retry): " + e.getMessage());
        }
        try {
            for (AgencyChannel ch : mediator.channels().values()) {
                Agency a = mediator.catalog().agency(ch.name());
                if (a == null) continue;
                ObjectNode st = agencyStatus(ch);
                ObjectNode b = base.computeIfAbsent(
                        "Agency/" + ch.name(),
                        k -> a.getStatus() == null ? JSON.createObjectNode() : JSON.valueToTree(a.getStatus()));
                add(st, b, "recordsDelivered");
                for (String hi : new String[] {"hi2", "hi3"}) {
                    if (b.has(hi)) {
                        add((ObjectNode) st.get(hi), (ObjectNode) b.get(hi), "recordsDelivered");
                        add((ObjectNode) st.get(hi), (ObjectNode) b.get(hi), "resent");
                    }
                }
                patch(Agency.class, "Agency/" + ch.name(), ch.name(), st);
            }
            for (var e : mediator.ingest().counters().entrySet()) {
                Intercept ic = mediator.catalog().intercept(e.getKey());
                if (ic == null) continue;
                ObjectNode b = base.computeIfAbsent(
                        "Intercept/" + e.getKey(),
                        k -> ic.getStatus() == null ? JSON.createObjectNode() : JSON.valueToTree(ic.getStatus()));
                e.getValue().carrySessions(b.path("activeSessions").asInt(0));
                e.getValue()
                        .carryCalls(
                                b.path("activeCalls").asInt(0),
                                b.path("totalCalls").asLong(0));
                ObjectNode st = interceptStatus(e.getValue());
                add(st, b, "ccRecords");
                add(st, b, "iriRecords");
                if (b.hasNonNull("firstRecordTime"))
                    st.put("firstRecordTime", b.get("firstRecordTime").asText());
                if (!st.has("lastRecordTime") && b.hasNonNull("lastRecordTime"))
                    st.put("lastRecordTime", b.get("lastRecordTime").asText());
                patch(Intercept.class, "Intercept/" + e.getKey(), e.getKey(), st);
            }
        } catch (RuntimeException e) {
            LOG.warning("status update failed (will retry): " + e.getMessage());
        }
    }

    /**
     * An Intercept being deleted waits (operator finalizer) for the annotation {@value #FINAL_IRI}: sent; it is set
     * once every IRI-Begin this mediator sent for it has its IRI-End sent too.
     */
    void confirmFinalIri() {
        for (Intercept ic : mediator.catalog().intercepts().values()) {
            if (ic.getMetadata().getDeletionTimestamp() == null) continue;
            var ann = ic.getMetadata().getAnnotations();
            if (ann != null && "sent".equals(ann.get(FINAL_IRI))) continue;
            String name = ic.getMetadata().getName();
            InterceptCounters c = mediator.ingest().counters().get(name);
            String uid =
                    ic.getMetadata().getUid() == null ? name : ic.getMetadata().getUid();
            if (c == null || !c.finalIriSent() || confirmed.contains(uid)) continue;
            ObjectNode body = JSON.createObjectNode();
            body.putObject("metadata").putObject("annotations").put(FINAL_IRI, "sent");
            client.resources(Intercept.class)
                    .inNamespace(namespace)
                    .withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), body.toString());
            confirmed.add(uid);
            LOG.info("intercept " + name + ": final IRI sent, deletion may proceed");
        }
    }

    private static void add(ObjectNode st, ObjectNode base, String field) {
        if (base != null && base.has(field) && st.has(field))
            st.put(field, st.get(field).asLong() + base.get(field).asLong());
    }

    private <T extends io.fabric8.kubernetes.api.model.HasMetadata> void patch(
            Class<T> type, String key, String name, ObjectNode status) {
        String body = JSON.createObjectNode().set("status", status).toString();
        if (body.equals(lastPatched.get(key))) return;
        client.resources(type)
                .inNamespace(namespace)
                .withName(name)
                .subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), body);
        lastPatched.put(key, body);
    }
}
