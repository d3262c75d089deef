// Writes the reference counts that ClaudeTokenizerTest checks against, computed by Anthropic's own
// npm package (@anthropic-ai/tokenizer countTokens). Run through scripts/oracle/claude-counts.sh.
import { countTokens } from "@anthropic-ai/tokenizer";
import { writeFileSync } from "node:fs";

// Deterministic PRNG (mulberry32) so the oracle file is reproducible byte for byte.
function rng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20261122);
const pick = (a) => a[Math.floor(rand() * a.length)];

const fixed = [
  "", "a", "hello world!", "Hello, Claude", "You are a scientist",
  "The quick brown fox jumps over the lazydog.", "What is 2 + 2?",
  "Hello, my dog is cute",
  "The quick brown fox jumped over the lazy dog. It's 3:45pm and I've got 1234567 reasons.",
  "  spaces\tand\ttabs\r\nCRLF\r\n  trailing   ",
  "def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n",
  '{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"Hi"}]}',
  "日本語のテキスト。中文文本。한국어 텍스트.",
  "emoji 😀👍🏽 family 👨‍👩‍👧‍👦 flags 🇸🇪🇯🇵",
  "fullwidth ＡＢＣ １２３ ligatures ﬁ ﬂ ½",
  "nbsp\u00a0here line\u2028sep ideographic\u3000space",
  "literal <EOT> and <META> and <META_START>x<META_END> and <SOS> and <|endoftext|>",
  "naïve café résumé Ångström façade",
  "a".repeat(98),
  // Unicode 16 letter (Egyptian Hieroglyphs Extended-A): Java 17 does not know it as a letter.
  "\u{13754}'ll",
  "see https://example.com/path?q=1&r=two or mail someone@example.org",
];

const words = ["the", "token", "stream", "Kafka", "counting", "model", "request", "window",
  "budget", "énorme", "Straße", "naïve", "東京", "データ", "서울", "😀", "🚀", "JSON", "{", "}",
  "\"key\":", "0.5", "123456", "camelCaseName", "SCREAMING_SNAKE", "snake_case", "\n", "\t", "  ",
  "<EOT>", "<META>", "ﬁ", "Ⅻ", "①", "＠", "\u00a0", "\u200b", "…", "—", "'s", "'ll", "don't"];
const generated = [];
for (let i = 0; i < 400; i++) {
  const n = 1 + Math.floor(rand() * 120);
  let s = "";
  for (let j = 0; j < n; j++) {
    const r = rand();
    if (r < 0.8) s += pick(words) + (rand() < 0.7 ? " " : "");
    else s += String.fromCodePoint(0x20 + Math.floor(rand() * (rand() < 0.5 ? 0x250 : 0x2ffff)));
  }
  generated.push(s.isWellFormed ? (s.isWellFormed() ? s : s.toWellFormed()) : s);
}

const lines = [...fixed, ...generated].map((text) => JSON.stringify({ text, count: countTokens(text) }));
writeFileSync(process.argv[2], lines.join("\n") + "\n");
console.log(`wrote ${lines.length} cases to ${process.argv[2]}`);
