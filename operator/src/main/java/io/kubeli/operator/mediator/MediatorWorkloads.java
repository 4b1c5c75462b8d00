package io.kubeli.operator.mediator;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.api.v1alpha1.MediatorSpec;
import io.kubeli.operator.common.Checksums;
import io.kubeli.operator.common.HealthProbes;
import io.kubeli.operator.common.Labels;
import io.kubeli.operator.common.Names;
import io.kubeli.operator.common.OperatorSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a Mediator's StatefulSet, its ClusterIP and headless Services and NetworkPolicy; pure. */
public final class MediatorWorkloads {
    /** Buffer volume size when the spec gives none. */
    public static final String DEFAULT_STORAGE = "10Gi";
    /** Pod annotation with the checksum of the TLS material (operator-managed certificates roll the pods). */
    public static final String TLS_CHECKSUM = "li.kubeli.io/tls-checksum";

    public static final long UID = 10001L;

    /** Documented upper bound of the mediator's stop after SIGTERM (its timer waits up to 5 s for a running task). */
    public static final long STOP_SECONDS = 10;
    /** Grace period of a mediator pod: its stop time plus a margin. */
    public static final long TERMINATION_GRACE_SECONDS = STOP_SECONDS + 5;

    private MediatorWorkloads() {}

    /** The StatefulSet; {@code tlsChecksum} is null unless the operator manages the certificates. */
    public static StatefulSet statefulSet(Mediator m, String tlsChecksum, OperatorSettings settings) {
        MediatorSpec spec = m.getSpec();
        String name = Names.mediator(m.getMetadata().getName());
        List<String> args = MediatorConfig.args(m, settings.logFormat(spec.getLogFormat()));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(Labels.CONFIG_CHECKSUM, Checksums.sha256(String.join("\n", args)));
        if (tlsChecksum != null) {
            annotations.put(TLS_CHECKSUM, tlsChecksum);
        }
        var storage = spec.getStorage();
        return new StatefulSetBuilder()
                .withMetadata(Labels.metadata("mediator", m, name))
                .withNewSpec()
                .withReplicas(spec.getReplicas() == null ? 1 : spec.getReplicas())
                .withServiceName(Names.mediatorPods(m.getMetadata().getName()))
                .withPodManagementPolicy("Parallel")
                .withNewSelector()
                .withMatchLabels(Labels.selector("mediator", m))
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Labels.of("mediator", m))
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName(name)
                // SIGTERM: the mediator stops acknowledging, closes its stores and exits (MediatorShutdownIT: under 1
                // s;
                // at most STOP_SECONDS); whatever it acknowledged is on the volume
                .withTerminationGracePeriodSeconds(TERMINATION_GRACE_SECONDS)
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(UID)
                .withRunAsGroup(UID)
                .withFsGroup(UID)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .withContainers(new ContainerBuilder()
                        .withName("mediator")
                        .withImage(spec.getImage() != null ? spec.getImage() : settings.mediatorImage())
                        .withImagePullPolicy(settings.imagePullPolicy())
                        .withArgs(args)
                        .addNewEnv()
                        .withName("POD_NAME")
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("metadata.name")
                        .endFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .addNewEnv()
                        .withName("POD_NAMESPACE")
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("metadata.namespace")
                        .endFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .addNewPort()
                        .withName("link")
                        .withContainerPort(spec.servicePort())
                        .withProtocol("TCP")
                        .endPort()
                        .addToPorts(HealthProbes.metricsPort(MediatorConfig.METRICS_PORT))
                        .withLivenessProbe(HealthProbes.liveness(null))
                        .withReadinessProbe(HealthProbes.readiness(null))
                        .withResources(spec.getResources() != null ? spec.getResources() : defaultResources())
                        .withNewSecurityContext()
                        .withReadOnlyRootFilesystem(true)
                        .withAllowPrivilegeEscalation(false)
                        .withPrivileged(false)
                        .withNewCapabilities()
                        .withDrop("ALL")
                        .endCapabilities()
                        .endSecurityContext()
                        .withVolumeMounts(mounts(m))
                        .build())
                .withVolumes(volumes(m))
                .endSpec()
                .endTemplate()
                .withVolumeClaimTemplates(new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName("buffer")
                        .withLabels(Labels.of("mediator", m))
                        .endMetadata()
                        .withNewSpec()
                        .withAccessModes("ReadWriteOnce")
                        .withStorageClassName(storage == null ? null : storage.getStorageClassName())
                        .withNewResources()
                        .withRequests(Map.of(
                                "storage",
                                storage != null && storage.getSize() != null
                                        ? storage.getSize()
                                        : new Quantity(DEFAULT_STORAGE)))
                        .endResources()
                        .endSpec()
                        .build())
                .endSpec()
                .build();
    }

    static ResourceRequirements defaultResources() {
        return new ResourceRequirementsBuilder()
                .withRequests(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("1Gi")))
                .withLimits(Map.of("memory", new Quantity("1Gi")))
                .build();
    }

    static List<VolumeMount> mounts(Mediator m) {
        List<VolumeMount> out = new ArrayList<>();
        out.add(new VolumeMountBuilder()
                .withName("buffer")
                .withMountPath(MediatorConfig.BUFFER_MOUNT)
                .build());
        if (MediatorConfig.serverTlsSecret(m) != null) {
            out.add(new VolumeMountBuilder()
                    .withName("tls")
                    .withMountPath(MediatorConfig.TLS_MOUNT)
                    .withReadOnly(true)
                    .build());
        }
        out.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
        return out;
    }

    static List<Volume> volumes(Mediator m) {
        List<Volume> out = new ArrayList<>();
        String tls = MediatorConfig.serverTlsSecret(m);
        if (tls != null) {
            out.add(new VolumeBuilder()
                    .withName("tls")
                    .withNewSecret()
                    .withSecretName(tls)
                    .withDefaultMode(0440)
                    .endSecret()
                    .build());
        }
        out.add(new VolumeBuilder()
                .withName("tmp")
                .withNewEmptyDir()
                .withSizeLimit(new Quantity("256Mi"))
                .endEmptyDir()
                .build());
        return out;
    }

    /** The Service collectors connect to (link port) and Prometheus scrapes (metrics port). */
    public static Service service(Mediator m) {
        return new ServiceBuilder()
                .withMetadata(Labels.metadata(
                        "mediator", m, Names.mediator(m.getMetadata().getName())))
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(Labels.selector("mediator", m))
                .withPorts(
                        servicePort("link", m.getSpec().servicePort()),
                        servicePort("metrics", MediatorConfig.METRICS_PORT))
                .endSpec()
                .build();
    }

    /**
     * The headless Service governing the StatefulSet: DNS names kubeli-mediator-NAME-N.kubeli-mediator-NAME-pods.NS.svc
     * for each replica N, so each collector instance reaches its one fixed replica (contract C4).
     */
    public static Service headlessService(Mediator m) {
        return new ServiceBuilder()
                .withMetadata(Labels.metadata(
                        "mediator", m, Names.mediatorPods(m.getMetadata().getName())))
                .withNewSpec()
                .withClusterIP("None")
                .withSelector(Labels.selector("mediator", m))
                .withPorts(servicePort("link", m.getSpec().servicePort()))
                .endSpec()
                .build();
    }

    /** A TCP Service port forwarding to the container port of the same name. */
    private static ServicePort servicePort(String name, int port) {
        return new ServicePortBuilder()
                .withName(name)
                .withPort(port)
                .withTargetPort(new IntOrString(name))
                .withProtocol("TCP")
                .build();
    }

    /**
     * Admits the link port only from this mediator's collector pods (by label) and the metrics port from anywhere;
     * everything else inbound is denied. Collector pods use the host network, so their connections come from node
     * addresses, which most CNIs do not match against pod selectors: {@code collectorNodeCidrs} (operator setting
     * kubeli.mediator.collector-node-cidrs) adds the capture nodes' CIDRs as ipBlock peers.
     */
    public static NetworkPolicy networkPolicy(Mediator m, List<String> collectorNodeCidrs) {
        String name = m.getMetadata().getName();
        List<NetworkPolicyPeer> from = new ArrayList<>();
        from.add(new NetworkPolicyPeerBuilder()
                .withNewPodSelector()
                .addToMatchLabels(Labels.NAME, "kubeli-collector")
                .addToMatchLabels(Labels.MEDIATOR, name)
                .endPodSelector()
                .build());
        for (String cidr : collectorNodeCidrs) {
            from.add(new NetworkPolicyPeerBuilder()
                    .withNewIpBlock()
                    .withCidr(cidr)
                    .endIpBlock()
                    .build());
        }
        return new NetworkPolicyBuilder()
                .withMetadata(Labels.metadata("mediator", m, Names.mediator(name)))
                .withNewSpec()
                .withPodSelector(new LabelSelectorBuilder()
                        .withMatchLabels(Labels.selector("mediator", m))
                        .build())
                .withPolicyTypes("Ingress")
                .addNewIngress()
                .withFrom(from)
                .addNewPort()
                .withProtocol("TCP")
                .withPort(new IntOrString(m.getSpec().servicePort()))
                .endPort()
                .endIngress()
                .addNewIngress()
                .addNewPort()
                .withProtocol("TCP")
                .withPort(new IntOrString(MediatorConfig.METRICS_PORT))
                .endPort()
                .endIngress()
                .endSpec()
                .build();
    }
}
