package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Quantity;

/** Hugepages a capture pod requests (resource hugepages-&lt;pageSize&gt;). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HugepagesSpec {
    @Required
    @Pattern("^(1Gi|2Mi)$")
    @JsonPropertyDescription("Page size: 1Gi or 2Mi.")
    private String pageSize;

    @Required
    @JsonPropertyDescription("Total hugepage memory per pod, e.g. 4Gi.")
    private Quantity amount;

    public String getPageSize() {
        return pageSize;
    }

    public void setPageSize(String pageSize) {
        this.pageSize = pageSize;
    }

    public Quantity getAmount() {
        return amount;
    }

    public void setAmount(Quantity amount) {
        this.amount = amount;
    }

    /** The Kubernetes resource name for this page size, e.g. hugepages-1Gi. */
    @JsonIgnore
    public String resourceName() {
        return "hugepages-" + pageSize;
    }
}
