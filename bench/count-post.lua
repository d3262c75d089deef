-- wrk script: POSTs a count request whose text starts with a per-request number, so every
-- request is new to tokentally's block-count cache (the worst case: every byte is tokenized).
-- Environment: TT_PATH (URL path), TT_API (anthropic|gemini), TT_BYTES (approximate body size).
local path = os.getenv("TT_PATH")
local api = os.getenv("TT_API")
local bytes = tonumber(os.getenv("TT_BYTES"))
-- English prose vocabulary with punctuation, drawn from a seeded generator so runs repeat.
local words = {
  "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be",
  "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have",
  "an", "had", "they", "you", "were", "their", "one", "all", "we", "can", "her", "has", "there",
  "been", "if", "more", "when", "will", "would", "who", "so", "no", "request", "tokens",
  "stream", "partition", "window", "budget", "model", "usage", "latency", "throughput",
  "summarise", "customer", "invoice", "quarterly", "revenue", "forecast", "engineering",
  "deployment", "kubernetes", "database", "transaction", "analysis", "report", "meeting",
  "schedule", "important", "question", "answer", "because", "however", "therefore", "between",
  "through", "during", "without", "against", "within", "information", "development",
  "government", "international", "relationship", "responsibility", "2026", "42", "3.14",
  "e-mail", "(see", "below)", "well-known", "don't", "it's", "U.S.", "etc."
}
local seed = 12345
local function nextInt(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
end
local parts = {}
local size = 0
while size < bytes do
  local w = words[nextInt(#words) + 1]
  if nextInt(12) == 0 then
    w = w .. "."
  elseif nextInt(10) == 0 then
    w = w .. ","
  end
  parts[#parts + 1] = w .. " "
  size = size + #w + 1
end
local text = table.concat(parts)
local counter = 0
local headers = { ["Content-Type"] = "application/json", ["x-api-key"] = "sk-bench-not-a-key" }

request = function()
  counter = counter + 1
  local body
  if api == "anthropic" then
    body = '{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"' .. counter .. " " .. text .. '"}]}'
  else
    body = '{"contents":[{"role":"user","parts":[{"text":"' .. counter .. " " .. text .. '"}]}]}'
  end
  return wrk.format("POST", path, headers, body)
end

response = function(status, headers, body)
  if status ~= 200 then
    error("status " .. status .. ": " .. body)
  end
end
