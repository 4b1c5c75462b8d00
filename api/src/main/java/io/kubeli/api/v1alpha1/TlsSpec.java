package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** TLS of the collector-to-mediator links: a given Secret or an operator-managed certificate. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "has(self.secretRef) != (has(self.operatorManaged) && self.operatorManaged)",
        message = "set exactly one of tls.secretRef or tls.operatorManaged: true")
public class TlsSpec {
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("Name of a kubernetes.io/tls Secret (tls.crt, tls.key, ca.crt) in the same namespace.")
    private String secretRef;

    @JsonPropertyDescription(
            "true: the operator creates and rotates a CA and certificates for mediator and collectors.")
    private Boolean operatorManaged;

    public String getSecretRef() {
        return secretRef;
    }

    public void setSecretRef(String secretRef) {
        this.secretRef = secretRef;
    }

    public Boolean getOperatorManaged() {
        return operatorManaged;
    }

    public void setOperatorManaged(Boolean operatorManaged) {
        this.operatorManaged = operatorManaged;
    }
}
