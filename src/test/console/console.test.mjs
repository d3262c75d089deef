// Drives the usage console in a real Chromium, as a person would: ConsoleBrowserIT starts the app
// on a real broker, produces records, and runs this with what the page must show. Exits non-zero
// with the reason on the first thing that is wrong; it never skips.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const url = process.env.CONSOLE_URL;
const fullKey = process.env.FULL_KEY;
const namesKey = process.env.NAMES_KEY;
const expected = JSON.parse(process.env.EXPECTED);
const shots = process.env.SCREENSHOT_DIR;
mkdirSync(shots, { recursive: true });

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

function check(condition, message) {
  if (!condition) throw new Error(message);
  console.log("ok: " + message);
}

async function rowsOf(page, tbody) {
  return page.$$eval(`#${tbody} tr`, (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
}

/** Waits until the names table shows every expected name with its input tokens. */
async function awaitNames(page, names) {
  const deadline = Date.now() + 60_000;
  let rows = [];
  while (Date.now() < deadline) {
    rows = await rowsOf(page, "names-rows");
    const shown = new Map(rows.map((r) => [r[0], r[2]]));
    if (Object.entries(names).every(([name, tokens]) => shown.get(name) === integer.format(tokens))) return rows;
    await page.waitForTimeout(500);
  }
  throw new Error("names table never showed " + JSON.stringify(names) + "; it shows " + JSON.stringify(rows));
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // The page handles 400 (an invalid body), 401 and 403 itself; Chromium still logs them.
  const handled = /status of (400|401|403) /;
  page.on("console", (m) => { if (m.type() === "error" && !handled.test(m.text())) errors.push(m.text()); });
  await page.goto(url);

  // Authentication: the page asks for a key, refuses a wrong one, keeps a right one for the tab.
  await page.waitForSelector("#key-form:not([hidden])");
  check(await page.isHidden("#console"), "no data is shown before a key is given");
  await page.fill("#key", "tt_not_a_real_key");
  await page.press("#key", "Enter");
  await page.waitForFunction(() => document.getElementById("key-error").textContent.includes("not accepted"));
  check(true, "a wrong key is refused with a message");
  await page.fill("#key", fullKey);
  await page.press("#key", "Enter");
  await page.waitForSelector("#console:not([hidden])");
  check(await page.isHidden("#key-form"), "the key form closes once a key is accepted (keyboard only)");

  // Usage: every name and model with the totals the stream wrote.
  const names = await awaitNames(page, expected.names);
  check(names.length === Object.keys(expected.names).length, "every name appears once: " + names.map((r) => r[0]).join(", "));
  const cost = await rowsOf(page, "cost-rows");
  for (const [model, requests] of Object.entries(expected.models)) {
    const shown = cost.find((r) => r[0] === model);
    check(shown && shown[1] === integer.format(requests), `model ${model} shows ${requests} requests`);
    check(shown && shown[2].startsWith("$") && !/e[-+]?\d/i.test(shown[2]), `model ${model} shows its cost for people (${shown && shown[2]})`);
  }
  const codes = await rowsOf(page, "codes-rows");
  for (const [code, n] of Object.entries(expected.codes)) {
    check(codes.some((r) => r[0] === code && r[1] === integer.format(n)), `dead letters ${code}: ${n}`);
  }
  const chart = await page.getAttribute("#tokens-chart svg", "aria-label");
  check(chart && Object.keys(expected.models).every((m) => chart.includes(m)), "the per-minute chart has a line for every model");
  const methods = await rowsOf(page, "methods-rows");
  check(methods.some((r) => r[0] === "calibrated"), "the count-method mix lists calibrated counts");

  // Counting: the same number as the stream for the same body, then an invalid body's error.
  await page.fill("#count-model", expected.count.model);
  await page.fill("#count-body", expected.count.body);
  await page.click("#count-form button[type=submit]");
  await page.waitForSelector("#count-result dl");
  const tokens = await page.getAttribute("#count-result", "data-tokens");
  check(Number(tokens) === expected.count.tokens, `the count box gives the stream's ${expected.count.tokens} tokens (got ${tokens})`);
  const shown = await page.textContent("#count-result");
  check(shown.includes("calibrated") && shown.includes("±"), "the count shows its method and error bar");
  await page.screenshot({ path: `${shots}/console.png`, fullPage: true });
  await page.fill("#count-body", '{"messages": {}}');
  await page.click("#count-form button[type=submit]");
  await page.waitForSelector("#count-result .error");
  check((await page.textContent("#count-result .error")).startsWith("invalid_request"), "an invalid body shows its error code and message");

  // A phone's width: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `at 390 px nothing overflows (by ${overflow} px)`);
  await page.screenshot({ path: `${shots}/console-phone.png`, fullPage: true });

  // A key limited to some names, in a new tab: only its names, and no by-model panels.
  const scoped = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await scoped.goto(url);
  await scoped.waitForSelector("#key-form:not([hidden])");
  await scoped.fill("#key", namesKey);
  await scoped.press("#key", "Enter");
  const own = await awaitNames(scoped, expected.scopedNames);
  check(own.length === Object.keys(expected.scopedNames).length, "a name-limited key sees only its names: " + own.map((r) => r[0]).join(", "));
  check(await scoped.evaluate(() => document.getElementById("cost-panel").classList.contains("unavailable")), "a name-limited key sees no cost by model");
  check(await scoped.evaluate(() => document.getElementById("methods-panel").classList.contains("unavailable")), "a key without the metrics scope sees no metrics panels");
  check(await scoped.isVisible("#cost-panel .note"), "the page says why a panel is empty");

  check(errors.length === 0, "no script errors: " + errors.join("; "));
} finally {
  await browser.close();
}
