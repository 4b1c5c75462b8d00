package io.kubeli.operator.common;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.kubeli.api.v1alpha1.KubeLi;

/**
 * Recognises the API server's 403 in a failure, so a namespace the chart does not grant (liNamespaces: Secrets,
 * Pods, Roles) becomes one clear condition instead of an endless retry with a stack trace.
 */
public final class Forbidden {
    /** Reason of the Ready condition when the operator lacks a permission in the namespace. */
    public static final String REASON = "Forbidden";

    private Forbidden() {}

    /** The 403 in {@code t}'s cause chain (or suppressed exceptions of an aggregate), or null. */
    public static KubernetesClientException find(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof KubernetesClientException k && k.getCode() == 403) {
                return k;
            }
            for (Throwable s : x.getSuppressed()) {
                KubernetesClientException k = find(s);
                if (k != null) {
                    return k;
                }
            }
            if (x instanceof io.javaoperatorsdk.operator.AggregatedOperatorException agg) {
                for (Exception e : agg.getAggregatedExceptions().values()) {
                    KubernetesClientException k = find(e);
                    if (k != null) {
                        return k;
                    }
                }
            }
        }
        return null;
    }

    /** The condition message for a 403 in {@code namespace}. */
    public static String message(String namespace, KubernetesClientException e) {
        return "the operator is not allowed to manage its objects in namespace " + namespace
                + " (add it to the chart's liNamespaces): HTTP 403";
    }

    /**
     * Runs the managed workflow; on a 403 sets Ready false (reason Forbidden) in {@code conditions} and returns false,
     * so the caller writes its status and retries later; any other failure propagates.
     */
    public static boolean reconcileWorkflow(Context<?> context, String namespace, ConditionSet conditions) {
        try {
            context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
            return true;
        } catch (RuntimeException e) {
            KubernetesClientException forbidden = find(e);
            if (forbidden == null) {
                throw e;
            }
            conditions.set(KubeLi.CONDITION_READY, false, REASON, message(namespace, forbidden));
            return false;
        }
    }
}
