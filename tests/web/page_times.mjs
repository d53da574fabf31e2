// Measures how long each main page takes to show its content in Chromium against a running
// server (e.g. `make demo`): node tests/web/page_times.mjs http://127.0.0.1:8080 [WEB_DIR]
// Prints one line per page; a measurement, not a test.
import { launchChromium, signIn as signInAs } from "./browser.mjs";

const base = process.argv[2] ?? "http://127.0.0.1:8080";
const webDir = process.argv[3] ?? "web";
const browser = await launchChromium(webDir);
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const results = [];
const signIn = (username) => signInAs(page, context, base, username);
async function time(name, hash, selector) {
  const started = Date.now();
  await page.goto(`${base}/#/${hash}`);
  await page.locator(selector).first().waitFor({ timeout: 60000 });
  results.push([name, Date.now() - started]);
}
try {
  await signIn("sworker");
  await time("inbox", "inbox", "table[aria-label='Referrals to the team']");
  const href = await page.locator("table[aria-label='Referrals to the team'] tbody a").first().getAttribute("href");
  if (href) await time("person", href.replace(/^#\//, ""), "#person-name");
  await signIn("caldicott");
  await time("governance", "governance", "#alerts tbody tr");
  await signIn("commissioner");
  await time("case-committee", "case-committee", "#agenda tbody tr");
  await time("jsna", "jsna", "#jsna-table tbody tr");
  await time("pathways", "pathways", "#process-map svg");
  await time("budgets", "budgets", "#statement");
  await time("spend", "spend", "#services tbody tr");
  await time("plans", "plans", "#plan-result .nhsuk-tag");
  for (const [n, ms] of results) console.log(`page_times: ${n} ${ms} ms`);
} finally {
  await browser.close();
}
