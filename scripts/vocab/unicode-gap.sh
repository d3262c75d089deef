#!/usr/bin/env bash
# Regenerates src/main/resources/vocab/claude/unicode-gap.txt. Run it with JDK 17 (the oldest JDK
# tokentally supports) as `java`: the gap is measured against that JDK's Unicode tables.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/scripts/vocab/unicode-gap.mjs" "$work/"
java "$root/scripts/vocab/UnicodeClasses.java" > "$work/jdk.txt"
(cd "$work" && npm init -y >/dev/null && npm install --silent @anthropic-ai/tokenizer@0.0.4 >/dev/null)
node "$work/unicode-gap.mjs" "$work/jdk.txt" "$root/src/main/resources/vocab/claude/unicode-gap.txt"
