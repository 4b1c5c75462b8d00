package io.kubeli.mediator.config;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Intercept;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/** Cluster mode: Agencies and Intercepts of one namespace through Fabric8 informers; agency TLS from Secrets. */
public final class KubeResources implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KubeResources.class.getName());
    private final KubernetesClient client;
    private final String namespace;
    private final ResourceCatalog catalog;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    public KubeResources(KubernetesClient client, String namespace, ResourceCatalog catalog) {
        this.client = client;
        this.namespace = namespace;
        this.catalog = catalog;
    }

    public void start() {
        informers.add(client.resources(Agency.class)
                .inNamespace(namespace)
                .inform(
                        new ResourceEventHandler<>() {
                            @Override
                            public void onAdd(Agency a) {
                                put(a);
                            }

                            @Override
                            public void onUpdate(Agency o, Agency a) {
                                if (!sameSpec(o, a)) put(a);
                            }

                            @Override
                            public void onDelete(Agency a, boolean unknown) {
                                catalog.removeAgency(a.getMetadata().getName());
                            }
                        },
                        60_000));
        informers.add(client.resources(Intercept.class)
                .inNamespace(namespace)
                .inform(
                        new ResourceEventHandler<>() {
                            @Override
                            public void onAdd(Intercept i) {
                                catalog.putIntercept(i);
                            }

                            @Override
                            public void onUpdate(Intercept o, Intercept i) {
                                if (!sameSpec(o, i) || deleting(o) != deleting(i)) catalog.putIntercept(i);
                            }

                            @Override
                            public void onDelete(Intercept i, boolean unknown) {
                                catalog.removeIntercept(i.getMetadata().getName());
                            }
                        },
                        60_000));
        LOG.info("watching Agencies and Intercepts in namespace " + namespace);
    }

    // Status writes (ours) change resourceVersion but not generation: they must not count as config changes.
    private static boolean sameSpec(
            io.fabric8.kubernetes.api.model.HasMetadata a, io.fabric8.kubernetes.api.model.HasMetadata b) {
        Long ga = a.getMetadata().getGeneration(), gb = b.getMetadata().getGeneration();
        return ga != null && ga.equals(gb);
    }

    private static boolean deleting(Intercept i) {
        return i.getMetadata().getDeletionTimestamp() != null;
    }

    private void put(Agency a) {
        String err = AgencyEndpoints.validate(a);
        if (err != null) {
            LOG.warning("agency " + a.getMetadata().getName() + " is not usable: " + err);
            return;
        }
        catalog.putAgency(a);
    }

    /** TLS for an agency connection from a kubernetes.io/tls Secret (tls.crt/tls.key client certificate, ca.crt). */
    public SSLContext tls(String secretName) {
        Secret s = client.secrets().inNamespace(namespace).withName(secretName).get();
        if (s == null || s.getData() == null)
            throw new IllegalStateException("TLS Secret " + secretName + " not found");
        try {
            Path dir = Files.createTempDirectory(
                    "kubeli-tls-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            for (String k : List.of("tls.crt", "tls.key", "ca.crt")) {
                String v = s.getData().get(k);
                if (v != null) Files.write(dir.resolve(k), Base64.getDecoder().decode(v));
            }
            try {
                return io.kubeli.mediator.tls.TlsFiles.client(dir);
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) Files.deleteIfExists(p);
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("TLS Secret " + secretName + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (SharedIndexInformer<?> i : informers) i.close();
    }
}
