package io.kubeli.operator.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.operator.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/** Runs deploy/argocd/health.lua (the Argo CD health check) over sample KubeLI resources with LuaJ. */
class ArgoHealthCheckTest {
    static final Path SCRIPT = Fixtures.root().resolve("deploy/argocd/health.lua");

    /** Runs the script with {@code obj} given as YAML; returns "status|message". */
    static String health(String yaml) throws Exception {
        Globals g = JsePlatform.standardGlobals();
        Object parsed = Serialization.unmarshal(yaml, Map.class);
        g.set("obj", toLua(parsed));
        LuaValue hs = g.load(Files.readString(SCRIPT), "health.lua").call();
        return hs.get("status").tojstring() + "|" + hs.get("message").tojstring();
    }

    static LuaValue toLua(Object o) {
        if (o == null) {
            return LuaValue.NIL;
        }
        if (o instanceof Map<?, ?> m) {
            LuaTable t = new LuaTable();
            m.forEach((k, v) -> t.set(String.valueOf(k), toLua(v)));
            return t;
        }
        if (o instanceof List<?> l) {
            LuaTable t = new LuaTable();
            for (int i = 0; i < l.size(); i++) {
                t.set(i + 1, toLua(l.get(i)));
            }
            return t;
        }
        if (o instanceof Number n) {
            return LuaValue.valueOf(n.doubleValue());
        }
        if (o instanceof Boolean b) {
            return LuaValue.valueOf(b);
        }
        return LuaValue.valueOf(String.valueOf(o));
    }

    static String res(String kind, long generation, String status) {
        return "kind: " + kind + "\nmetadata:\n  name: x\n  generation: " + generation + "\n"
                + (status == null ? "" : "status:\n" + status.indent(2));
    }

    @Test
    void interceptPhasesMapToArgoHealth() throws Exception {
        assertEquals(
                "Healthy|intercepting",
                health(res("Intercept", 1, "phase: Active\nmessage: intercepting\nobservedGeneration: 1")));
        assertEquals(
                "Degraded|AgencyNotFound: Agency x does not exist",
                health(
                        res(
                                "Intercept",
                                1,
                                "phase: Failed\nreason: AgencyNotFound\nmessage: Agency x does not exist\nobservedGeneration: 1")));
        assertEquals(
                "Suspended|opens later",
                health(res(
                        "Intercept",
                        1,
                        "phase: Pending\nreason: WindowNotStarted\nmessage: opens later\nobservedGeneration: 1")));
        assertEquals(
                "Progressing|Mediator m is not Ready",
                health(
                        res(
                                "Intercept",
                                1,
                                "phase: Pending\nreason: MediatorNotReady\nmessage: Mediator m is not Ready\nobservedGeneration: 1")));
        assertTrue(health(res("Intercept", 1, "phase: Expired\nmessage: ended\nobservedGeneration: 1"))
                .startsWith("Healthy|"));
    }

    @Test
    void conditionKindsAndStaleStatus() throws Exception {
        String ready =
                "observedGeneration: 2\nconditions:\n- type: Valid\n  status: \"True\"\n- type: Ready\n  status: \"True\"\n  message: capturing on 3 node(s)";
        for (String kind : List.of("Collector", "Mediator", "Agency")) {
            assertEquals("Healthy|capturing on 3 node(s)", health(res(kind, 2, ready)));
        }
        assertTrue(health(res("Collector", 3, ready)).startsWith("Progressing|Waiting for the operator to observe"));
        assertEquals("Progressing|Waiting for the operator", health(res("Mediator", 1, null)));
        assertEquals(
                "Degraded|hi3.port must be 1 to 65535",
                health(
                        res(
                                "Agency",
                                1,
                                "observedGeneration: 1\nconditions:\n- type: Valid\n  status: \"False\"\n  message: hi3.port must be 1 to 65535")));
        assertEquals(
                "Progressing|1 of 2 replicas ready",
                health(
                        res(
                                "Mediator",
                                1,
                                "observedGeneration: 1\nconditions:\n- type: Ready\n  status: \"False\"\n  message: 1 of 2 replicas ready")));
    }

    @Test
    void argocdConfigMapCarriesTheSameScriptForEveryKind() throws Exception {
        ConfigMap cm = Serialization.unmarshal(
                Files.readString(SCRIPT.resolveSibling("argocd-cm-health.yaml")), ConfigMap.class);
        String script = Files.readString(SCRIPT).strip();
        for (String kind : List.of("Agency", "Collector", "Intercept", "Mediator")) {
            assertEquals(
                    script,
                    cm.getData()
                            .get("resource.customizations.health.li.kubeli.io_" + kind)
                            .strip(),
                    kind);
        }
    }
}
