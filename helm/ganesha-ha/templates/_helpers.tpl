{{/* Names and labels shared by every template of the chart. */}}

{{- define "ganesha-ha.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name; the operator's Deployment, ServiceAccount and RBAC objects carry it. */}}
{{- define "ganesha-ha.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "ganesha-ha.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: immutable once the Deployment exists, so nothing here may change on upgrade. */}}
{{- define "ganesha-ha.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ganesha-ha.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "ganesha-ha.labels" -}}
helm.sh/chart: {{ include "ganesha-ha.chart" . }}
{{ include "ganesha-ha.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ganesha-ha
{{- end }}

{{- define "ganesha-ha.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ganesha-ha.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "ganesha-ha.image" -}}
{{- printf "%s:%s" .Values.operator.image.repository (default .Chart.AppVersion .Values.operator.image.tag) }}
{{- end }}

{{/*
The node agent image the operator gives every GaneshaCluster that names none: by default the
agent of this very release.
*/}}
{{- define "ganesha-ha.agentImage" -}}
{{- printf "%s:%s" .Values.agent.image.repository (default .Chart.AppVersion .Values.agent.image.tag) }}
{{- end }}
