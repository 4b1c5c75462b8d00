package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Device-plugin resources a capture pod requests (SR-IOV VFs for DPDK/XDP) and its hugepages. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeviceSpec {
    @Required
    @Size(min = 3, max = 253)
    @Pattern("^[A-Za-z0-9.-]+/[A-Za-z0-9_.-]+$")
    @JsonPropertyDescription("Extended resource name advertised by the device plugin, e.g. intel.com/li_dpdk.")
    private String resourceName;

    @Default("1")
    @Min(1)
    @Max(64)
    @JsonPropertyDescription("Number of devices per capture pod.")
    private Integer count = 1;

    @JsonPropertyDescription("Hugepages for DPDK packet buffers.")
    private HugepagesSpec hugepages;

    public String getResourceName() {
        return resourceName;
    }

    public void setResourceName(String resourceName) {
        this.resourceName = resourceName;
    }

    public Integer getCount() {
        return count;
    }

    public void setCount(Integer count) {
        this.count = count;
    }

    public HugepagesSpec getHugepages() {
        return hugepages;
    }

    public void setHugepages(HugepagesSpec hugepages) {
        this.hugepages = hugepages;
    }
}
