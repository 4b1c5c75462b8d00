package io.kubeli.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A law-enforcement agency (LEA) and its HI2/HI3 handover endpoints. */
@Group(KubeLi.GROUP)
@Version(KubeLi.VERSION)
@ShortNames({"lea", "agency"})
@Categories("kubeli")
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Country", jsonPath = ".spec.countryCode", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "HI2", jsonPath = ".status.hi2.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "HI3", jsonPath = ".status.hi3.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Delivered",
        jsonPath = ".status.recordsDelivered",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class Agency extends CustomResource<AgencySpec, AgencyStatus> implements Namespaced {}
