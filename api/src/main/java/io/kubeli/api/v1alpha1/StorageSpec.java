package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Quantity;

/** Size and class of the persistent volume that holds a mediator's durable buffer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {
    @JsonPropertyDescription(
            "Volume size, e.g. 10Gi. When the buffer is full the mediator stops acknowledging collectors.")
    private Quantity size;

    @Size(max = 253)
    @JsonPropertyDescription("StorageClass of the volume; the cluster default when absent.")
    private String storageClassName;

    public Quantity getSize() {
        return size;
    }

    public void setSize(Quantity size) {
        this.size = size;
    }

    public String getStorageClassName() {
        return storageClassName;
    }

    public void setStorageClassName(String storageClassName) {
        this.storageClassName = storageClassName;
    }
}
