// Converts a Hugging Face tokenizer.json (SentencePiece-style BPE, as @lenml ships Gemma's) into
// the compact form dev.tokentally.counting.BpeVocabulary reads. Counting needs ids, single-code-
// point pieces, byte-fallback pieces, merges and added tokens, not the 262k piece strings, so the
// file drops everything else. Refuses any tokenizer.json whose pipeline the Java side does not
// reproduce, so a new upstream version cannot silently change counts.
import fs from "node:fs";

const [input, output] = process.argv.slice(2);
const t = JSON.parse(fs.readFileSync(input, "utf8"));
const fail = (why) => { console.error(`unsupported tokenizer.json: ${why}`); process.exit(1); };

const n = t.normalizer;
if (!n || n.type !== "Replace" || n.pattern?.String !== " " || n.content !== "\u2581") fail("normalizer");
const p = t.pre_tokenizer;
// Split on " " runs after the normalizer has replaced every space, so it never matches.
if (p !== null && !(p.type === "Split" && p.pattern?.String === " ")) fail("pre_tokenizer");
const m = t.model;
if (m.type !== "BPE" || m.dropout || m.continuing_subword_prefix || m.end_of_word_suffix || m.ignore_merges) fail("model");

const vocab = m.vocab;
const size = Object.keys(vocab).length;
const merges = m.merges.map((x) => (Array.isArray(x) ? x : x.split(" ")));
for (const a of t.added_tokens) {
  if (a.normalized || a.lstrip || a.rstrip || a.single_word) fail(`added token flags ${a.content}`);
}

const chunks = [];
const int = (v) => { const b = Buffer.alloc(4); b.writeInt32BE(v); chunks.push(b); };
const str = (s) => { const b = Buffer.from(s, "utf8"); const l = Buffer.alloc(2); l.writeUInt16BE(b.length); chunks.push(l, b); };

chunks.push(Buffer.from("TTBPE1"));
int(size);
int(m.unk_token in vocab ? vocab[m.unk_token] : -1);
int((m.byte_fallback ? 1 : 0) | (m.fuse_unk ? 2 : 0));

const singles = Object.entries(vocab).filter(([k]) => [...k].length === 1);
int(singles.length);
for (const [k, id] of singles) { int(k.codePointAt(0)); int(id); }

for (let b = 0; b < 256; b++) {
  const key = `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`;
  int(key in vocab ? vocab[key] : -1);
}

if (new Set(merges.map(([l, r]) => `${l}\u0000${r}`)).size !== merges.length) fail("duplicate merges");
int(merges.length);
for (const [l, r] of merges) {
  const id = vocab[l + r];
  if (id === undefined || !(l in vocab) || !(r in vocab)) fail(`merge ${l} ${r}`);
  int(vocab[l]); int(vocab[r]); int(id);
}

int(t.added_tokens.length);
for (const a of t.added_tokens) { int(a.id); str(a.content); }

// Pieces that span the point where a run of U+2581 starts after other text; the Java side splits
// words there, except where one of these pieces could form.
const bridges = Object.keys(vocab).filter((k) => !/^\u2581*[^\u2581]*$/u.test(k));
int(bridges.length);
for (const b of bridges) str(b);

fs.writeFileSync(output, Buffer.concat(chunks));
console.log(`${size} pieces, ${singles.length} single code points, ${merges.length} merges, ${t.added_tokens.length} added, ${bridges.length} bridging`);
