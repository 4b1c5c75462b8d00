package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** Desired state of a Mediator: a StatefulSet with durable buffers behind a Service for collectors. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MediatorSpec {
    @Default("1")
    @Min(0)
    @Max(64)
    @JsonPropertyDescription("Number of mediator pods; collectors spread their links over them.")
    private Integer replicas = 1;

    @Size(max = 512)
    @JsonPropertyDescription("Container image of the mediator; defaults to the image matching the operator's version.")
    private String image;

    @JsonPropertyDescription(
            "Durable buffer volume of each mediator pod (records wait here until the agency confirms them).")
    private StorageSpec storage;

    @JsonPropertyDescription("The Service collectors connect to.")
    private MediatorServiceSpec service;

    @JsonPropertyDescription("TLS of the collector links: an existing Secret, or a certificate the operator issues.")
    private TlsSpec tls;

    @Required
    @Size(min = 1, max = 16)
    @ValidationRule(
            value = "size(bytes(self)) >= 1 && size(bytes(self)) <= 16",
            message = "networkElementId must be 1 to 16 octets (ETSI TS 102 232-1)")
    @JsonPropertyDescription("Network element identifier of this mediator in PS-PDU headers (1-16 octets).")
    private String networkElementId;

    @JsonPropertyDescription("CPU and memory requests and limits of each mediator container.")
    private ResourceRequirements resources;

    @JsonPropertyDescription(
            "Log lines of the mediator pods: text, or json (one JSON object per line: time, level, logger, message); defaults to the operator's own format (chart value logFormat).")
    private PodLogFormat logFormat;

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public StorageSpec getStorage() {
        return storage;
    }

    public void setStorage(StorageSpec storage) {
        this.storage = storage;
    }

    public MediatorServiceSpec getService() {
        return service;
    }

    public void setService(MediatorServiceSpec service) {
        this.service = service;
    }

    public TlsSpec getTls() {
        return tls;
    }

    public void setTls(TlsSpec tls) {
        this.tls = tls;
    }

    public String getNetworkElementId() {
        return networkElementId;
    }

    public void setNetworkElementId(String networkElementId) {
        this.networkElementId = networkElementId;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public PodLogFormat getLogFormat() {
        return logFormat;
    }

    public void setLogFormat(PodLogFormat logFormat) {
        this.logFormat = logFormat;
    }

    /** The collector-facing port (default 9100). */
    @JsonIgnore
    public int servicePort() {
        return service != null && service.getPort() != null ? service.getPort() : MediatorServiceSpec.DEFAULT_PORT;
    }
}
