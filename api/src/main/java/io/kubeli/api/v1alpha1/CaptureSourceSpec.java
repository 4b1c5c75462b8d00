package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One capture source of a collector, as a capture URI plus an optional BPF pre-filter. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CaptureSourceSpec {
    /** Schema pattern of a capture URI: a known scheme, a colon and a target. */
    public static final String URI_PATTERN = "^(pcap|afpacket|dpdk|xdp|pcapfile):[^?]+(\\?.*)?$";

    @Required
    @Size(min = 3, max = 1024)
    @Pattern(URI_PATTERN)
    @JsonPropertyDescription("Capture URI scheme:target?options, e.g. pcap:eth1, afpacket:ens1f0?threads=4&fanout=ip, "
            + "dpdk:0000:3b:00.0, xdp:ens2f0 or pcapfile:/data/trace.pcap.")
    private String uri;

    @Size(max = 4096)
    @JsonPropertyDescription("Optional BPF filter (tcpdump syntax) applied before target matching, e.g. 'not port 22'.")
    private String filter;

    public CaptureSourceSpec() {}

    public CaptureSourceSpec(String uri) {
        this.uri = uri;
    }

    public String getUri() {
        return uri;
    }

    public void setUri(String uri) {
        this.uri = uri;
    }

    public String getFilter() {
        return filter;
    }

    public void setFilter(String filter) {
        this.filter = filter;
    }

    /** The URI's scheme (text before the first colon), or null. */
    @JsonIgnore
    public String scheme() {
        int i = uri == null ? -1 : uri.indexOf(':');
        return i < 0 ? null : uri.substring(0, i);
    }
}
