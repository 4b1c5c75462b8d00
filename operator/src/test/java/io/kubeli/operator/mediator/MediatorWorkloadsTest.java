package io.kubeli.operator.mediator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.api.v1alpha1.PodLogFormat;
import io.kubeli.operator.Fixtures;
import io.kubeli.operator.common.Labels;
import io.kubeli.operator.common.OperatorSettings;
import io.kubeli.pki.CertificateAuthority;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure tests of the mediator's StatefulSet, Service, NetworkPolicy and certificate builders. */
class MediatorWorkloadsTest {
    private static final OperatorSettings S = OperatorSettings.defaults();

    @Test
    void statefulSetHasDurableBufferPerReplicaAndHardenedPod() {
        Mediator m = Fixtures.mediator("mediator.yaml");
        var sts = MediatorWorkloads.statefulSet(m, "abc", S);
        assertEquals("kubeli-mediator-central", sts.getMetadata().getName());
        assertEquals(2, sts.getSpec().getReplicas());
        var pvc = sts.getSpec().getVolumeClaimTemplates().get(0);
        assertEquals("buffer", pvc.getMetadata().getName());
        assertEquals(
                new Quantity("20Gi"), pvc.getSpec().getResources().getRequests().get("storage"));
        assertEquals("fast-ssd", pvc.getSpec().getStorageClassName());
        assertEquals(List.of("ReadWriteOnce"), pvc.getSpec().getAccessModes());
        var pod = sts.getSpec().getTemplate().getSpec();
        var c = pod.getContainers().get(0);
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        // measured (MediatorShutdownIT): exit 0 within 10 s of SIGTERM (under 1 s there); 5 s margin
        assertEquals(15L, pod.getTerminationGracePeriodSeconds());
        assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        assertEquals(9100, c.getPorts().get(0).getContainerPort());
        assertEquals(
                List.of(
                        "--kubernetes",
                        "--namespace",
                        "$(POD_NAMESPACE)",
                        "--mediator-name",
                        "central",
                        "--listen",
                        "9100",
                        "--data",
                        "/data",
                        "--tls-dir",
                        "/etc/kubeli/tls",
                        "--metrics-port",
                        "9464"),
                c.getArgs());
        assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath());
        assertTrue(c.getVolumeMounts().stream()
                .anyMatch(v -> v.getName().equals("buffer") && v.getMountPath().equals(MediatorConfig.BUFFER_MOUNT)));
        assertTrue(pod.getVolumes().stream()
                .anyMatch(v ->
                        v.getSecret() != null && v.getSecret().getSecretName().equals("kubeli-mediator-central-tls")));
        assertEquals(
                "abc",
                sts.getSpec().getTemplate().getMetadata().getAnnotations().get(MediatorWorkloads.TLS_CHECKSUM));
        assertEquals(
                64,
                sts.getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get(Labels.CONFIG_CHECKSUM)
                        .length());
    }

    @Test
    void serviceExposesLinkPortAndPolicyAdmitsOnlyCollectorsOnIt() {
        Mediator m = Fixtures.mediator("mediator.yaml");
        var svc = MediatorWorkloads.service(m);
        assertEquals(9100, svc.getSpec().getPorts().get(0).getPort());
        assertEquals("link", svc.getSpec().getPorts().get(0).getName());
        assertEquals(Labels.selector("mediator", m), svc.getSpec().getSelector());
        var np = MediatorWorkloads.networkPolicy(m, List.of());
        assertEquals(List.of("Ingress"), np.getSpec().getPolicyTypes());
        var link = np.getSpec().getIngress().get(0);
        assertEquals(9100, link.getPorts().get(0).getPort().getIntVal());
        var from = link.getFrom().get(0).getPodSelector().getMatchLabels();
        assertEquals("kubeli-collector", from.get(Labels.NAME));
        assertEquals("central", from.get(Labels.MEDIATOR));
        assertEquals(1, link.getFrom().size());
        var metrics = np.getSpec().getIngress().get(1);
        var withNodes = MediatorWorkloads.networkPolicy(m, List.of("10.20.0.0/24"));
        assertEquals(
                "10.20.0.0/24",
                withNodes
                        .getSpec()
                        .getIngress()
                        .get(0)
                        .getFrom()
                        .get(1)
                        .getIpBlock()
                        .getCidr());
        assertEquals(
                MediatorConfig.METRICS_PORT, metrics.getPorts().get(0).getPort().getIntVal());
    }

    @Test
    void referencedSecretIsMountedButNeverRead() {
        Mediator m = Fixtures.mediator("mediator.yaml");
        m.getSpec().getTls().setOperatorManaged(null);
        m.getSpec().getTls().setSecretRef("my-tls");
        var sts = MediatorWorkloads.statefulSet(m, null, S);
        assertTrue(sts.getSpec().getTemplate().getSpec().getVolumes().stream()
                .anyMatch(v ->
                        v.getSecret() != null && v.getSecret().getSecretName().equals("my-tls")));
        assertNull(sts.getSpec().getTemplate().getMetadata().getAnnotations().get(MediatorWorkloads.TLS_CHECKSUM));
    }

    @Test
    void certificatesAreIssuedOnceAndRotatedWhenAThirdOfTheLifetimeIsLeft() throws Exception {
        Mediator m = Fixtures.mediator("mediator.yaml");
        m.getMetadata().setUid("uid-1");
        Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
        var first = MediatorCertificates.plan(m, null, null, t0, S);
        assertEquals(2, first.toWrite().size());
        Secret ca = first.toWrite().get(0);
        Secret server = first.toWrite().get(1);
        assertEquals("kubeli-mediator-central-ca", ca.getMetadata().getName());
        assertEquals("kubernetes.io/tls", server.getType());
        assertEquals("uid-1", server.getMetadata().getOwnerReferences().get(0).getUid());
        var serverCert = CertificateAuthority.parseCert(MediatorCertificates.decode(server, "tls.crt"));
        serverCert.verify(CertificateAuthority.parseCert(MediatorCertificates.decode(ca, "ca.crt"))
                .getPublicKey());
        assertTrue(serverCert.getSubjectAlternativeNames().stream()
                .anyMatch(n -> n.get(1).equals("kubeli-mediator-central.li.svc")));
        // C4: every replica's name under the headless Service is covered
        assertTrue(serverCert.getSubjectAlternativeNames().stream()
                .anyMatch(n -> n.get(1).equals("*.kubeli-mediator-central-pods.li.svc")));
        // 90-day leaves: renewal at 60 days
        assertEquals(
                t0.plus(Duration.ofDays(60)).minusSeconds(40).getEpochSecond(),
                first.nextRotation().getEpochSecond(),
                60);

        var steady = MediatorCertificates.plan(m, ca, server, t0.plus(Duration.ofDays(30)), S);
        assertTrue(steady.toWrite().isEmpty());
        assertEquals(first.serverChecksum(), steady.serverChecksum());

        var rotated = MediatorCertificates.plan(m, ca, server, t0.plus(Duration.ofDays(61)), S);
        assertEquals(
                List.of("kubeli-mediator-central-tls"),
                rotated.toWrite().stream().map(s -> s.getMetadata().getName()).toList());
        assertNotEquals(first.serverChecksum(), rotated.serverChecksum());
        assertFalse(rotated.nextRotation().isBefore(t0.plus(Duration.ofDays(61))));
    }

    /** A server certificate issued before the headless Service (no per-replica names) is re-issued at once. */
    @Test
    void serverCertificateWithoutThePerReplicaNamesIsReissued() {
        Mediator m = Fixtures.mediator("mediator.yaml");
        Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
        var first = MediatorCertificates.plan(m, null, null, t0, S);
        Secret ca = first.toWrite().get(0);
        var caIssued = MediatorCertificates.readCa(ca);
        var old = CertificateAuthority.issueLeaf(
                caIssued,
                "kubeli-mediator-central",
                List.of("kubeli-mediator-central.li.svc"),
                true,
                t0,
                Duration.ofDays(90));
        Secret oldServer = MediatorCertificates.secret(
                m,
                "mediator",
                "kubeli-mediator-central-tls",
                "kubernetes.io/tls",
                java.util.Map.of("tls.crt", old.certPem(), "tls.key", old.keyPem(), "ca.crt", caIssued.certPem()));
        var plan = MediatorCertificates.plan(m, ca, oldServer, t0.plus(Duration.ofDays(1)), S);
        assertEquals(
                List.of("kubeli-mediator-central-tls"),
                plan.toWrite().stream().map(x -> x.getMetadata().getName()).toList());
    }

    @Test
    void headlessServiceGovernsTheStatefulSet() {
        Mediator m = Fixtures.mediator("mediator.yaml");
        var svc = MediatorWorkloads.headlessService(m);
        assertEquals("kubeli-mediator-central-pods", svc.getMetadata().getName());
        assertEquals("None", svc.getSpec().getClusterIP());
        assertEquals(
                svc.getMetadata().getName(),
                MediatorWorkloads.statefulSet(m, null, S).getSpec().getServiceName());
        assertEquals(
                MediatorWorkloads.service(m).getSpec().getSelector(),
                svc.getSpec().getSelector());
    }

    /**
     * Issue 17: the mediator pods log in spec.logFormat, else in the operator's own format; json is rendered as
     * {@code --log-format json} (and rolls the pods through the args checksum), text as nothing (the default).
     */
    @Test
    void logFormatComesFromTheSpecElseTheOperator() {
        Mediator m = Fixtures.mediator("mediator.yaml");
        OperatorSettings json = S.withLogFormat(PodLogFormat.JSON);
        assertFalse(args(m, S).contains("--log-format"), "text by default: no argument");
        List<String> a = args(m, json);
        assertEquals(
                List.of("--log-format", "json"), a.subList(a.indexOf("--log-format"), a.indexOf("--log-format") + 2));
        m.getSpec().setLogFormat(PodLogFormat.JSON);
        assertTrue(args(m, S).contains("--log-format"), "the spec's json");
        m.getSpec().setLogFormat(PodLogFormat.TEXT);
        assertFalse(args(m, json).contains("--log-format"), "the spec's text wins over the operator's json");
        m.getSpec().setLogFormat(null);
        assertNotEquals(checksum(m, S), checksum(m, json), "a change of format rolls the pods");
    }

    private static List<String> args(Mediator m, OperatorSettings s) {
        return MediatorWorkloads.statefulSet(m, null, s)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getArgs();
    }

    private static String checksum(Mediator m, OperatorSettings s) {
        return MediatorWorkloads.statefulSet(m, null, s)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(Labels.CONFIG_CHECKSUM);
    }
}
