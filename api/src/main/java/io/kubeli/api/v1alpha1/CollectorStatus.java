package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Observed state of a Collector. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CollectorStatus implements ConditionedStatus {
    @JsonPropertyDescription("Nodes that should run a capture pod.")
    private Integer desiredNodes;

    @JsonPropertyDescription("Nodes whose capture pod is ready.")
    private Integer readyNodes;

    @JsonPropertyDescription("Packets dropped on all nodes together.")
    private Long totalDrops;

    @JsonPropertyDescription("Capture figures per node.")
    private List<NodeCaptureStatus> nodes = new ArrayList<>();

    @JsonPropertyDescription("Standard conditions (Ready, ...).")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("metadata.generation of the spec this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("CIN slot (0-4095) of each node's collector instance, assigned by the operator and never"
            + " reused in the namespace: an instance numbers its communications as slot * 1048576 + the target's CIN, so two"
            + " instances never share a (LIID, CIN, sequence number).")
    private Map<String, Integer> cinSlots = new TreeMap<>();

    public Integer getDesiredNodes() {
        return desiredNodes;
    }

    public void setDesiredNodes(Integer desiredNodes) {
        this.desiredNodes = desiredNodes;
    }

    public Integer getReadyNodes() {
        return readyNodes;
    }

    public void setReadyNodes(Integer readyNodes) {
        this.readyNodes = readyNodes;
    }

    public Long getTotalDrops() {
        return totalDrops;
    }

    public void setTotalDrops(Long totalDrops) {
        this.totalDrops = totalDrops;
    }

    public List<NodeCaptureStatus> getNodes() {
        return nodes;
    }

    public void setNodes(List<NodeCaptureStatus> nodes) {
        this.nodes = nodes;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public Map<String, Integer> getCinSlots() {
        return cinSlots;
    }

    public void setCinSlots(Map<String, Integer> cinSlots) {
        this.cinSlots = cinSlots;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }
}
