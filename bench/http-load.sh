#!/usr/bin/env bash
# Load test of the HTTP count endpoints on loopback with wrk (Debian: apt-get install wrk).
# Starts the packaged jar (embedded broker on spare ports), then measures, in one run:
#   GET /health/live (the baseline: HTTP and Jetty alone, no counting), and POST count requests
#   for Anthropic and Gemini at about 200 bytes and 100 KB, each body new to the count cache.
# Usage: bench/http-load.sh [seconds per case, default 20]   Output: a Markdown table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_CASE="${1:-20}"
PORT="${TT_BENCH_PORT:-18080}"
CONNECTIONS="${TT_BENCH_CONNECTIONS:-8}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
[ -f target/tokentally.jar ] || ./mvnw -q -DskipTests package

WORK="$(mktemp -d)"
cleanup() { [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
(cd "$WORK" && TOKENTALLY_HTTP_PORT="$PORT" TOKENTALLY_BROKER_PORT=19092 \
  TOKENTALLY_BROKER_CONTROLLER_PORT=19093 exec java -Xmx512m -jar "$OLDPWD/target/tokentally.jar" \
  >"$WORK/app.log" 2>&1) &
PID=$!
for _ in $(seq 1 120); do
  curl -fs "localhost:$PORT/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "localhost:$PORT/health/ready" >/dev/null || { tail -20 "$WORK/app.log" >&2; exit 1; }

run() { # label, then wrk arguments; prints: label|bytes|req/s|p50|p99
  local label="$1"; shift
  local out
  out="$(wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_CASE}s" --latency "$@")"
  local rps p50 p99
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  echo "$label|$rps|$p50|$p99"
}

# Warm-up: JIT and tokenizer tables, not measured.
TT_PATH=/v1/messages/count_tokens TT_API=anthropic TT_BYTES=2000 \
  wrk -t1 -c"$CONNECTIONS" -d10s -s bench/count-post.lua "http://localhost:$PORT/v1/messages/count_tokens" >/dev/null
TT_PATH=/v1beta/models/gemini-2.5-flash:countTokens TT_API=gemini TT_BYTES=2000 \
  wrk -t1 -c"$CONNECTIONS" -d10s -s bench/count-post.lua "http://localhost:$PORT/" >/dev/null

rows=()
rows+=("$(run 'GET /health/live (baseline)|-' "http://localhost:$PORT/health/live")")
for case in "anthropic|/v1/messages/count_tokens|200" "anthropic|/v1/messages/count_tokens|100000" \
  "gemini|/v1beta/models/gemini-2.5-flash:countTokens|200" \
  "gemini|/v1beta/models/gemini-2.5-flash:countTokens|100000"; do
  IFS='|' read -r api path bytes <<<"$case"
  rows+=("$(TT_PATH="$path" TT_API="$api" TT_BYTES="$bytes" \
    run "POST $path|$bytes" -s bench/count-post.lua "http://localhost:$PORT$path")")
done

base_rps="$(cut -d'|' -f3 <<<"${rows[0]}")"
echo "| request | body bytes | requests/s | vs baseline | p50 | p99 |"
echo "| --- | --- | --- | --- | --- | --- |"
for row in "${rows[@]}"; do
  IFS='|' read -r label bytes rps p50 p99 <<<"$row"
  ratio="$(awk -v a="$rps" -v b="$base_rps" 'BEGIN {printf "%.3f", a / b}')"
  echo "| \`$label\` | $bytes | $rps | $ratio | $p50 | $p99 |"
done
echo
echo "wrk -t1 -c$CONNECTIONS, ${SECONDS_PER_CASE}s per case after a 20 s warm-up; $(nproc) cores;" \
  "$(java -version 2>&1 | head -1); server -Xmx512m; $(date -u +%Y-%m-%d)"
