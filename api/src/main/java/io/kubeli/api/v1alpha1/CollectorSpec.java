package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Desired state of a Collector: where to capture, from which sources, with which resources. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CollectorSpec {
    @JsonPropertyDescription("Capture only on nodes with these labels (the DaemonSet's node selector).")
    private Map<String, String> nodeSelector = new LinkedHashMap<>();

    @JsonPropertyDescription("Node affinity of the capture pods (standard Kubernetes Affinity).")
    private Affinity affinity;

    @JsonPropertyDescription("Tolerations of the capture pods, e.g. for dedicated capture nodes.")
    private List<Toleration> tolerations = new ArrayList<>();

    @Required
    @Size(min = 1, max = 16)
    @JsonPropertyDescription("Capture sources opened on every selected node; all feed the same target matcher.")
    private List<CaptureSourceSpec> sources = new ArrayList<>();

    @JsonPropertyDescription("Device-plugin resources for SR-IOV/DPDK capture (NIC virtual functions, hugepages).")
    private DeviceSpec device;

    @Min(1)
    @Max(256)
    @JsonPropertyDescription(
            "Whole CPUs per capture pod; requests equal limits, so the pod gets Guaranteed QoS and pinned cores.")
    private Integer cpus;

    @JsonPropertyDescription("Memory per capture pod, e.g. 2Gi (request equals limit).")
    private Quantity memory;

    @Required
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("Name of the Mediator (same namespace) that receives this collector's records.")
    private String mediatorRef;

    @Size(min = 1, max = 16)
    @ValidationRule(
            value = "size(bytes(self)) >= 1 && size(bytes(self)) <= 16",
            message = "networkElementId must be 1 to 16 octets (ETSI TS 102 232-1)")
    @JsonPropertyDescription(
            "Network element identifier of the collectors in PS-PDU headers (1-16 octets); defaults to the Collector's name, truncated.")
    private String networkElementId;

    @Size(max = 512)
    @JsonPropertyDescription("Container image of the collector; defaults to the image matching the operator's version.")
    private String image;

    @Min(1)
    @Max(256)
    @JsonPropertyDescription(
            "Worker threads for matching and encoding per pod; defaults to the number of capture queues.")
    private Integer threads;

    @JsonPropertyDescription(
            "RADIUS session tracking that radiusUser targets follow (ports, session bound, idle timeout, identity); defaults apply when unset.")
    private RadiusSpec radius;

    @JsonPropertyDescription(
            "SIP call tracking that sipUri targets follow (ports, call bound, media timeout); defaults apply when unset.")
    private SipSpec sip;

    @JsonPropertyDescription(
            "Log lines of the capture pods: text, or json (one JSON object per line: time, level, logger, message); defaults to the operator's own format (chart value logFormat).")
    private PodLogFormat logFormat;

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public Affinity getAffinity() {
        return affinity;
    }

    public void setAffinity(Affinity affinity) {
        this.affinity = affinity;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }

    public List<CaptureSourceSpec> getSources() {
        return sources;
    }

    public void setSources(List<CaptureSourceSpec> sources) {
        this.sources = sources;
    }

    public DeviceSpec getDevice() {
        return device;
    }

    public void setDevice(DeviceSpec device) {
        this.device = device;
    }

    public Integer getCpus() {
        return cpus;
    }

    public void setCpus(Integer cpus) {
        this.cpus = cpus;
    }

    public Quantity getMemory() {
        return memory;
    }

    public void setMemory(Quantity memory) {
        this.memory = memory;
    }

    public String getMediatorRef() {
        return mediatorRef;
    }

    public void setMediatorRef(String mediatorRef) {
        this.mediatorRef = mediatorRef;
    }

    public String getNetworkElementId() {
        return networkElementId;
    }

    public void setNetworkElementId(String networkElementId) {
        this.networkElementId = networkElementId;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public Integer getThreads() {
        return threads;
    }

    public RadiusSpec getRadius() {
        return radius;
    }

    public void setRadius(RadiusSpec radius) {
        this.radius = radius;
    }

    public SipSpec getSip() {
        return sip;
    }

    public void setSip(SipSpec sip) {
        this.sip = sip;
    }

    public void setThreads(Integer threads) {
        this.threads = threads;
    }

    public PodLogFormat getLogFormat() {
        return logFormat;
    }

    public void setLogFormat(PodLogFormat logFormat) {
        this.logFormat = logFormat;
    }
}
