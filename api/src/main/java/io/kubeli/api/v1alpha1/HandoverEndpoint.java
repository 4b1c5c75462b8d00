package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A TCP endpoint of an agency's handover interface (HI2 or HI3). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HandoverEndpoint {
    @Required
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("Host name or IP address of the agency's receiver (LEMF).")
    private String host;

    @Required
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("TCP port of the agency's receiver.")
    private Integer port;

    @Size(min = 1, max = 253)
    @JsonPropertyDescription(
            "Name of a kubernetes.io/tls Secret in the same namespace; when set the connection uses TLS "
                    + "(tls.crt/tls.key as client certificate, ca.crt to verify the agency). Absent: plain TCP.")
    private String tlsSecretRef;

    public HandoverEndpoint() {}

    public HandoverEndpoint(String host, int port) {
        this.host = host;
        this.port = port;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public String getTlsSecretRef() {
        return tlsSecretRef;
    }

    public void setTlsSecretRef(String tlsSecretRef) {
        this.tlsSecretRef = tlsSecretRef;
    }

    @Override
    public String toString() {
        return host + ":" + port + (tlsSecretRef != null ? " (tls)" : "");
    }
}
