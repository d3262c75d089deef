#!/bin/sh
# Creates tokentally's topics (docker-compose's one-shot "topics" service). Idempotent.
# Partitions bound how many tokentally instances can share the work; retention is how far back a
# consumer can re-read. max.message.bytes follows tokentally.request.max.bytes (8 MiB): an
# enriched record carries the request, so twice that plus 1 MiB (README, Kafka settings).
set -eu
BOOTSTRAP="${BOOTSTRAP:-kafka:9092}"
KAFKA_BIN="${KAFKA_BIN:-/opt/kafka/bin}"
MAX_BYTES=17825792
DAY=86400000

create() { # name partitions retention-days
  "$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$1" --partitions "$2" --replication-factor "${REPLICATION_FACTOR:-1}" \
    --config "retention.ms=$(($3 * DAY))" --config "max.message.bytes=$MAX_BYTES"
}

create_compacted() { # name
  "$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$1" --partitions 1 --replication-factor "${REPLICATION_FACTOR:-1}" \
    --config cleanup.policy=compact
}

create llm.requests 6 7
create llm.requests.enriched 6 7
create llm.requests.dlq 3 30
create llm.usage.by-model 3 30
create llm.usage.by-name 3 30
create llm.usage.by-name-model 3 30
# Responses are joined in the task of their request's partition: same count as llm.requests.
create llm.responses 6 7
create llm.requests.reconciled 6 30
# One value per model family, kept compacted: every instance reads it whole at start.
create_compacted llm.calibration
"$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --list
