package io.kubeli.systemit.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server-side apply emulation's merge rules (maps merged, lists replaced, finalizers a set). */
class ApplyMergeTest {
    static JsonNode json(String yaml) {
        return Serialization.jsonMapper().valueToTree(Serialization.unmarshal(yaml, Map.class));
    }

    @Test
    void mapsMergeListsReplaceFinalizersUnite() {
        JsonNode base = json("""
        metadata: {name: a, labels: {x: "1"}, finalizers: [other/keep, li.kubeli.io/final]}
        spec: {replicas: 1, args: [--a, --b], template: {hostNetwork: true, volumes: [{name: v1}]}}
        """);
        JsonNode patch = json("""
        metadata: {labels: {y: "2"}, finalizers: [li.kubeli.io/final, mine/new]}
        spec: {args: [--c], template: {volumes: [{name: v2}]}}
        """);
        assertEquals(json("""
        metadata: {name: a, labels: {x: "1", y: "2"}, finalizers: [other/keep, li.kubeli.io/final, mine/new]}
        spec: {replicas: 1, args: [--c], template: {hostNetwork: true, volumes: [{name: v2}]}}
        """), ApplyingDispatcher.merge(base, patch, ""));
    }

    @Test
    void hostileInputsAreHandled() {
        // no field ownership here: a null or absent field leaves the base alone; a scalar replacing a map wins
        JsonNode base = json("spec: {a: {b: 1}, c: 2}");
        assertEquals(base, ApplyingDispatcher.merge(base, json("spec: {c: null}"), ""));
        assertEquals(json("spec: {a: 5, c: 2}"), ApplyingDispatcher.merge(base, json("spec: {a: 5}"), ""));
        // finalizers elsewhere than metadata are an ordinary list
        assertEquals(
                json("spec: {finalizers: [x]}"),
                ApplyingDispatcher.merge(json("spec: {finalizers: [y]}"), json("spec: {finalizers: [x]}"), ""));
    }
}
