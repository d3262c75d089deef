#!/usr/bin/env bash
# Regenerates src/main/resources/vocab/claude/ from the npm package that Anthropic publishes.
# Needs node/npm and the npm registry; nothing is fetched at run time.
set -euo pipefail
pkg="@anthropic-ai/tokenizer"
version="0.0.4"
expected_sha="58dad83d85e9cd57be209172449ebfbc395df2b455c11fe8b7e5b661e6f462ad"

root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/src/main/resources/vocab/claude"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "$pkg@$version" >/dev/null && tar xzf ./*.tgz)
actual_sha=$(sha256sum "$work/package/claude.json" | cut -d' ' -f1)
if [ "$actual_sha" != "$expected_sha" ]; then
  echo "claude.json sha256 $actual_sha does not match the pinned $expected_sha" >&2
  exit 1
fi
mkdir -p "$out"
# -n keeps the gzip header free of timestamps so the resource is byte-identical on every run.
gzip -9 -n -c "$work/package/claude.json" > "$out/claude.json.gz"
cp "$work/package/LICENSE" "$out/LICENSE"
echo "wrote $out/claude.json.gz ($(wc -c < "$out/claude.json.gz") bytes) from $pkg@$version"
