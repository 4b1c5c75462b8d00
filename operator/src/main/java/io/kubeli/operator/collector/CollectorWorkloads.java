package io.kubeli.operator.collector;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.CollectorSpec;
import io.kubeli.api.v1alpha1.DeviceSpec;
import io.kubeli.api.v1alpha1.HugepagesSpec;
import io.kubeli.operator.common.Checksums;
import io.kubeli.operator.common.HealthProbes;
import io.kubeli.operator.common.Labels;
import io.kubeli.operator.common.Names;
import io.kubeli.operator.common.OperatorSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the DaemonSet that runs a Collector on its nodes; pure. */
public final class CollectorWorkloads {
    /** Memory per capture pod when cpus are set but memory is not (requests must equal limits). */
    public static final String DEFAULT_MEMORY = "1Gi";
    /** Mount point of the hugepages volume. */
    public static final String HUGEPAGES_MOUNT = "/dev/hugepages";
    /** Non-root user of pcapfile-only collectors. */
    public static final long NON_ROOT_UID = 10001L;

    private CollectorWorkloads() {}

    /** The DaemonSet for {@code c}; {@code config} is its ConfigMap (its checksum rolls the pods). */
    public static DaemonSet daemonSet(Collector c, MediatorLink link, ConfigMap config, OperatorSettings settings) {
        CollectorSpec spec = c.getSpec();
        String name = Names.collector(c.getMetadata().getName());
        Map<String, String> podLabels = new LinkedHashMap<>(Labels.of("collector", c));
        podLabels.put(Labels.MEDIATOR, link.name());
        String checksum = Checksums.of(config.getData());
        List<Container> inits = new ArrayList<>();
        String image = spec.getImage() != null ? spec.getImage() : settings.collectorImage();
        for (CaptureMethods.XdpSource x : CaptureMethods.xdpSources(spec.getSources())) {
            inits.add(xdpAttach(image, settings, x, inits.size()));
        }
        return new DaemonSetBuilder()
                .withMetadata(Labels.metadata("collector", c, name))
                .withNewSpec()
                .withNewSelector()
                .withMatchLabels(Labels.selector("collector", c))
                .endSelector()
                .withNewUpdateStrategy()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withNewMaxUnavailable(1)
                .endRollingUpdate()
                .endUpdateStrategy()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(podLabels)
                .withAnnotations(Map.of(Labels.CONFIG_CHECKSUM, checksum))
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName(name)
                .withAutomountServiceAccountToken(true)
                .withHostNetwork(true)
                .withDnsPolicy("ClusterFirstWithHostNet")
                .withNodeSelector(
                        spec.getNodeSelector() == null || spec.getNodeSelector().isEmpty()
                                ? null
                                : new LinkedHashMap<>(spec.getNodeSelector()))
                .withAffinity(spec.getAffinity())
                .withTolerations(spec.getTolerations() == null ? List.of() : spec.getTolerations())
                // SIGTERM: the collector drains for --drain-seconds, then stops (measured by CollectorShutdownIT)
                .withTerminationGracePeriodSeconds(terminationGracePeriodSeconds())
                .withNewSecurityContext()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .withInitContainers(inits)
                .withContainers(captureContainer(c, link, image, settings))
                .withVolumes(volumes(c, link))
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** Grace period of a collector pod: the drain the collector is told to wait, plus its measured stop margin. */
    public static long terminationGracePeriodSeconds() {
        return CollectorConfig.DRAIN_SECONDS + CollectorConfig.STOP_MARGIN_SECONDS;
    }

    /** The long-running capture container. */
    static Container captureContainer(Collector c, MediatorLink link, String image, OperatorSettings settings) {
        CollectorSpec spec = c.getSpec();
        List<String> args = CollectorConfig.args(c, link, settings.logFormat(spec.getLogFormat()));
        return new ContainerBuilder()
                .withName("collector")
                .withImage(image)
                .withImagePullPolicy(settings.imagePullPolicy())
                .withArgs(args)
                .withEnv(env(c))
                .withPorts(HealthProbes.metricsPort(CollectorConfig.METRICS_PORT))
                .withLivenessProbe(HealthProbes.liveness(3))
                .withReadinessProbe(HealthProbes.readiness(3))
                .withResources(resources(spec))
                .withSecurityContext(captureSecurityContext(spec))
                .withVolumeMounts(mounts(c, link))
                .build();
    }

    /**
     * Environment: node and pod identity (NODE_NAME keys status.cinSlots; POD_IP, the node's address on the host
     * network, is where metrics bind), and for DPDK the device plugin's PCI variable name.
     */
    static List<EnvVar> env(Collector c) {
        List<EnvVar> env = new ArrayList<>();
        env.add(fieldRef("NODE_NAME", "spec.nodeName"));
        env.add(fieldRef("POD_NAME", "metadata.name"));
        env.add(fieldRef("POD_NAMESPACE", "metadata.namespace"));
        env.add(fieldRef("POD_IP", "status.podIP"));
        env.add(new EnvVarBuilder()
                .withName("KUBELI_COLLECTOR")
                .withValue(c.getMetadata().getName())
                .build());
        DeviceSpec device = c.getSpec().getDevice();
        if (device != null) {
            env.add(new EnvVarBuilder()
                    .withName("KUBELI_PCI_ENV")
                    .withValue(CaptureMethods.pciDeviceEnv(device.getResourceName()))
                    .build());
        }
        return env;
    }

    /**
     * Resources: whole CPUs and memory with requests = limits (Guaranteed QoS, exclusive cores under the static CPU
     * manager), the device-plugin resource and hugepages requested = limited.
     */
    static ResourceRequirements resources(CollectorSpec spec) {
        Map<String, Quantity> amounts = new LinkedHashMap<>();
        if (spec.getCpus() != null) {
            amounts.put("cpu", new Quantity(spec.getCpus().toString()));
            amounts.put("memory", spec.getMemory() != null ? spec.getMemory() : new Quantity(DEFAULT_MEMORY));
        } else if (spec.getMemory() != null) {
            amounts.put("memory", spec.getMemory());
        }
        DeviceSpec device = spec.getDevice();
        if (device != null) {
            amounts.put(
                    device.getResourceName(),
                    new Quantity(Integer.toString(device.getCount() == null ? 1 : device.getCount())));
            HugepagesSpec hp = device.getHugepages();
            if (hp != null) {
                amounts.put(hp.resourceName(), hp.getAmount());
            }
        }
        if (amounts.isEmpty()) {
            return new ResourceRequirementsBuilder().build();
        }
        return new ResourceRequirementsBuilder()
                .withRequests(new LinkedHashMap<>(amounts))
                .withLimits(new LinkedHashMap<>(amounts))
                .build();
    }

    /** Capture container: drop ALL, add what the methods need; read-only root; root only for live capture. */
    static SecurityContext captureSecurityContext(CollectorSpec spec) {
        boolean root = CaptureMethods.needsRoot(spec.getSources());
        Capabilities caps = new CapabilitiesBuilder()
                .withDrop("ALL")
                .withAdd(CaptureMethods.captureCapabilities(spec.getSources()))
                .build();
        return new SecurityContextBuilder()
                .withCapabilities(caps)
                .withReadOnlyRootFilesystem(true)
                .withAllowPrivilegeEscalation(false)
                .withPrivileged(false)
                .withRunAsNonRoot(!root)
                .withRunAsUser(root ? 0L : NON_ROOT_UID)
                .withRunAsGroup(root ? 0L : NON_ROOT_UID)
                .build();
    }

    /** Init container that attaches the XDP program (NET_ADMIN + BPF), so the capture container keeps NET_RAW only. */
    static Container xdpAttach(String image, OperatorSettings settings, CaptureMethods.XdpSource x, int index) {
        return new ContainerBuilder()
                .withName("xdp-attach-" + index)
                .withImage(image)
                .withImagePullPolicy(settings.imagePullPolicy())
                .withArgs(
                        "xdp-attach",
                        "--iface",
                        x.iface(),
                        "--mode",
                        x.mode(),
                        "--queues",
                        Integer.toString(x.queues()))
                .withSecurityContext(new SecurityContextBuilder()
                        .withCapabilities(new CapabilitiesBuilder()
                                .withDrop("ALL")
                                .withAdd(CaptureMethods.xdpAttachCapabilities())
                                .build())
                        .withReadOnlyRootFilesystem(true)
                        .withAllowPrivilegeEscalation(false)
                        .withPrivileged(false)
                        .withRunAsNonRoot(false)
                        .withRunAsUser(0L)
                        .build())
                .withResources(new ResourceRequirementsBuilder()
                        .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")))
                        .withLimits(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")))
                        .build())
                .withVolumeMounts(
                        new VolumeMountBuilder()
                                .withName("tmp")
                                .withMountPath("/tmp")
                                .build(),
                        bpffsMount())
                .build();
    }

    /** Where the init step pins the XDP program's socket map and the capture container finds it. */
    public static final String BPFFS = "/sys/fs/bpf";

    private static VolumeMount bpffsMount() {
        return new VolumeMountBuilder().withName("bpffs").withMountPath(BPFFS).build();
    }

    static List<VolumeMount> mounts(Collector c, MediatorLink link) {
        List<VolumeMount> m = new ArrayList<>();
        m.add(new VolumeMountBuilder()
                .withName("config")
                .withMountPath(CollectorConfig.MOUNT)
                .withReadOnly(true)
                .build());
        if (link.tlsSecret() != null) {
            m.add(new VolumeMountBuilder()
                    .withName("tls")
                    .withMountPath(CollectorConfig.TLS_MOUNT)
                    .withReadOnly(true)
                    .build());
        }
        m.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
        m.add(new VolumeMountBuilder()
                .withName("spool")
                .withMountPath(CollectorConfig.SPOOL_MOUNT)
                .build());
        if (hugepages(c) != null) {
            m.add(new VolumeMountBuilder()
                    .withName("hugepages")
                    .withMountPath(HUGEPAGES_MOUNT)
                    .build());
        }
        if (!CaptureMethods.xdpSources(c.getSpec().getSources()).isEmpty()) {
            m.add(bpffsMount());
        }
        return m;
    }

    static List<Volume> volumes(Collector c, MediatorLink link) {
        List<Volume> v = new ArrayList<>();
        v.add(new VolumeBuilder()
                .withName("config")
                .withNewConfigMap()
                .withName(Names.collector(c.getMetadata().getName()))
                .endConfigMap()
                .build());
        if (link.tlsSecret() != null) {
            v.add(new VolumeBuilder()
                    .withName("tls")
                    .withNewSecret()
                    .withSecretName(link.tlsSecret())
                    .withDefaultMode(0440)
                    .endSecret()
                    .build());
        }
        v.add(new VolumeBuilder()
                .withName("tmp")
                .withNewEmptyDir()
                .withSizeLimit(new Quantity("256Mi"))
                .endEmptyDir()
                .build());
        v.add(new VolumeBuilder()
                .withName("spool")
                .withNewEmptyDir()
                .withSizeLimit(new Quantity("4Gi"))
                .endEmptyDir()
                .build());
        HugepagesSpec hp = hugepages(c);
        if (hp != null) {
            v.add(new VolumeBuilder()
                    .withName("hugepages")
                    .withNewEmptyDir()
                    .withMedium("HugePages-" + hp.getPageSize())
                    .endEmptyDir()
                    .build());
        }
        if (!CaptureMethods.xdpSources(c.getSpec().getSources()).isEmpty()) {
            // the host's bpffs: the pinned xsks_map outlives the init container and is shared with the capture
            // container
            v.add(new VolumeBuilder()
                    .withName("bpffs")
                    .withNewHostPath()
                    .withPath(BPFFS)
                    .withType("Directory")
                    .endHostPath()
                    .build());
        }
        return v;
    }

    private static HugepagesSpec hugepages(Collector c) {
        DeviceSpec d = c.getSpec().getDevice();
        return d == null ? null : d.getHugepages();
    }

    private static EnvVar fieldRef(String name, String path) {
        return new EnvVarBuilder()
                .withName(name)
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath(path)
                .endFieldRef()
                .endValueFrom()
                .build();
    }
}
