package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The Service through which collectors reach a mediator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MediatorServiceSpec {
    /** Default collector-link port. */
    public static final int DEFAULT_PORT = 9100;

    @Default("9100")
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("TCP port of the collector link (default 9100).")
    private Integer port = DEFAULT_PORT;

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }
}
