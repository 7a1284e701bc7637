{{/*
Names and labels. CronJob names are cut to 52 characters: the Jobs it creates
add an 11-character suffix and must fit in 63.
*/}}
{{- define "git-canary.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 52 | trimSuffix "-" }}
{{- end }}

{{- define "git-canary.fullname" -}}
{{- default (printf "%s-%s" .Release.Name (include "git-canary.name" .)) .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- end }}

{{- define "git-canary.selectorLabels" -}}
app.kubernetes.io/name: {{ include "git-canary.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "git-canary.labels" -}}
{{ include "git-canary.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "git-canary.serviceAccountName" -}}
{{- default (include "git-canary.fullname" .) .Values.serviceAccount.name }}
{{- end }}

{{/*
"true" when some Role is asked for, else empty (so `if include …` tests it): the
pod then mounts its service-account token, which git-canary's kubernetes:
defaults read.
*/}}
{{- define "git-canary.kubernetesApi" -}}
{{- if .Values.rbac.argocd.namespaces }}true
{{- else if .Values.rbac.flux.namespaces }}true
{{- else if .Values.rbac.keptn.namespaces }}true
{{- end }}
{{- end }}

{{/*
"true" when the chart creates its Secret (some item is given as a value), else empty.
*/}}
{{- define "git-canary.createSecret" -}}
{{- if .Values.gitToken.value }}true
{{- else if .Values.metricsToken.value }}true
{{- else if .Values.slack.value }}true
{{- end }}
{{- end }}

{{/*
The git token is the one secret every tick needs. Helm's `fail` is outside the
template subset this chart keeps to (test/helpers/helm-render.ts), so a missing
value goes through `required` with an empty value.
*/}}
{{- define "git-canary.checkGitToken" -}}
{{- if .Values.gitToken.existingSecret }}
{{- else if .Values.gitToken.value }}
{{- else }}{{ required "gitToken.existingSecret or gitToken.value is required: a token that may fetch and push the repository's candidate and production branches" "" }}
{{- end }}
{{- end }}
