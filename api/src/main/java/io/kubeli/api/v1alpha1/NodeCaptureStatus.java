package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Capture figures of one node of a Collector. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeCaptureStatus {
    @JsonPropertyDescription("Node name.")
    private String node;

    @JsonPropertyDescription("Whether the capture pod on this node is ready.")
    private Boolean ready;

    @JsonPropertyDescription("Packets captured on this node.")
    private Long packets;

    @JsonPropertyDescription("Packets dropped on this node (kernel/NIC ring, queue overflow, ...).")
    private Long drops;

    @JsonPropertyDescription("RFC 3339 time these figures were taken.")
    private String lastUpdate;

    public String getNode() {
        return node;
    }

    public void setNode(String node) {
        this.node = node;
    }

    public Boolean getReady() {
        return ready;
    }

    public void setReady(Boolean ready) {
        this.ready = ready;
    }

    public Long getPackets() {
        return packets;
    }

    public void setPackets(Long packets) {
        this.packets = packets;
    }

    public Long getDrops() {
        return drops;
    }

    public void setDrops(Long drops) {
        this.drops = drops;
    }

    public String getLastUpdate() {
        return lastUpdate;
    }

    public void setLastUpdate(String lastUpdate) {
        this.lastUpdate = lastUpdate;
    }
}
