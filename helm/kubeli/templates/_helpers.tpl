{{/* Chart name. */}}
{{- define "kubeli.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: the release name, prefixed with the chart name unless it already contains it. */}}
{{- define "kubeli.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Selector labels of the operator. */}}
{{- define "kubeli.selectorLabels" -}}
app.kubernetes.io/name: kubeli-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Common labels. */}}
{{- define "kubeli.labels" -}}
{{ include "kubeli.selectorLabels" . }}
app.kubernetes.io/part-of: kubeli
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* ServiceAccount name of the operator. */}}
{{- define "kubeli.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kubeli.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* An image reference from {repository, tag, digest}: tag defaults to the chart's appVersion, digest is appended. */}}
{{- define "kubeli.image" -}}
{{- $img := index . 0 -}}{{- $ctx := index . 1 -}}
{{- printf "%s:%s" $img.repository (default $ctx.Chart.AppVersion $img.tag) -}}
{{- with $img.digest }}@{{ . }}{{ end -}}
{{- end -}}

{{/* "true" when the cluster (or metrics.apiVersions) serves the Prometheus Operator API. */}}
{{- define "kubeli.monitoringApi" -}}
{{- if or (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1") (has "monitoring.coreos.com/v1" .Values.metrics.apiVersions) -}}
true
{{- end -}}
{{- end -}}

{{/* Namespaces where Collectors and Mediators run: liNamespaces, else watchNamespaces, else the release namespace. */}}
{{- define "kubeli.liNamespaces" -}}
{{- .Values.liNamespaces | default .Values.watchNamespaces | default (list .Release.Namespace) | toJson -}}
{{- end -}}
