package io.kubeli.operator.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.PodLogFormat;
import io.kubeli.operator.Fixtures;
import io.kubeli.operator.common.Labels;
import io.kubeli.operator.common.OperatorSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pure tests of the collector's DaemonSet, ConfigMap and RBAC builders. */
class CollectorWorkloadsTest {
    private static final OperatorSettings S = OperatorSettings.defaults();

    private static DaemonSet build(Collector c, MediatorLink link) {
        return CollectorWorkloads.daemonSet(c, link, CollectorConfig.configMap(c, link), S);
    }

    /** The Collector of deploy/examples. */
    private static Collector exampleCollector() throws java.io.IOException {
        return Fixtures.examples().stream()
                .filter(h -> "Collector".equals(h.getKind()))
                .map(h -> io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                        io.fabric8.kubernetes.client.utils.Serialization.asYaml(h), Collector.class))
                .findFirst()
                .orElseThrow();
    }

    private static MediatorLink plain() {
        return new MediatorLink("central", "kubeli-mediator-central.li.svc", 9100, null);
    }

    @Test
    void afpacketCollectorRunsOnHostNetworkWithItsCapabilities() {
        Collector c = Fixtures.collector("collector-afpacket.yaml");
        DaemonSet ds = build(
                c, new MediatorLink("central", "kubeli-mediator-central.li.svc", 9100, "kubeli-collector-edge-tls"));
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        assertEquals("kubeli-collector-edge", ds.getMetadata().getName());
        assertEquals("li", ds.getMetadata().getNamespace());
        assertTrue(pod.getHostNetwork());
        assertEquals("ClusterFirstWithHostNet", pod.getDnsPolicy());
        assertEquals(Map.of("kubeli.io/capture", "true"), pod.getNodeSelector());
        assertEquals("capture", pod.getTolerations().get(0).getValue());
        assertEquals("kubeli-collector-edge", pod.getServiceAccountName());
        assertEquals(
                ds.getSpec().getSelector().getMatchLabels().entrySet().stream()
                        .allMatch(e -> e.getValue()
                                .equals(ds.getSpec()
                                        .getTemplate()
                                        .getMetadata()
                                        .getLabels()
                                        .get(e.getKey()))),
                true);
        assertEquals(
                "central", ds.getSpec().getTemplate().getMetadata().getLabels().get(Labels.MEDIATOR));
        Container main = pod.getContainers().get(0);
        assertEquals(List.of("ALL"), main.getSecurityContext().getCapabilities().getDrop());
        assertEquals(
                List.of("NET_ADMIN", "NET_RAW"),
                main.getSecurityContext().getCapabilities().getAdd());
        assertTrue(main.getSecurityContext().getReadOnlyRootFilesystem());
        assertFalse(main.getSecurityContext().getAllowPrivilegeEscalation());
        assertFalse(main.getSecurityContext().getPrivileged());
        // Guaranteed QoS: whole CPUs, requests = limits
        assertEquals(new Quantity("4"), main.getResources().getRequests().get("cpu"));
        assertEquals(main.getResources().getRequests(), main.getResources().getLimits());
        assertEquals(new Quantity("4Gi"), main.getResources().getLimits().get("memory"));
        assertEquals("metrics", main.getPorts().get(0).getName());
        assertEquals(CollectorConfig.METRICS_PORT, main.getPorts().get(0).getContainerPort());
        assertEquals("/healthz", main.getLivenessProbe().getHttpGet().getPath());
        assertEquals("/readyz", main.getReadinessProbe().getHttpGet().getPath());
        assertTrue(pod.getVolumes().stream()
                .anyMatch(v ->
                        v.getSecret() != null && v.getSecret().getSecretName().equals("kubeli-collector-edge-tls")));
        assertTrue(
                main.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals(CollectorConfig.TLS_MOUNT)));
        assertTrue(pod.getInitContainers().isEmpty());
        assertEquals(
                List.of(
                        "--kubernetes",
                        "--namespace",
                        "$(POD_NAMESPACE)",
                        "--collector-id",
                        "edge",
                        "--source",
                        "afpacket:ens1f0?threads=4&fanout=ip",
                        "--filter",
                        "not port 22",
                        "--output",
                        "mediator:kubeli-mediator-central.li.svc:9100",
                        "--tls",
                        "/etc/kubeli/tls",
                        "--network-element-id",
                        "edge",
                        "--spool",
                        "/spool",
                        "--drain-seconds",
                        "10",
                        "--metrics-address",
                        "$(POD_IP)",
                        "--metrics-port",
                        "9464"),
                main.getArgs());
        // the downward API gives POD_IP = the node's address (host network): metrics are not on every interface
        assertTrue(main.getEnv().stream()
                .anyMatch(e -> e.getName().equals("POD_IP")
                        && e.getValueFrom().getFieldRef().getFieldPath().equals("status.podIP")));
        assertTrue(
                main.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/spool")));
    }

    @Test
    void dpdkCollectorGetsDeviceHugepagesPinnedCpusAndPciVariable() {
        Collector c = Fixtures.collector("collector-dpdk.yaml");
        PodSpec pod = build(c, plain()).getSpec().getTemplate().getSpec();
        Container main = pod.getContainers().get(0);
        Map<String, Quantity> req = main.getResources().getRequests();
        assertEquals(new Quantity("1"), req.get("intel.com/li_dpdk"));
        assertEquals(new Quantity("4Gi"), req.get("hugepages-1Gi"));
        assertEquals(new Quantity("6"), req.get("cpu"));
        assertEquals(new Quantity("8Gi"), req.get("memory"));
        assertEquals(req, main.getResources().getLimits());
        assertEquals(
                List.of("IPC_LOCK", "NET_ADMIN", "NET_RAW", "SYS_NICE"),
                main.getSecurityContext().getCapabilities().getAdd());
        assertTrue(pod.getVolumes().stream()
                .anyMatch(v -> v.getName().equals("hugepages")
                        && "HugePages-1Gi".equals(v.getEmptyDir().getMedium())));
        assertTrue(main.getVolumeMounts().stream()
                .anyMatch(
                        m -> m.getName().equals("hugepages") && m.getMountPath().equals("/dev/hugepages")));
        assertTrue(main.getEnv().stream()
                .anyMatch(e ->
                        e.getName().equals("KUBELI_PCI_ENV") && e.getValue().equals("PCIDEVICE_INTEL_COM_LI_DPDK")));
        assertTrue(main.getArgs().contains("--eal-lcores-from-cpuset"));
        // Multus ignores hostNetwork pods: no network annotations
        assertNull(build(c, plain())
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get("k8s.v1.cni.cncf.io/networks"));
        String props = CollectorConfig.render(CollectorConfig.properties(c, plain()));
        assertTrue(props.contains("dpdk.pciEnv=PCIDEVICE_INTEL_COM_LI_DPDK\n"));
        assertTrue(props.contains("dpdk.lcores=cpuset\n"));
        assertTrue(props.contains("collector.networkElementId=core-dpdk-1\n"));
    }

    @Test
    void xdpCollectorAttachesInInitContainerAndCapturesWithNetRawOnly() {
        Collector c = Fixtures.collector("collector-xdp.yaml");
        PodSpec pod = build(c, plain()).getSpec().getTemplate().getSpec();
        Container main = pod.getContainers().get(0);
        // IPC_LOCK: the UMEM is not charged to RLIMIT_MEMLOCK (a runtime's 64 KiB default would refuse it)
        assertEquals(
                List.of("IPC_LOCK", "NET_RAW"),
                main.getSecurityContext().getCapabilities().getAdd());
        assertEquals(1, pod.getInitContainers().size());
        Container init = pod.getInitContainers().get(0);
        assertEquals(
                List.of("BPF", "NET_ADMIN"),
                init.getSecurityContext().getCapabilities().getAdd());
        assertEquals(List.of("ALL"), init.getSecurityContext().getCapabilities().getDrop());
        assertEquals(List.of("xdp-attach", "--iface", "ens2f0", "--mode", "native", "--queues", "4"), init.getArgs());
        assertTrue(main.getResources().getRequests() == null
                || main.getResources().getRequests().isEmpty());
        assertTrue(main.getArgs().containsAll(List.of("--tls", "none", "--source", "xdp:ens2f0?queues=4&mode=native")));
        // the program's socket map is pinned by the init step and found by the capture container on the host's bpffs
        for (Container x : List.of(init, main)) {
            assertTrue(
                    x.getVolumeMounts().stream()
                            .anyMatch(m -> m.getName().equals("bpffs")
                                    && m.getMountPath().equals("/sys/fs/bpf")),
                    x.getName() + " mounts bpffs");
        }
        var bpffs = pod.getVolumes().stream()
                .filter(v -> v.getName().equals("bpffs"))
                .findFirst()
                .orElseThrow();
        assertEquals("/sys/fs/bpf", bpffs.getHostPath().getPath());
        assertEquals("Directory", bpffs.getHostPath().getType());
    }

    @Test
    void terminationGracePeriodCoversTheDrainTheCollectorIsToldPlusItsStopMargin() {
        for (String f : List.of("collector-afpacket.yaml", "collector-xdp.yaml", "collector-dpdk.yaml")) {
            Collector c = Fixtures.collector(f);
            PodSpec pod = build(c, plain()).getSpec().getTemplate().getSpec();
            List<String> args = pod.getContainers().get(0).getArgs();
            int drain = Integer.parseInt(args.get(args.indexOf("--drain-seconds") + 1));
            assertEquals(CollectorConfig.DRAIN_SECONDS, drain, f);
            // measured (CollectorShutdownIT): exit within drain + 5 s of SIGTERM; the grace period leaves more room
            assertTrue(
                    pod.getTerminationGracePeriodSeconds() >= drain + 5,
                    f + ": " + pod.getTerminationGracePeriodSeconds());
            assertEquals(20L, pod.getTerminationGracePeriodSeconds(), f);
        }
    }

    @Test
    void pcapfileCollectorRunsAsNonRootWithoutCapabilities() {
        Collector c = Fixtures.collector("collector-xdp.yaml");
        c.getSpec().getSources().get(0).setUri("pcapfile:/data/trace.pcap");
        Container main = main(build(c, plain()));
        assertTrue(main.getSecurityContext().getRunAsNonRoot());
        assertEquals(CollectorWorkloads.NON_ROOT_UID, main.getSecurityContext().getRunAsUser());
        assertTrue(main.getSecurityContext().getCapabilities().getAdd().isEmpty());
    }

    @Test
    void configChangeChangesThePodTemplateChecksum() {
        Collector c = Fixtures.collector("collector-afpacket.yaml");
        String before = build(c, plain())
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(Labels.CONFIG_CHECKSUM);
        assertEquals(
                before,
                build(c, plain())
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get(Labels.CONFIG_CHECKSUM));
        c.getSpec().getSources().get(0).setFilter("not port 23");
        String after = build(c, plain())
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(Labels.CONFIG_CHECKSUM);
        assertNotEquals(before, after);
        assertEquals(64, after.length());
    }

    @Test
    void pciVariableNameFollowsTheDevicePluginConvention() {
        assertEquals("PCIDEVICE_INTEL_COM_LI_DPDK", CaptureMethods.pciDeviceEnv("intel.com/li_dpdk"));
        assertEquals("PCIDEVICE_MELLANOX_COM_CX6_VF", CaptureMethods.pciDeviceEnv("mellanox.com/cx6-vf"));
    }

    @Test
    void roleOnlyReadsInterceptsAgenciesAndGetsItsOwnCollector() {
        Collector c = Fixtures.collector("collector-afpacket.yaml");
        var rules = CollectorRbac.role(c).getRules();
        assertEquals(2, rules.size());
        assertEquals(List.of("intercepts", "agencies"), rules.get(0).getResources());
        assertEquals(List.of("get", "list", "watch"), rules.get(0).getVerbs());
        assertEquals(List.of("collectors"), rules.get(1).getResources());
        assertEquals(List.of("edge"), rules.get(1).getResourceNames());
        assertEquals(List.of("get", "list", "watch"), rules.get(1).getVerbs());
        var binding = CollectorRbac.roleBinding(c);
        assertEquals("kubeli-collector-edge", binding.getSubjects().get(0).getName());
        assertEquals("Role", binding.getRoleRef().getKind());
    }

    @Test
    void validationRejectsDpdkWithoutCpusAndUnknownMethods() {
        Collector c = Fixtures.collector("collector-dpdk.yaml");
        c.getSpec().setCpus(null);
        assertTrue(CollectorValidation.problems(c.getSpec()).stream().anyMatch(p -> p.contains("spec.cpus")));
        c = Fixtures.collector("collector-xdp.yaml");
        c.getSpec().getSources().get(0).setUri("xdp:eth0?mode=turbo");
        assertTrue(CollectorValidation.problems(c.getSpec()).stream().anyMatch(p -> p.contains("native or skb")));
        assertTrue(CollectorValidation.problems(
                        Fixtures.collector("collector-afpacket.yaml").getSpec())
                .isEmpty());
    }

    @Test
    void validationRefusesDpdkAfPacketUnlessFragmentReassemblyIsAccepted() {
        Collector c = Fixtures.collector("collector-dpdk.yaml");
        c.getSpec().getSources().get(0).setUri("dpdk:vdev=net_af_packet0,iface=eth1");
        assertTrue(CollectorValidation.problems(c.getSpec()).stream()
                .anyMatch(p -> p.contains("reassembles IPv4 fragments")));
        c.getSpec().getSources().get(0).setUri("dpdk:vdev=net_af_packet0,iface=eth1?defrag=accept");
        assertTrue(CollectorValidation.problems(c.getSpec()).isEmpty());
    }

    /** Issue 13 obs 9: the example used fanout=hash, which loses IPv4 fragments as sent. */
    @Test
    void exampleUsesFanoutIpAndFanoutHashIsRefused() throws Exception {
        Collector example = exampleCollector();
        assertTrue(example.getSpec().getSources().stream()
                .noneMatch(s -> s.getUri().contains("fanout=hash")));
        assertTrue(CollectorValidation.problems(example.getSpec()).isEmpty());
        Collector c = Fixtures.collector("collector-afpacket.yaml");
        c.getSpec().getSources().get(0).setUri("afpacket:ens1f0?threads=4&fanout=hash");
        assertTrue(CollectorValidation.problems(c.getSpec()).stream().anyMatch(p -> p.contains("use fanout=ip")));
    }

    /** Contract C4: with mediator replicas the collector dials its one replica through the headless Service. */
    @Test
    void collectorsOfAReplicatedMediatorGetThePerReplicaHostAndTheReplicaCount() {
        Collector c = Fixtures.collector("collector-afpacket.yaml");
        io.kubeli.api.v1alpha1.Mediator m = Fixtures.mediator("mediator.yaml");
        m.getSpec().setReplicas(3);
        MediatorLink link = MediatorLink.of("central", "li", m, "edge");
        assertEquals("kubeli-collector-edge-tls", link.tlsSecret());
        List<String> args = CollectorConfig.args(c, link, PodLogFormat.TEXT);
        int o = args.indexOf("--output");
        assertEquals(
                "mediator:kubeli-mediator-central-{replica}.kubeli-mediator-central-pods.li.svc:9100", args.get(o + 1));
        assertEquals("3", args.get(args.indexOf("--mediator-replicas") + 1));
        m.getSpec().setReplicas(1);
        List<String> single = CollectorConfig.args(c, MediatorLink.of("central", "li", m, "edge"), PodLogFormat.TEXT);
        assertFalse(single.contains("--mediator-replicas"));
        assertEquals("mediator:kubeli-mediator-central.li.svc:9100", single.get(single.indexOf("--output") + 1));
    }

    /** Issue 14: the Collector's radius block becomes the collector's --radius-* flags; unset fields add nothing. */
    @Test
    void radiusOptionsBecomeCollectorFlagsAndBadValuesAreRefused() {
        Collector c = Fixtures.collector("collector-afpacket.yaml");
        assertFalse(
                CollectorConfig.args(c, plain(), PodLogFormat.TEXT).stream().anyMatch(a -> a.startsWith("--radius")));
        io.kubeli.api.v1alpha1.RadiusSpec r = new io.kubeli.api.v1alpha1.RadiusSpec();
        r.setPorts(List.of(1812, 1813, 31812));
        r.setMaxSessions(500_000);
        r.setIdleTimeout(900);
        r.setIdentity("both");
        c.getSpec().setRadius(r);
        List<String> args = args(c, S);
        assertEquals(
                List.of(
                        "--radius-ports",
                        "1812,1813,31812",
                        "--radius-max-sessions",
                        "500000",
                        "--radius-idle-timeout",
                        "900",
                        "--radius-identity",
                        "both"),
                args.subList(args.indexOf("--radius-ports"), args.size()));
        assertTrue(CollectorValidation.problems(c.getSpec()).isEmpty());
        // an empty port list turns tracking off ("none"), only the set fields are rendered
        r.setPorts(List.of());
        r.setMaxSessions(null);
        r.setIdleTimeout(null);
        r.setIdentity(null);
        args = CollectorConfig.args(c, plain(), PodLogFormat.TEXT);
        assertEquals(List.of("--radius-ports", "none"), args.subList(args.indexOf("--radius-ports"), args.size()));
        // misconfiguration: refused on the resource, never rendered into a crash-looping pod
        r.setPorts(java.util.Arrays.asList(1812, 70000));
        r.setIdleTimeout(0);
        r.setIdentity("User");
        List<String> problems = CollectorValidation.problems(c.getSpec());
        assertTrue(problems.contains("radius.ports must be UDP ports 1 to 65535"), problems.toString());
        assertTrue(problems.contains("radius.idleTimeout must be 1 to 2592000 seconds"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("radius.identity")), problems.toString());
    }

    /** The example shows the radius block with the collector's defaults (the same values the collector uses unset). */
    @Test
    void exampleRadiusBlockHoldsTheCollectorDefaults() throws Exception {
        Collector example = exampleCollector();
        List<String> args = CollectorConfig.args(example, plain(), PodLogFormat.TEXT);
        assertEquals(
                List.of(
                        "--radius-ports",
                        "1812,1813,1645,1646",
                        "--radius-max-sessions",
                        "2000000",
                        "--radius-idle-timeout",
                        "7200",
                        "--radius-identity",
                        "user"),
                args.subList(args.indexOf("--radius-ports"), args.indexOf("--radius-ports") + 8));
        assertEquals(
                List.of("--sip-ports", "5060", "--sip-max-calls", "100000", "--sip-media-timeout", "300"),
                args.subList(args.indexOf("--sip-ports"), args.size()),
                "the example's sip block holds the collector defaults");
    }

    /** Issue 15: the Collector's sip block becomes the collector's --sip-* flags; unset fields add nothing. */
    @Test
    void sipOptionsBecomeCollectorFlagsAndBadValuesAreRefused() {
        Collector c = Fixtures.collector("collector-afpacket.yaml");
        assertFalse(CollectorConfig.args(c, plain(), PodLogFormat.TEXT).stream().anyMatch(a -> a.startsWith("--sip")));
        io.kubeli.api.v1alpha1.SipSpec s = new io.kubeli.api.v1alpha1.SipSpec();
        s.setPorts(List.of(5060, 5080));
        s.setMaxCalls(20_000);
        s.setMediaTimeout(120);
        c.getSpec().setSip(s);
        List<String> args = args(c, S);
        assertEquals(
                List.of("--sip-ports", "5060,5080", "--sip-max-calls", "20000", "--sip-media-timeout", "120"),
                args.subList(args.indexOf("--sip-ports"), args.size()));
        assertTrue(CollectorValidation.problems(c.getSpec()).isEmpty());
        s.setPorts(List.of());
        s.setMaxCalls(null);
        s.setMediaTimeout(null);
        args = CollectorConfig.args(c, plain(), PodLogFormat.TEXT);
        assertEquals(List.of("--sip-ports", "none"), args.subList(args.indexOf("--sip-ports"), args.size()));
        // misconfiguration: refused on the resource, never rendered into a crash-looping pod
        s.setPorts(java.util.Arrays.asList(5060, 0));
        s.setMaxCalls(0);
        s.setMediaTimeout(86_401);
        List<String> problems = CollectorValidation.problems(c.getSpec());
        assertEquals(
                List.of(
                        "sip.ports must be ports 1 to 65535",
                        "sip.maxCalls must be 1 to 1048576 (one CIN each)",
                        "sip.mediaTimeout must be 1 to 86400 seconds"),
                problems);
    }

    /**
     * Issue 17: the capture pods log in spec.logFormat, else in the operator's own format; json is rendered as
     * {@code --log-format json}, text as nothing (the collector's default: pods rendered before the option keep their
     * template, so an operator upgrade restarts no collector). The collector's CLI refuses any other value.
     */
    @Test
    void logFormatComesFromTheSpecElseTheOperator() {
        Collector c = Fixtures.collector("collector-afpacket.yaml");
        OperatorSettings json = S.withLogFormat(PodLogFormat.JSON);
        assertFalse(args(c, S).contains("--log-format"), "text by default: no argument");
        assertEquals(List.of("--log-format", "json"), tail(args(c, json), "--log-format"), "the operator's format");
        c.getSpec().setLogFormat(PodLogFormat.JSON);
        assertEquals(List.of("--log-format", "json"), tail(args(c, S), "--log-format"), "the spec's format");
        c.getSpec().setLogFormat(PodLogFormat.TEXT);
        assertFalse(args(c, json).contains("--log-format"), "the spec's text wins over the operator's json");
        // a change of format rolls the pods (the template changes)
        c.getSpec().setLogFormat(null);
        assertNotEquals(
                CollectorWorkloads.daemonSet(c, plain(), CollectorConfig.configMap(c, plain()), S)
                        .getSpec()
                        .getTemplate(),
                CollectorWorkloads.daemonSet(c, plain(), CollectorConfig.configMap(c, plain()), json)
                        .getSpec()
                        .getTemplate());
    }

    private static List<String> args(Collector c, OperatorSettings s) {
        return main(CollectorWorkloads.daemonSet(c, plain(), CollectorConfig.configMap(c, plain()), s))
                .getArgs();
    }

    /** The collector container of {@code ds}'s pod template. */
    private static Container main(DaemonSet ds) {
        return ds.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static List<String> tail(List<String> args, String from) {
        int i = args.indexOf(from);
        return i < 0 ? List.of() : args.subList(i, Math.min(args.size(), i + 2));
    }
}
