{{- define "tokentally.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "tokentally.headless" -}}
{{- printf "%s-headless" (include "tokentally.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tokentally.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "tokentally.labels" -}}
{{ include "tokentally.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Kafka client security settings, as environment variables; shared by the app and the Job. */}}
{{- define "tokentally.kafkaSecurityEnv" -}}
- name: KAFKA_SECURITY_PROTOCOL
  value: {{ .Values.kafka.securityProtocol | quote }}
{{- if .Values.kafka.sasl.mechanism }}
- name: KAFKA_SASL_MECHANISM
  value: {{ .Values.kafka.sasl.mechanism | quote }}
{{- end }}
{{- if .Values.kafka.sasl.jaasConfigSecret.name }}
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.sasl.jaasConfigSecret.name }}
      key: {{ .Values.kafka.sasl.jaasConfigSecret.key }}
{{- end }}
{{- if .Values.kafka.tls.secretName }}
- name: KAFKA_SSL_TRUSTSTORE_TYPE
  value: PKCS12
- name: KAFKA_SSL_TRUSTSTORE_LOCATION
  value: /etc/tokentally/kafka-tls/truststore.p12
- name: KAFKA_SSL_TRUSTSTORE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.tls.secretName }}
      key: {{ .Values.kafka.tls.truststorePasswordKey }}
{{- if .Values.kafka.tls.clientAuth }}
- name: KAFKA_SSL_KEYSTORE_TYPE
  value: PKCS12
- name: KAFKA_SSL_KEYSTORE_LOCATION
  value: /etc/tokentally/kafka-tls/keystore.p12
- name: KAFKA_SSL_KEYSTORE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.tls.secretName }}
      key: {{ .Values.kafka.tls.keystorePasswordKey }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The user's Secret with the keys file and the cluster secret; there is no insecure default. */}}
{{- define "tokentally.httpSecret" -}}
{{- required "http.keys.existingSecret: create a Secret with `keys` (lines from `keys new`) and `cluster-secret`, or set http.authNone=true (README, Helm chart)" .Values.http.keys.existingSecret -}}
{{- end -}}
