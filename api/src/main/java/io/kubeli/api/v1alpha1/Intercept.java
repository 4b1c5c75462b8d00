package io.kubeli.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One warrant: the targets to intercept, the agency to deliver to and the validity window. */
@Group(KubeLi.GROUP)
@Version(KubeLi.VERSION)
@ShortNames({"li", "icpt"})
@Categories("kubeli")
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "LIID", jsonPath = ".spec.liid", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Agency", jsonPath = ".spec.agencyRef", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "From", jsonPath = ".spec.validFrom", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Until", jsonPath = ".spec.validUntil", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "CC", jsonPath = ".status.ccRecords", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "IRI", jsonPath = ".status.iriRecords", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class Intercept extends CustomResource<InterceptSpec, InterceptStatus> implements Namespaced {}
