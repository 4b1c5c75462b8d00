package io.kubeli.mediator.hi1;

import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.InterceptSpec;
import io.kubeli.api.v1alpha1.Target;
import io.kubeli.etsi.HeaderParams;
import io.kubeli.etsi.Hi1Notification;
import io.kubeli.etsi.Profile;
import io.kubeli.etsi.ReferenceEncoder;
import io.kubeli.etsi.TimestampFormat;
import io.kubeli.mediator.config.ResourceCatalog;
import io.kubeli.mediator.ingest.BufferFullException;
import io.kubeli.mediator.ingest.Ingest;
import io.kubeli.mediator.ingest.SnapshotFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * HI1-style notifications to the agency on HI2 (as OpenLI's mediator sends them): activation when an Intercept comes
 * into force at this mediator, modification when its targets or window change, deactivation when it ends (deleted,
 * refused, window closed). Only one replica runs it (contract C4). Exactly once across restarts: a notification is
 * first written to the state file as pending (with its PDU), then stored like a record under its own source id and
 * number, which the de-duplication state makes idempotent; pending ones are stored again at start.
 */
public final class Hi1Notifier {
    private static final Logger LOG = Logger.getLogger(Hi1Notifier.class.getName());
    /** Link identity of the stored notifications; '#' cannot occur in a collector id (Kubernetes names). */
    public static final String SOURCE = "#hi1";

    private static final String SEP = "\u001f"; // fields of one state entry (no resource name or LIID holds it)

    /** What the agency was last told about one Intercept. */
    private record Told(
            String agency,
            String liid,
            String signature,
            long nextSeq,
            boolean active,
            String operatorId,
            String profile,
            String authCc,
            String delivCc) {}

    /** A decided notification not yet known stored. */
    private record Pending(String agency, String intercept, byte[] pdu) {}

    private final ResourceCatalog catalog;
    private final Ingest ingest;
    private final Path stateFile;
    private final Map<String, Told> told = new HashMap<>();
    private final TreeMap<Long, Pending> pending = new TreeMap<>();
    private long next;
    public final AtomicLong activations = new AtomicLong(),
            modifications = new AtomicLong(),
            deactivations = new AtomicLong();

    public Hi1Notifier(ResourceCatalog catalog, Ingest ingest, Path stateFile) throws IOException {
        this.catalog = catalog;
        this.ingest = ingest;
        this.stateFile = stateFile;
        Properties p = SnapshotFile.read(stateFile);
        int bad = 0;
        for (String k : p.stringPropertyNames()) {
            String[] v = p.getProperty(k).split(SEP, -1);
            try {
                if (k.equals("next")) next = Math.max(next, Long.parseLong(v[0]));
                else if (k.startsWith("told.") && v.length == 9) {
                    told.put(
                            k.substring(5),
                            new Told(
                                    v[0],
                                    v[1],
                                    v[2],
                                    Long.parseLong(v[3]),
                                    Boolean.parseBoolean(v[4]),
                                    v[5],
                                    v[6],
                                    v[7],
                                    v[8]));
                } else if (k.startsWith("pending.") && v.length == 3) {
                    long n = Long.parseLong(k.substring(8));
                    pending.put(n, new Pending(v[0], v[1], Base64.getDecoder().decode(v[2])));
                    next = Math.max(next, n + 1);
                } else bad++;
            } catch (IllegalArgumentException e) {
                bad++;
            }
        }
        // an unreadable entry is announced afresh (an extra notification beats a missing one)
        if (bad > 0) LOG.warning("HI1 notification state: ignored " + bad + " unreadable entries");
        // numbers already stored must never be reused (they would be taken for replays and skipped)
        next = Math.max(next, ingest.highestStored(SOURCE) + 1);
    }

    /** Compares what the agency was told with what is in force now; decides and stores the notifications due. */
    public synchronized void reconcile(Instant now) {
        Set<String> inForce = new HashSet<>();
        boolean changed = false;
        for (Intercept ic : catalog.intercepts().values()) {
            String name = ic.getMetadata().getName();
            InterceptSpec s = ic.getSpec();
            if (s == null || s.getLiid() == null || catalog.owner(s.getLiid()) != ic || !inWindow(ic, now)) continue;
            Agency a = catalog.agency(s.getAgencyRef());
            if (a == null) continue; // told once the Agency is known (records are held until then too)
            inForce.add(name);
            String sig = signature(s);
            Told t = told.get(name);
            if (t != null && t.active && t.signature.equals(sig)) continue;
            if (t != null && t.active && (!t.agency.equals(s.getAgencyRef()) || !t.liid.equals(s.getLiid()))) {
                changed |= decide(name, t, Hi1Notification.Type.DEACTIVATED, null, now); // the old agency/LIID ends
                t = told.get(name);
            }
            Hi1Notification.Type type =
                    t != null && t.active ? Hi1Notification.Type.MODIFIED : Hi1Notification.Type.ACTIVATED;
            var spec = a.getSpec();
            Told now0 = new Told(
                    s.getAgencyRef(),
                    s.getLiid(),
                    sig,
                    t == null || !t.liid.equals(s.getLiid()) ? 0 : t.nextSeq,
                    true,
                    spec.getOperatorId() == null ? "KUBELI" : spec.getOperatorId(),
                    spec.etsiProfileOrDefault().name(),
                    nz(s.getAuthorizationCountryCode()),
                    nz(s.getDeliveryCountryCode()));
            changed |= decide(name, now0, type, targetInfo(s), now);
        }
        for (var e : Map.copyOf(told).entrySet()) {
            if (e.getValue().active && !inForce.contains(e.getKey()))
                changed |= decide(e.getKey(), e.getValue(), Hi1Notification.Type.DEACTIVATED, null, now);
        }
        if (changed) save();
        flush();
    }

    // records the decision (state first, then the record: a crash in between re-stores the same PDU at start)
    private boolean decide(String intercept, Told t, Hi1Notification.Type type, String targetInfo, Instant now) {
        byte[] pdu;
        try {
            Profile profile = "OPENLI".equals(t.profile) ? Profile.OPENLI : Profile.LATEST;
            HeaderParams h = new HeaderParams(
                    profile,
                    t.liid,
                    emptyNull(t.authCc),
                    t.operatorId,
                    null,
                    0L,
                    emptyNull(t.delivCc),
                    TimestampFormat.GENERALIZED,
                    null,
                    null);
            pdu = ReferenceEncoder.encode(Hi1Notification.pdu(h, t.nextSeq, now, type, t.operatorId, targetInfo));
        } catch (IllegalArgumentException e) {
            LOG.warning("intercept " + intercept + ": cannot build its HI1 notification: " + e.getMessage());
            told.put(
                    intercept,
                    new Told(
                            t.agency,
                            t.liid,
                            t.signature,
                            t.nextSeq,
                            type != Hi1Notification.Type.DEACTIVATED,
                            t.operatorId,
                            t.profile,
                            t.authCc,
                            t.delivCc));
            return true;
        }
        pending.put(next++, new Pending(t.agency, intercept, pdu));
        told.put(
                intercept,
                new Told(
                        t.agency,
                        t.liid,
                        t.signature,
                        t.nextSeq + 1,
                        type != Hi1Notification.Type.DEACTIVATED,
                        t.operatorId,
                        t.profile,
                        t.authCc,
                        t.delivCc));
        (switch (type) {
                    case ACTIVATED -> activations;
                    case MODIFIED -> modifications;
                    case DEACTIVATED -> deactivations;
                })
                .incrementAndGet();
        LOG.info("intercept " + intercept + ": HI1 " + type.name().toLowerCase() + " notification to agency "
                + t.agency);
        return true;
    }

    /** Stores pending notifications in order (each once); a full buffer or a storage error leaves them for the next round. */
    public synchronized void flush() {
        boolean done = false;
        while (!pending.isEmpty()) {
            var e = pending.firstEntry();
            try {
                ingest.storeNotification(
                        e.getValue().agency(),
                        e.getValue().intercept(),
                        SOURCE,
                        e.getKey(),
                        e.getValue().pdu());
            } catch (IOException | BufferFullException | RuntimeException ex) {
                LOG.warning("HI1 notification to agency " + e.getValue().agency() + " not stored yet (retried): "
                        + ex.getMessage());
                break;
            }
            pending.pollFirstEntry();
            done = true;
        }
        if (done) save();
    }

    private void save() {
        Properties p = new Properties();
        p.setProperty("next", Long.toString(next));
        told.forEach((k, t) -> p.setProperty(
                "told." + k,
                String.join(
                        SEP,
                        t.agency,
                        t.liid,
                        t.signature,
                        Long.toString(t.nextSeq),
                        Boolean.toString(t.active),
                        t.operatorId,
                        t.profile,
                        t.authCc,
                        t.delivCc)));
        pending.forEach((n, x) -> p.setProperty(
                "pending." + n,
                x.agency() + SEP + x.intercept() + SEP + Base64.getEncoder().encodeToString(x.pdu())));
        try {
            SnapshotFile.write(stateFile, p, "HI1 notifications told to agencies");
        } catch (IOException e) {
            LOG.warning("cannot write the HI1 notification state: " + e.getMessage());
        }
    }

    /** Notifications waiting to be stored. */
    public synchronized int pendingCount() {
        return pending.size();
    }

    private static boolean inWindow(Intercept ic, Instant now) {
        if (ic.getMetadata().getDeletionTimestamp() != null) return false;
        Instant from = instant(ic.getSpec().getValidFrom()),
                until = instant(ic.getSpec().getValidUntil());
        return (from == null || !now.isBefore(from)) && (until == null || now.isBefore(until));
    }

    private static Instant instant(String s) {
        if (s == null || s.isBlank()) return null;
        try {
            return Instant.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    // targets and window: a change of either is a modification (a digest: the state file holds no target identity)
    private static String signature(InterceptSpec s) {
        String text = s.getLiid() + "\n" + s.getAgencyRef() + "\n" + targetInfo(s) + "\n" + s.getValidFrom() + "\n"
                + s.getValidUntil();
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** target-Information for the agency (the PDU only, never a log). */
    static String targetInfo(InterceptSpec s) {
        StringBuilder b = new StringBuilder();
        for (Target t : s.getTargets() == null ? java.util.List.<Target>of() : s.getTargets()) {
            if (!b.isEmpty()) b.append("; ");
            if (t.getIp() != null) b.append("ip ").append(t.getIp());
            else if (t.getRadiusUser() != null) b.append("radiusUser ").append(t.getRadiusUser());
            else if (t.getSipUri() != null) b.append("sipUri ").append(t.getSipUri());
        }
        return b.toString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String emptyNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
