// End-to-end tests of the web application in a real browser (Debian's Chromium driven by
// playwright-core) against the real server and a generated synthetic area. Saves a screenshot of
// each main page and prints how long each took to show its content.
//
// Usage: node tests/web/e2e.mjs JOINTCARE_BINARY SHARED_DIR WEB_DIR OUT_DIR
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { launchChromium, signIn as signInAs } from "./browser.mjs";
import { serve, stop } from "../support/serve.mjs";

const [jointcare, shared, webDir, outDir] = process.argv.slice(2);
if (!outDir) {
  console.error("usage: e2e.mjs JOINTCARE SHARED_DIR WEB_DIR OUT_DIR");
  process.exit(2);
}
if (!existsSync(path.join(webDir, "dist", "index.html"))) {
  console.error(`e2e: ${webDir}/dist is not built: run make test (or npm run build in web/)`);
  process.exit(1);
}

const work = mkdtempSync(path.join(os.tmpdir(), "jointcare-e2e-"));
const db = path.join(work, "area.db");
mkdirSync(outDir, { recursive: true });
let server;
let base;
let browser;
let passed = 0;
const timings = [];

function fail(message) {
  throw new Error(message);
}
function sql(query) {
  return execFileSync("sqlite3", [db, query], { encoding: "utf8" }).trim();
}

async function check(name, fn) {
  await fn();
  passed += 1;
  console.log(`ok - ${name}`);
}

try {
  // A synthetic area with its person index and a month of use.
  execFileSync(jointcare, ["generate", "--db", db, "--population", "2000", "--seed", "7", "--reference-dir", path.join(shared, "data/reference")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const team = (user) => sql(`SELECT team_id FROM staff_users WHERE username = '${user}'`);
  const dnTeam = team("dnurse"), swTeam = team("sworker"), hvTeam = team("hvisitor");
  // A person on the district nurse's caseload whom social work does not know (set up here), and a
  // stranger to the health visiting team.
  const person = sql(`SELECT p.id FROM persons p WHERE NOT EXISTS (SELECT 1 FROM involvements i WHERE i.person_id = p.id AND i.team_id IN (${dnTeam}, ${swTeam})) AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.person_id = p.id) AND EXISTS (SELECT 1 FROM local_records l WHERE l.person_id = p.id AND l.nhs_number_status = '01') ORDER BY p.id LIMIT 1`);
  sql(`INSERT INTO involvements (person_id, team_id, service, started_at) VALUES (${person}, ${dnTeam}, 'district_nursing', '2026-01-05T09:00:00Z')`);
  const stranger = sql(`SELECT p.id FROM persons p WHERE NOT EXISTS (SELECT 1 FROM involvements i WHERE i.person_id = p.id AND i.team_id = ${hvTeam}) AND p.id <> ${person} ORDER BY p.id DESC LIMIT 1`);
  const familyName = sql(`SELECT family_name FROM local_records WHERE person_id = ${person} ORDER BY id LIMIT 1`);

  ({ server, base } = await serve(jointcare, ["--db", db, "--static-dir", path.join(webDir, "dist")]));

  browser = await launchChromium(webDir);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
  // The server's Content-Security-Policy must let every page work: a refused script, style,
  // image or WebAssembly compile is a failure.
  const policyViolations = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) policyViolations.push(m.text());
  });

  // Opens a page and waits for the element that shows its content, recording how long it took.
  async function open(hash, readySelector, shot) {
    const started = Date.now();
    await page.goto(`${base}/#/${hash}`);
    await page.locator(readySelector).first().waitFor({ timeout: 15000 });
    timings.push([shot, Date.now() - started]);
    await page.screenshot({ path: path.join(outDir, `${shot}.png`), fullPage: true });
  }
  const signIn = (username) => signInAs(page, context, base, username);

  await check("sign-in refuses a wrong password and accepts the right one", async () => {
    await page.goto(`${base}/`);
    await page.screenshot({ path: path.join(outDir, "sign-in.png") });
    await page.getByLabel("Username").fill("dnurse");
    await page.getByLabel("Password").fill("wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("#signin-error").waitFor();
    await signIn("dnurse");
  });

  await check("the district nurse refers her patient to social care and starts the single assessment", async () => {
    await open(`persons/${person}`, "#person-name", "person");
    if (!(await page.locator("#known-to-heading").isVisible())) fail("no known-to panel");
    await page.locator("#refer-team").selectOption(swTeam);
    await page.getByLabel("Service asked for").fill("social care assessment");
    await page.getByLabel("Reason", { exact: true }).fill("Struggling with personal care after a fall");
    await page.getByRole("button", { name: "Send referral" }).click();
    await page.locator("#referral-sent").waitFor();
    await page.getByRole("button", { name: "Start a comprehensive assessment" }).click();
    await page.locator("#assessment").waitFor();
    for (const code of ["cb1", "cb2", "pc1", "pc2", "se1"]) await page.locator(`#q-${code}`).fill(`Nurse's answer to ${code}`);
    await page.getByRole("button", { name: "Save answers" }).click();
    await page.locator("#assessment .jc-answered").first().waitFor();
    await page.locator("#note-body").fill("Visited at home; fell on Tuesday, bruised hip.");
    await page.getByRole("button", { name: "Save note" }).click();
    await page.getByText("fell on Tuesday").waitFor();
  });

  await check("the social care team accepts the referral from its inbox", async () => {
    await signIn("sworker");
    await open("inbox", "table[aria-label='Referrals to the team']", "inbox");
    const row = page.locator("tr", { hasText: familyName }).filter({ hasText: "social care assessment" }).first();
    await row.getByRole("button", { name: "Accept" }).click();
    await page.locator("tr", { hasText: familyName }).filter({ hasText: "accepted" }).first().waitFor();
  });

  await check("the second agency adds to the assessment, starting from the nurse's answers", async () => {
    await open(`persons/${person}`, "#person-name", "person-social-worker");
    await page.getByText("Visited at home; fell on Tuesday").waitFor();  // the relationship opened the notes
    await page.locator("#timeline li", { hasText: "visit note" }).first().waitFor();  // the journey across organisations
    await page.getByRole("button", { name: "Start an overview assessment" }).click();
    await page.locator("#assessment").waitFor();
    const prefilled = await page.locator("#assessment .jc-answered", { hasText: "Last answered by Dana Nurse" }).count();
    if (prefilled < 5) fail(`expected the nurse's 5 answers pre-filled, saw ${prefilled}`);
    await page.locator("#q-up1").fill("To stay in my own home");
    await page.locator("#q-re1").fill("Lives alone");
    await page.getByRole("button", { name: "Save answers" }).click();
    await page.locator("#assessment .jc-answered", { hasText: "Answered by Sam Worker" }).first().waitFor();
    // The person's consent choice about the council's information, recorded by the council's
    // social worker (a choice about another organisation's information is that organisation's).
    await page.locator("#consent-org", { hasText: "Council" }).waitFor();
    await page.getByRole("button", { name: "Record consent" }).click();
    await page.locator("#consents li", { hasText: "refused" }).first().waitFor();
    await page.screenshot({ path: path.join(outDir, "assessment.png"), fullPage: true });
  });

  await check("a practitioner without a relationship is refused, then breaks the glass", async () => {
    await signIn("hvisitor");
    await open(`persons/${stranger}`, "#refusal", "refused");
    await page.getByLabel("Why do you need this record now?").fill("Child protection concern raised out of hours");
    await page.getByRole("button", { name: "Break glass and open the record" }).click();
    await page.getByText("You are using a break-glass override").waitFor();
    await page.screenshot({ path: path.join(outDir, "break-glass.png"), fullPage: true });
  });

  await check("the Caldicott Guardian sees the alert and who looked at the record", async () => {
    await signIn("caldicott");
    await open("governance", "#alerts", "governance");
    await page.locator("#alerts tr", { hasText: "Holly Visitor" }).first().waitFor();
    await page.locator("#audit-state", { hasText: "intact" }).waitFor();
    await page.locator("#audit-state", { hasText: "reads and searches" }).waitFor();
    await page.getByLabel("Person id").fill(String(stranger));
    await page.getByRole("button", { name: "Show accesses" }).click();
    await page.locator("#access-log tr", { hasText: "Holly Visitor" }).first().waitFor();
    // The report for print opens in its own tab, with the session's cookie; break-glass reads
    // are emergency care whatever the reader said.
    const [report] = await Promise.all([page.waitForEvent("popup"), page.locator("#access-report").click()]);
    await report.locator("h1", { hasText: `Who looked at the record of person ${stranger}` }).waitFor();
    await report.locator("tr", { hasText: "Holly Visitor" }).filter({ hasText: "Emergency care (break-glass)" }).first().waitFor();
    await report.locator("h2", { hasText: "The checkpoints the proofs are against" }).waitFor();
    await report.close();
    await page.locator("#audit-user_id").fill(sql("SELECT id FROM staff_users WHERE username = 'hvisitor'"));
    await page.locator("#audit-action").fill("break_glass");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.locator("#audit-results tr", { hasText: "Holly Visitor" }).first().waitFor();
    await page.screenshot({ path: path.join(outDir, "access-log.png"), fullPage: true });
  });

  await check("a commissioner opens the Case Committee, a JSNA chart and a process map", async () => {
    await signIn("commissioner");
    await open("case-committee", "#agenda tbody tr", "case-committee");
    await page.locator("#agenda tbody button").first().click();  // the drill-down: cost by service, teams
    await page.locator("#agenda", { hasText: "Cost by service" }).waitFor();
    await page.getByRole("button", { name: "Open the record" }).first().click();  // a commissioner has no relationship
    await page.locator("#identify-refusal", { hasText: "audited" }).waitFor();
    await open("jsna", "#jsna-table tbody tr", "jsna");
    if (!(await page.locator("#jsna-chart").isVisible())) fail("no JSNA chart");
    await open("pathways", "#process-map svg", "pathways");
    await page.getByRole("button", { name: "Check conformance" }).click();
    await page.locator("#conformance").waitFor();
  });

  await check("a commissioner reads a pooled budget's statement, an aligned budget, devolved and practice budgets, spend and trend, a costed scenario and a plan's RAG", async () => {
    await open("budgets", "#statement", "budgets");
    await page.locator("#statement", { hasText: "Forecast outturn" }).waitFor();
    await page.locator("#devolved tbody tr").nth(6).waitFor();  // devolved to the seven localities
    await page.locator("#practices tbody tr").first().waitFor();  // practices' notional budgets
    await page.locator("#contracts tbody tr").first().waitFor();
    await page.locator("#pool").selectOption({ label: "Continuing Healthcare (aligned)" });
    await page.locator("#aligned tbody tr").nth(1).waitFor();  // the partners side by side
    if (await page.locator("#risk-share").count()) fail("an aligned budget has no risk share");
    await page.screenshot({ path: path.join(outDir, "budgets-aligned.png"), fullPage: true });
    await open("spend", "#services tbody tr", "spend");
    await open("scenarios", "#scenario-text", "scenarios");
    await page.getByRole("button", { name: "Cost the scenario" }).click();
    await page.locator("#scenario-result tbody tr").nth(4).waitFor();  // five years
    await page.locator("#scenario-text").fill('name = "broken"\nyears = 9\n');
    await page.getByRole("button", { name: "Cost the scenario" }).click();
    await page.locator("#scenario-error", { hasText: "years" }).waitFor();
    await open("plans", "#plan-result .nhsuk-tag", "plans");
  });

  await check("no page broke the Content-Security-Policy", async () => {
    if (policyViolations.length) fail(`${policyViolations.length} violations, the first: ${policyViolations[0]}`);
  });

  console.log("page load times (ms, navigation to content shown): " + timings.map(([n, ms]) => `${n} ${ms}`).join(", "));
  console.log(`e2e: ${passed} passed, 0 failed; screenshots in ${outDir}`);
} catch (e) {
  console.error(`not ok - ${e.message}`);
  console.log(`e2e: ${passed} passed, 1 failed`);
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
  await stop(server);
  rmSync(work, { recursive: true, force: true });
}
