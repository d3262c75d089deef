// The usage console: reads tokentally's own HTTP API every few seconds and draws it. No library,
// no build step; every value from the API reaches the page as text, never as markup.
"use strict";

const REFRESH_MS = 5000;
const MINUTES = 30;
const KEY_STORE = "tokentally-key";
const COLORS = ["#2458c6", "#d9480f", "#2b8a3e", "#9c36b5", "#e8590c", "#0b7285", "#5c940d", "#c2255c"];

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const small = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });
const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });

/** Dollars for people: $1,234.50, $0.42, $0.000048 (never 4.8E-5). */
function usd(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (value === 0) return "$0";
  if (Math.abs(value) >= 1) return "$" + new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
  return "$" + small.format(value);
}

const $ = (id) => document.getElementById(id);

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function row(cells) {
  const tr = document.createElement("tr");
  cells.forEach(([text, numeric]) => tr.appendChild(el("td", text, numeric ? "num" : undefined)));
  return tr;
}

function key() {
  return sessionStorage.getItem(KEY_STORE);
}

/** A call to tokentally with the tab's key; resolves to {status, body} and never throws on HTTP errors. */
async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (key()) headers["x-api-key"] = key();
  const response = await fetch(path, Object.assign({}, options, { headers }));
  const text = await response.text();
  let body = text;
  if ((response.headers.get("content-type") || "").includes("json")) {
    try { body = JSON.parse(text); } catch (e) { body = text; }
  }
  return { status: response.status, body };
}

function available(sectionId, ok) {
  $(sectionId).classList.toggle("unavailable", !ok);
}

function askForKey(message) {
  $("console").hidden = true;
  $("key-form").hidden = false;
  $("change-key").hidden = true;
  $("key-error").textContent = message || "";
  $("status").textContent = "An API key is needed.";
  $("key").focus();
}

// ---- data panels -------------------------------------------------------------------------------

function drawTokens(records) {
  const chart = $("tokens-chart");
  const legend = $("tokens-legend");
  chart.replaceChildren();
  legend.replaceChildren();
  const now = Date.now();
  const start = Math.floor(now / 60000) * 60000 - (MINUTES - 1) * 60000;
  const series = new Map();
  for (const r of records) {
    const t = Date.parse(r.window_start);
    if (t < start || !r.input_tokens) continue;
    if (!series.has(r.model)) series.set(r.model, new Array(MINUTES).fill(0));
    series.get(r.model)[Math.round((t - start) / 60000)] += r.input_tokens || 0;
  }
  const ns = "http://www.w3.org/2000/svg";
  const w = 600, h = 200, left = 48, bottom = 20;
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  svg.setAttribute("role", "img");
  let max = 1;
  series.forEach((values) => values.forEach((v) => { if (v > max) max = v; }));
  const label = [...series.entries()]
    .map(([model, values]) => `${model}: ${integer.format(values[values.length - 1])} tokens in the current minute`)
    .join("; ");
  svg.setAttribute("aria-label", series.size ? `Input tokens per minute, last ${MINUTES} minutes. ${label}` : "No requests in the last 30 minutes");
  const axis = document.createElementNS(ns, "path");
  axis.setAttribute("d", `M${left},5 V${h - bottom} H${w - 5}`);
  axis.setAttribute("class", "axis");
  axis.setAttribute("fill", "none");
  svg.appendChild(axis);
  const tick = (text, x, y, anchor) => {
    const t = document.createElementNS(ns, "text");
    t.setAttribute("x", x); t.setAttribute("y", y); t.setAttribute("text-anchor", anchor);
    t.textContent = text;
    svg.appendChild(t);
  };
  tick(integer.format(max), left - 4, 12, "end");
  tick("0", left - 4, h - bottom, "end");
  tick(`-${MINUTES} min`, left, h - 4, "start");
  tick("now", w - 5, h - 4, "end");
  let i = 0;
  series.forEach((values, model) => {
    const color = COLORS[i++ % COLORS.length];
    const points = values.map((v, m) => {
      const x = left + (m / (MINUTES - 1)) * (w - 5 - left);
      const y = h - bottom - (v / max) * (h - bottom - 8);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    });
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", points.join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", color);
    line.setAttribute("stroke-width", "2");
    svg.appendChild(line);
    const item = el("li");
    const swatch = el("span", null, "swatch");
    swatch.style.background = color;
    item.append(swatch, el("span", `${model} (${integer.format(values.reduce((a, b) => a + b, 0))})`));
    legend.appendChild(item);
  });
  chart.appendChild(svg);
}

/** Whether a usage record has any vendor usage joined to it (else its actual cost is unknown). */
function billed(r) {
  return Boolean(r.actual) && (r.actual.reconciled || 0) + (r.actual.orphans || 0) > 0;
}

function drawNames(records) {
  const rows = $("names-rows");
  rows.replaceChildren();
  records
    .slice()
    .sort((a, b) => (b.input_tokens || 0) - (a.input_tokens || 0))
    .slice(0, 10)
    .forEach((r) => rows.appendChild(row([
      [r.name],
      [integer.format(r.requests || 0), true],
      [integer.format(r.input_tokens || 0), true],
      [usd(r.estimated_cost_usd), true],
      [billed(r) ? usd(r.actual.cost_usd) : "—", true],
    ])));
  if (!records.length) rows.appendChild(row([["No requests yet"], [""], [""], [""], [""]]));
}

function drawModels(records) {
  let accepted = 0, rejected = 0, reconciled = 0;
  const codes = new Map();
  const cost = $("cost-rows");
  cost.replaceChildren();
  for (const r of records) {
    accepted += r.requests || 0;
    rejected += r.rejected_total || 0;
    if (r.actual) reconciled += r.actual.reconciled || 0;
    for (const [code, n] of Object.entries(r.rejected || {})) codes.set(code, (codes.get(code) || 0) + n);
  }
  records
    .filter((r) => r.requests > 0 || billed(r))
    .sort((a, b) => (b.estimated_cost_usd || 0) - (a.estimated_cost_usd || 0))
    .forEach((r) => cost.appendChild(row([
      [r.model],
      [integer.format(r.requests || 0), true],
      [usd(r.estimated_cost_usd), true],
      [billed(r) ? usd(r.actual.cost_usd) : "—", true],
    ])));
  const figures = $("outcomes");
  figures.replaceChildren();
  [["Accepted", accepted], ["Dead letters", rejected], ["Reconciled", reconciled]].forEach(([name, n]) => {
    const box = el("div");
    box.append(el("dt", name), el("dd", integer.format(n)));
    figures.appendChild(box);
  });
  const rows = $("codes-rows");
  rows.replaceChildren();
  [...codes.entries()].sort((a, b) => b[1] - a[1]).forEach(([code, n]) => rows.appendChild(row([[code], [integer.format(n), true]])));
  if (!codes.size) rows.appendChild(row([["None"], [""]]));
}

/** Samples of a Prometheus text scrape: [{name, labels, value}]. */
function parseMetrics(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    let l;
    while ((l = re.exec(m[2] || "")) !== null) labels[l[1]] = l[2].replace(/\\(.)/g, "$1");
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

function drawMetrics(samples) {
  const methods = new Map();
  const ensure = (m) => methods.get(m) || methods.set(m, { n: 0, sum: 0, count: 0 }).get(m);
  const budgets = [];
  for (const s of samples) {
    if (s.name === "tokentally_count_method_total") ensure(s.labels.method).n += s.value;
    if (s.name === "tokentally_count_error_bar_percent_sum") ensure(s.labels.method).sum += s.value;
    if (s.name === "tokentally_count_error_bar_percent_count") ensure(s.labels.method).count += s.value;
    if (s.name === "tokentally_budget_used_ratio") budgets.push(s);
  }
  const total = [...methods.values()].reduce((a, m) => a + m.n, 0);
  const rows = $("methods-rows");
  rows.replaceChildren();
  [...methods.entries()].sort((a, b) => b[1].n - a[1].n).forEach(([method, m]) => rows.appendChild(row([
    [method],
    [total ? percent.format(m.n / total) : "—", true],
    [integer.format(m.n), true],
    [m.count ? "±" + decimal.format(m.sum / m.count) + "%" : "none", true],
  ])));
  if (!methods.size) rows.appendChild(row([["No requests yet"], [""], [""], [""]]));
  const list = $("budgets");
  list.replaceChildren();
  budgets.sort((a, b) => b.value - a.value).forEach((b) => {
    const item = el("li");
    item.appendChild(el("div", `${b.labels.name} — budget ${b.labels.budget}: ${percent.format(b.value)} used`));
    const bar = el("div", null, "bar");
    const fill = el("span", null, b.value >= 0.9 ? "over" : undefined);
    fill.style.width = Math.min(100, b.value * 100).toFixed(1) + "%";
    bar.setAttribute("role", "meter");
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    bar.setAttribute("aria-valuenow", (b.value * 100).toFixed(1));
    bar.setAttribute("aria-label", `${b.labels.name}, budget ${b.labels.budget}`);
    bar.appendChild(fill);
    item.appendChild(bar);
    list.appendChild(item);
  });
  if (!budgets.length) list.appendChild(el("li", "No budget has been checked yet."));
}

async function refresh() {
  const from = new Date(Date.now() - MINUTES * 60000).toISOString();
  const [perMinute, models, names, metrics] = await Promise.all([
    api(`/usage/models?window=1m&from=${encodeURIComponent(from)}`),
    api("/usage/models"),
    api("/usage/names"),
    api("/metrics"),
  ]);
  const all = [perMinute, models, names, metrics];
  if (all.every((r) => r.status === 401)) {
    const rejected = key() !== null;
    sessionStorage.removeItem(KEY_STORE);
    askForKey(rejected ? "That key was not accepted." : "");
    return false;
  }
  $("key-form").hidden = true;
  $("console").hidden = false;
  $("change-key").hidden = !key();
  const ok = (r) => r.status === 200;
  available("tokens-panel", ok(perMinute));
  if (ok(perMinute)) drawTokens(perMinute.body.records);
  available("outcomes-panel", ok(models));
  available("cost-panel", ok(models));
  if (ok(models)) drawModels(models.body.records);
  available("names-panel", ok(names));
  if (ok(names)) drawNames(names.body.records);
  available("methods-panel", ok(metrics));
  available("budgets-panel", ok(metrics));
  if (ok(metrics)) drawMetrics(parseMetrics(metrics.body));
  const busy = all.find((r) => r.status === 503);
  $("status").textContent = busy
    ? "tokentally is starting or rebalancing; retrying…"
    : `Updated ${new Date().toLocaleTimeString("en-GB")}, every ${REFRESH_MS / 1000} s.`;
  return true;
}

// ---- counting ----------------------------------------------------------------------------------

async function count(event) {
  event.preventDefault();
  const out = $("count-result");
  out.replaceChildren();
  let body;
  try {
    body = JSON.parse($("count-body").value);
  } catch (e) {
    out.appendChild(el("p", "invalid_json: the body is not valid JSON (" + e.message + ")", "error"));
    return;
  }
  if (body && typeof body === "object" && !Array.isArray(body)) body.model = $("count-model").value.trim();
  const r = await api("/count", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (r.status === 403 || r.status === 401) {
    available("count-panel", false);
    return;
  }
  if (r.status !== 200) {
    const error = (r.body && r.body.error) || { code: "error", message: String(r.body) };
    out.appendChild(el("p", `${error.code}: ${error.message}`, "error"));
    return;
  }
  const c = r.body;
  const tokens = c.input_tokens !== undefined ? c.input_tokens : c.totalTokens;
  const dl = el("dl");
  const add = (name, value) => dl.append(el("dt", name), el("dd", value));
  add("Model", c.model);
  add("Tokens", integer.format(tokens));
  add("Method", c.count_method);
  add("Error bar", c.count_error_pct === null ? "none (heuristic)" : "±" + decimal.format(c.count_error_pct) + "%");
  for (const [part, n] of Object.entries(c.breakdown || {})) add("· " + part, integer.format(n));
  (c.count_notes || []).forEach((note) => add("Note", note));
  out.appendChild(dl);
  out.dataset.tokens = String(tokens);
}

// ---- start -------------------------------------------------------------------------------------

function start() {
  $("key-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORE, $("key").value.trim());
    $("key").value = "";
    await refresh();
  });
  $("change-key").addEventListener("click", () => {
    sessionStorage.removeItem(KEY_STORE);
    askForKey("");
  });
  $("count-form").addEventListener("submit", count);
  const loop = async () => {
    try {
      // While the key form is open, wait for the user rather than re-asking under their fingers.
      if ($("key-form").hidden) await refresh();
    } catch (e) {
      $("status").textContent = "tokentally did not answer; retrying…";
    }
    setTimeout(loop, REFRESH_MS);
  };
  loop();
}

document.addEventListener("DOMContentLoaded", start);
