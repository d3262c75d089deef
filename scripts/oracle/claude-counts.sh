#!/usr/bin/env bash
# Regenerates src/test/resources/oracle/claude-js-counts.jsonl with Anthropic's npm tokenizer.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/scripts/oracle/claude-counts.mjs" "$work/"
(cd "$work" && npm init -y >/dev/null && npm install --silent @anthropic-ai/tokenizer@0.0.4 >/dev/null)
node "$work/claude-counts.mjs" "$root/src/test/resources/oracle/claude-js-counts.jsonl"
