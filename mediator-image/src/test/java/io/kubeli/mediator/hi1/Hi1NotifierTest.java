package io.kubeli.mediator.hi1;

import static org.junit.jupiter.api.Assertions.*;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.link.FsyncPolicy;
import io.kubeli.mediator.MediatorRig;
import io.kubeli.mediator.config.ResourceCatalog;
import io.kubeli.mediator.ingest.DedupState;
import io.kubeli.mediator.ingest.Ingest;
import io.kubeli.mediator.store.DeliveryLog;
import io.kubeli.mediator.store.LinkSegmentLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HI1 notifications are durable and exactly once around every crash point: before, during and after storing. */
class Hi1NotifierTest {
    @TempDir
    Path tmp;

    final java.util.List<DeliveryLog> logs = new java.util.ArrayList<>();

    DeliveryLog log(String name) throws Exception {
        DeliveryLog l = new LinkSegmentLog(tmp.resolve(name), 64 << 10, 8 << 20, FsyncPolicy.none());
        logs.add(l);
        return l;
    }

    static ResourceCatalog catalog() {
        String[] docs = MediatorRig.yaml("ic-a", "LIID-A", "both", 1, 2).split("---");
        ResourceCatalog c = new ResourceCatalog();
        c.putAgency(Serialization.unmarshal(docs[0], Agency.class));
        c.putIntercept(Serialization.unmarshal(docs[1], Intercept.class));
        return c;
    }

    @Test
    void aDecidedNotificationSurvivesAFailedStoreAndIsStoredOnceWhateverTheCrashPoint() throws Exception {
        ResourceCatalog catalog = catalog();
        DeliveryLog hi2 = log("hi2"), hi3 = log("hi3");
        AtomicBoolean diskBroken = new AtomicBoolean(true);
        DedupState dedup = new DedupState(tmp.resolve("dedup.properties"));
        Ingest ingest = new Ingest(
                catalog,
                a -> {
                    if (diskBroken.get()) throw new IllegalStateException("disk broken");
                    return new DeliveryLog[] {hi2, hi3};
                },
                log("held"),
                log("quarantine"),
                dedup);
        Path state = tmp.resolve("hi1-state.properties");
        Instant now = Instant.parse("2026-06-01T00:00:00Z");

        Hi1Notifier n = new Hi1Notifier(catalog, ingest, state);
        n.reconcile(now); // decided and written down, not stored
        assertEquals(1, n.pendingCount());
        assertEquals(0, hi2.end());
        assertEquals(
                "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));

        // "crash": a new notifier from the state file stores the same notification once the disk works again
        diskBroken.set(false);
        Path before = Files.copy(state, tmp.resolve("state-before-store"), StandardCopyOption.REPLACE_EXISTING);
        Hi1Notifier again = new Hi1Notifier(catalog, ingest, state);
        again.flush();
        assertEquals(0, again.pendingCount());
        assertEquals(1, hi2.end());
        again.reconcile(now); // nothing changed: nothing new
        assertEquals(1, hi2.end());

        // "crash" after storing but before the state file noted it: the replay is recognised as stored
        Files.copy(before, state, StandardCopyOption.REPLACE_EXISTING);
        Hi1Notifier replay = new Hi1Notifier(catalog, ingest, state);
        assertEquals(1, replay.pendingCount());
        replay.flush();
        assertEquals(1, hi2.end(), "stored exactly once");
        assertEquals(0, replay.pendingCount());

        // the window closes: one deactivation
        replay.reconcile(Instant.parse("2031-01-01T00:00:00Z"));
        assertEquals(2, hi2.end());
        replay.reconcile(Instant.parse("2031-01-01T00:00:01Z"));
        assertEquals(2, hi2.end());
        assertEquals(1, replay.deactivations.get());
        for (DeliveryLog l : logs) l.close();
    }

    @Test
    void aCorruptStateFileEntryIsIgnoredNotFatal() throws Exception {
        Path state = tmp.resolve("hi1-state.properties");
        Files.writeString(state, "next=zz\ntold.ic-a=garbage\npending.x=y\n");
        ResourceCatalog catalog = catalog();
        DeliveryLog hi2 = log("hi2"), hi3 = log("hi3");
        Ingest ingest = new Ingest(
                catalog,
                a -> new DeliveryLog[] {hi2, hi3},
                log("held"),
                log("quarantine"),
                new DedupState(tmp.resolve("dedup.properties")));
        Hi1Notifier n = new Hi1Notifier(catalog, ingest, state);
        n.reconcile(Instant.parse("2026-06-01T00:00:00Z"));
        assertEquals(1, hi2.end(), "the Intercept is announced afresh");
        for (DeliveryLog l : logs) l.close();
    }
}
