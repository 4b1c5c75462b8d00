package io.kubeli.systemit.packaged;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Fabric8 CRUD mock dispatcher plus server-side apply as create-or-merge (the mock answers
 * {@code application/apply-patch+yaml} with 415): create when absent; maps merged recursively, lists replaced, except
 * {@code metadata.finalizers} (a set: union); on {@code /status} only the status is applied, on the main path the
 * status is kept. An apply that changes nothing writes nothing (no new resourceVersion, no watch event), as a real
 * API server does. Field ownership (managedFields) is not tracked. Also answers JOSDK's SelfSubjectRulesReview.
 */
public class ApplyingDispatcher extends KubernetesCrudDispatcher {
    static final String APPLY = "application/apply-patch+yaml";
    private final String rulesReview;
    /** Apply requests answered (the test checks the operator really used SSA). */
    public final AtomicLong applies = new AtomicLong();
    /** Check of the test itself: -Dkubeli.systemit.brokenMerge=true leaves lists of maps unapplied; it must fail. */
    static final boolean BROKEN_MERGE = Boolean.getBoolean("kubeli.systemit.brokenMerge");

    public ApplyingDispatcher(String rulesReviewJson) {
        this.rulesReview = rulesReviewJson;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
            return new MockResponse().setResponseCode(201).setBody(rulesReview);
        }
        return super.dispatch(request);
    }

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        String type = request.getHeader("Content-Type");
        if (type == null || !type.startsWith(APPLY)) {
            return super.handlePatch(request);
        }
        applies.incrementAndGet();
        String path = request.getPath();
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        boolean status = path.endsWith("/status");
        String objectPath = status ? path.substring(0, path.length() - "/status".length()) : path;
        JsonNode applied =
                Serialization.jsonMapper().valueToTree(Serialization.unmarshal(request.getUtf8Body(), Map.class));
        MockResponse current = handleGet(objectPath);
        if (current.code() == 404) {
            if (status) {
                return current;
            }
            String collection = objectPath.substring(0, objectPath.lastIndexOf('/'));
            ((ObjectNode) applied).remove("status");
            return handleCreate(request(HttpMethod.POST, collection, applied));
        }
        if (current.code() != 200) {
            return current;
        }
        JsonNode existing = Serialization.jsonMapper()
                .valueToTree(Serialization.unmarshal(
                        new String(current.getBody().getBytes(), StandardCharsets.UTF_8), Map.class));
        String appliedVersion = applied.path("metadata").path("resourceVersion").asText("");
        String version = existing.path("metadata").path("resourceVersion").asText("");
        if (!appliedVersion.isEmpty() && !appliedVersion.equals(version)) {
            return new MockResponse()
                    .setResponseCode(409)
                    .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                            + "\"status\":\"Failure\",\"reason\":\"Conflict\",\"code\":409}");
        }
        ObjectNode merged = existing.deepCopy();
        if (status) {
            if (applied.has("status")) {
                merged.set("status", merge(existing.get("status"), applied.get("status"), "status"));
            }
        } else {
            ObjectNode body = ((ObjectNode) applied).deepCopy();
            body.remove("status");
            merged = (ObjectNode) merge(merged, body, "");
            if (existing.has("status")) {
                merged.set("status", existing.get("status"));
            }
        }
        if (merged.equals(existing)) {
            return new MockResponse().setResponseCode(200).setBody(Serialization.asJson(existing));
        }
        return handleUpdate(request(HttpMethod.PUT, path, merged));
    }

    /** Applies {@code patch} onto {@code base}: maps recursively, scalars and lists replaced, finalizers as a set. */
    public static JsonNode merge(JsonNode base, JsonNode patch, String at) {
        if (patch == null || patch.isNull()) {
            return base;
        }
        if (base == null || !base.isObject() || !patch.isObject()) {
            if ("metadata.finalizers".equals(at) && base != null && base.isArray() && patch.isArray()) {
                Set<JsonNode> set = new LinkedHashSet<>();
                base.forEach(set::add);
                patch.forEach(set::add);
                ArrayNode union = Serialization.jsonMapper().createArrayNode();
                set.forEach(union::add);
                return union;
            }
            if (BROKEN_MERGE
                    && patch.isArray()
                    && !patch.isEmpty()
                    && patch.get(0).isObject()) {
                return base == null ? Serialization.jsonMapper().createArrayNode() : base;
            }
            return patch.deepCopy();
        }
        ObjectNode out = ((ObjectNode) base).deepCopy();
        patch.properties().forEach(e -> {
            String child = at.isEmpty() ? e.getKey() : at + "." + e.getKey();
            out.set(e.getKey(), merge(base.get(e.getKey()), e.getValue(), child));
        });
        return out;
    }

    private static RecordedRequest request(HttpMethod method, String path, JsonNode body) {
        Buffer buffer = new Buffer(Serialization.asJson(body).getBytes(StandardCharsets.UTF_8));
        Headers headers =
                Headers.builder().add("Content-Type", "application/json").build();
        return new RecordedRequest("HTTP/1.1", method, path, headers, buffer);
    }
}
