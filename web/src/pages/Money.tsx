import { useEffect, useRef, useState } from "react";
import { BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from "chart.js";
import { api, ApiError, pounds, postText } from "../api";

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, Filler, CategoryScale, LinearScale, Tooltip, Legend);

interface Pool {
  id: number;
  name: string;
  kind: string;
  fund_pence: number;
  reserve_pence: number;
  partners: { name: string; share_basis_points: number }[];
}
interface Statement {
  pool: string;
  from: string;
  to: string;
  contributions_pence: number;
  contributions_by_partner_pence: Record<string, number>;
  spend_pence: number;
  spend_by_scheme_pence: Record<string, number>;
  budget_by_scheme_pence: Record<string, number>;
  reserve_pence: number;
  fund_pence: number;
  forecast_outturn_pence: number;
  variance_pence: number;
  committed_pence: number;
  kind: string;
  by_partner: Record<string, { budget_pence: number; spend_pence: number; forecast_outturn_pence: number; variance_pence: number }>;
}
interface Figures {
  budget_pence: number;
  spend_pence: number;
  forecast_outturn_pence: number;
  variance_pence: number;
}
interface Devolved {
  localities: (Figures & { locality: string })[];
  spend_without_locality_pence: number;
}
interface Practices {
  from: string;
  to: string;
  practices: (Figures & { practice: string; ods_code: string })[];
  contracts: { provider: string; service: string; notional_pence: number; spend_pence: number; practices: number }[];
}

// Budget, spend, forecast and variance, one row each, with the variance tagged.
function FiguresTable({ id, caption, first, rows }: { id: string; caption: string; first: string; rows: (Figures & { name: string })[] }) {
  return (
    <table className="nhsuk-table" id={id}>
      <caption className="nhsuk-table__caption">{caption}</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          {[first, "Budget", "Spend to date", "Forecast outturn", "Variance"].map((h) => <th key={h} className="nhsuk-table__header">{h}</th>)}
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {rows.map((r) => (
          <tr key={r.name} className="nhsuk-table__row">
            <td className="nhsuk-table__cell">{r.name}</td>
            <td className="nhsuk-table__cell">{pounds(r.budget_pence)}</td>
            <td className="nhsuk-table__cell">{pounds(r.spend_pence)}</td>
            <td className="nhsuk-table__cell">{pounds(r.forecast_outturn_pence)}</td>
            <td className="nhsuk-table__cell">
              {pounds(r.variance_pence)}{" "}
              {r.variance_pence < 0 && <strong className="nhsuk-tag nhsuk-tag--red">overspend</strong>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// Practice-based commissioning: notional budgets per GP practice, and the contracts they make.
function PracticeBudgets({ month }: { month: string }) {
  const [data, setData] = useState<Practices | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    api<Practices>(`/api/v1/budgets/practices?month=${month}`).then((d) => {
      setData(d);
      setError("");
    }, (e) => {
      setData(null);
      setError(e instanceof ApiError ? e.message : String(e));
    });
  }, [month]);
  if (error) return <p className="nhsuk-body">Practice budgets: {error}</p>;
  if (!data) return null;
  return (
    <>
      <h2 className="nhsuk-heading-m">Practice-based commissioning</h2>
      <p className="nhsuk-body">
        Notional budgets for acute and community services by weighted capitation, against the activity of each practice's
        registered patients, {data.from} to {data.to}.
      </p>
      <FiguresTable id="practices" caption="GP practices" first="Practice"
        rows={data.practices.map((p) => ({ ...p, name: `${p.practice} (${p.ods_code})` }))} />
      <table className="nhsuk-table" id="contracts">
        <caption className="nhsuk-table__caption">Contracts: the practices' budgets by where their patients went</caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            {["Provider", "Service", "Notional budget", "Spend to date", "Practices"].map((h) => <th key={h} className="nhsuk-table__header">{h}</th>)}
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {data.contracts.map((c) => (
            <tr key={c.provider + c.service} className="nhsuk-table__row">
              <td className="nhsuk-table__cell">{c.provider}</td>
              <td className="nhsuk-table__cell">{c.service.replace(/_/g, " ")}</td>
              <td className="nhsuk-table__cell">{pounds(c.notional_pence)}</td>
              <td className="nhsuk-table__cell">{pounds(c.spend_pence)}</td>
              <td className="nhsuk-table__cell">{c.practices}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

// Pooled budgets (Section 75): each pool's partners and balances, and the monthly statement.
export function Budgets() {
  const [pools, setPools] = useState<Pool[]>([]);
  const [pool, setPool] = useState("");
  const [month, setMonth] = useState("2025-09");
  const [statement, setStatement] = useState<Statement | null>(null);
  const [devolved, setDevolved] = useState<Devolved | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    api<Pool[]>("/api/v1/budgets").then((p) => {
      setPools(p);
      if (p.length) setPool(String(p[0].id));
    }, (e) => setError(e instanceof ApiError ? e.message : String(e)));
  }, []);
  useEffect(() => {
    if (!pool) return;
    setError("");
    api<Statement>(`/api/v1/budgets/statement?pool=${pool}&month=${month}`).then(setStatement, (e) => {
      setStatement(null);
      setError(e instanceof ApiError ? e.message : String(e));
    });
    api<Devolved>(`/api/v1/budgets/localities?pool=${pool}&month=${month}`).then(setDevolved, () => setDevolved(null));
  }, [pool, month]);
  return (
    <>
      <h1 className="nhsuk-heading-l">Pooled budgets</h1>
      {error && <p className="nhsuk-error-message">{error}</p>}
      <div className="jc-actions">
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="pool">Pool</label>
          <select className="nhsuk-select" id="pool" value={pool} onChange={(e) => setPool(e.target.value)}>
            {pools.map((p) => <option key={p.id} value={p.id}>{p.name} ({p.kind})</option>)}
          </select>
        </div>
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="month">Statement to the end of</label>
          <input className="nhsuk-input" id="month" type="month" value={month} onChange={(e) => setMonth(e.target.value)} />
        </div>
      </div>
      {pools.filter((p) => String(p.id) === pool).map((p) => (
        <p key={p.id} className="nhsuk-body">
          Partners: {p.kind === "aligned"
            ? p.partners.map((x) => x.name).join("; ") + ": each keeps its own budget and its own over- or underspend"
            : p.partners.map((x) => `${x.name} (${(x.share_basis_points / 100).toFixed(0)}% of any overspend)`).join("; ")}.
        </p>
      ))}
      {statement && statement.kind !== "aligned" && statement.variance_pence < 0 && pools.filter((p) => String(p.id) === pool).map((p) => (
        <div key={p.id} className="nhsuk-warning-callout" id="risk-share">
          <h3 className="nhsuk-warning-callout__label">Forecast overspend: the risk share</h3>
          <p>
            If the year ends as forecast, after the risk reserve the partners would add{" "}
            {p.partners.map((x) => `${x.name} ${pounds(Math.round((Math.max(0, -statement.variance_pence - statement.reserve_pence) * x.share_basis_points) / 10000))}`).join(", ")}.
          </p>
        </div>
      ))}
      {statement && (
        <table className="nhsuk-table" id="statement">
          <caption className="nhsuk-table__caption">{statement.pool}, {statement.from} to {statement.to}</caption>
          <tbody className="nhsuk-table__body">
            {Object.entries(statement.contributions_by_partner_pence).map(([k, v]) => (
              <tr key={k} className="nhsuk-table__row"><td className="nhsuk-table__cell">{k}</td><td className="nhsuk-table__cell">{pounds(v)}</td></tr>
            ))}
            {Object.entries(statement.spend_by_scheme_pence).map(([k, v]) => (
              <tr key={k} className="nhsuk-table__row">
                <td className="nhsuk-table__cell">Spend: {k.replace(/_/g, " ")} (budget {pounds(statement.budget_by_scheme_pence[k] ?? 0)})</td>
                <td className="nhsuk-table__cell">{pounds(v)}</td>
              </tr>
            ))}
            <tr className="nhsuk-table__row"><th className="nhsuk-table__header">Contributions to date</th><td className="nhsuk-table__cell">{pounds(statement.contributions_pence)}</td></tr>
            <tr className="nhsuk-table__row"><th className="nhsuk-table__header">Spend to date</th><td className="nhsuk-table__cell">{pounds(statement.spend_pence)}</td></tr>
            <tr className="nhsuk-table__row"><th className="nhsuk-table__header">Risk reserve</th><td className="nhsuk-table__cell">{pounds(statement.reserve_pence)}</td></tr>
            <tr className="nhsuk-table__row"><th className="nhsuk-table__header">Forecast outturn</th><td className="nhsuk-table__cell">{pounds(statement.forecast_outturn_pence)}</td></tr>
            <tr className="nhsuk-table__row"><th className="nhsuk-table__header">Committed by active care plans (rest of year)</th><td className="nhsuk-table__cell">{pounds(statement.committed_pence)}</td></tr>
            <tr className="nhsuk-table__row">
              <th className="nhsuk-table__header">Forecast variance</th>
              <td className="nhsuk-table__cell">
                {pounds(statement.variance_pence)}{" "}
                {statement.variance_pence < 0 ? <strong className="nhsuk-tag nhsuk-tag--red">overspend</strong> : <strong className="nhsuk-tag nhsuk-tag--green">within budget</strong>}
              </td>
            </tr>
          </tbody>
        </table>
      )}
      {statement && statement.kind === "aligned" && (
        <FiguresTable id="aligned" first="Partner"
          caption="Aligned: each partner's own budget, side by side (owned apart: no pooled fund, no risk share)"
          rows={Object.entries(statement.by_partner).map(([name, f]) => ({ ...f, name }))} />
      )}
      {devolved && devolved.localities.length > 0 && (
        <FiguresTable id="devolved" first="Locality" caption="Devolved to localities (spend from the activity of each locality's residents)"
          rows={devolved.localities.map((l) => ({ ...l, name: l.locality }))} />
      )}
      <PracticeBudgets month={month} />
    </>
  );
}

interface SpendReport {
  from: string;
  to: string;
  total_pence: number;
  by_month_pence: Record<string, number>;
  by_client_group_pence: Record<string, number>;
  services: { service: string; total_pence: number; providers: number; hhi: number; trend: string; projection: { month_ahead: number; pence: number; lower_pence: number; upper_pence: number }[] }[];
}

// Spend and trend: by client group, each service's trend and projection, provider concentration.
export function Spend() {
  const [report, setReport] = useState<SpendReport | null>(null);
  const [error, setError] = useState("");
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    api<SpendReport>("/api/v1/spend").then(setReport, (e) => setError(e instanceof ApiError ? e.message : String(e)));
  }, []);
  useEffect(() => {
    if (!report || !canvas.current) return;
    const months = Object.keys(report.by_month_pence).sort();
    const actual = months.map((m) => report.by_month_pence[m] / 100);
    // The whole system's projection: the sum of the services' projections.
    const ahead = report.services[0]?.projection.length ?? 0;
    const proj = Array.from({ length: ahead }, (_, k) => report.services.reduce((s, x) => s + x.projection[k].pence, 0) / 100);
    const labels = [...months, ...Array.from({ length: ahead }, (_, k) => `+${k + 1}`)];
    const chart = new Chart(canvas.current, {
      type: "line",
      data: {
        labels,
        datasets: [
          { label: "Spend (£)", data: [...actual, ...Array(ahead).fill(null)], borderColor: "#005eb8", backgroundColor: "#005eb8" },
          { label: "Projection (£)", data: [...Array(months.length).fill(null), ...proj], borderColor: "#ae2573", borderDash: [6, 4], backgroundColor: "#ae2573" },
        ],
      },
      options: { animation: false, plugins: { legend: { position: "bottom" } } },
    });
    return () => chart.destroy();
  }, [report]);
  if (error) return <p className="nhsuk-error-message">{error}</p>;
  if (!report) return <p className="nhsuk-body">Loading spend…</p>;
  return (
    <>
      <h1 className="nhsuk-heading-l">Spend and trend</h1>
      <p className="nhsuk-body">{report.from} to {report.to}: {pounds(report.total_pence)} across the system.</p>
      <canvas ref={canvas} id="spend-chart" role="img" aria-label="Monthly spend and a 12-month projection" />
      <h2 className="nhsuk-heading-m">By client group</h2>
      <ul className="nhsuk-list">
        {Object.entries(report.by_client_group_pence).map(([k, v]) => <li key={k}>{k}: {pounds(v)}</li>)}
      </ul>
      <table className="nhsuk-table" id="services">
        <caption className="nhsuk-table__caption">Services: trend, projection for month 12 (95% interval) and provider concentration</caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th className="nhsuk-table__header">Service</th>
            <th className="nhsuk-table__header">Year</th>
            <th className="nhsuk-table__header">Trend</th>
            <th className="nhsuk-table__header">Month 12</th>
            <th className="nhsuk-table__header">Providers (HHI)</th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {report.services.map((s) => {
            const last = s.projection[s.projection.length - 1];
            return (
              <tr key={s.service} className="nhsuk-table__row">
                <td className="nhsuk-table__cell">{s.service.replace(/_/g, " ")}</td>
                <td className="nhsuk-table__cell">{pounds(s.total_pence)}</td>
                <td className="nhsuk-table__cell">{s.trend}</td>
                <td className="nhsuk-table__cell">{last ? `${pounds(last.pence)} (${pounds(last.lower_pence)}–${pounds(last.upper_pence)})` : ""}</td>
                <td className="nhsuk-table__cell">{s.providers} ({s.hhi.toLocaleString("en-GB")}{s.hhi > 2500 ? ", concentrated" : ""})</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

const exampleScenario = `name = "Home first"
years = 5

[growth]
"65-74" = 0.015
"75-84" = 0.03
"85+" = 0.04

[[shift]]
from = "residential_care"
to = "home_care"
share = 0.10
cost_ratio = 0.55

[reablement]
home_care_reduction = 0.10
`;

interface ScenarioResult {
  scenario: string;
  base_year_pence: number;
  years: { year: number; baseline_pence: number; scenario_pence: number; change_pence: number; risk_share_by_partner_pence: Record<string, number> }[];
}

// Costed scenarios: edit the scenario, run it, compare with the baseline year by year.
export function Scenarios() {
  const [text, setText] = useState(exampleScenario);
  const [result, setResult] = useState<ScenarioResult | null>(null);
  const [error, setError] = useState("");
  const run = async () => {
    setError("");
    try {
      setResult(await postText<ScenarioResult>("/api/v1/scenario", text));
    } catch (e) {
      setResult(null);
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <>
      <h1 className="nhsuk-heading-l">Costed scenarios</h1>
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="scenario-text">Scenario (TOML)</label>
        <textarea className="nhsuk-textarea" id="scenario-text" rows={14} value={text} onChange={(e) => setText(e.target.value)} style={{ fontFamily: "monospace" }} />
      </div>
      <button className="nhsuk-button" onClick={run}>Cost the scenario</button>
      {error && <p className="nhsuk-error-message" id="scenario-error">{error}</p>}
      {result && (
        <table className="nhsuk-table" id="scenario-result">
          <caption className="nhsuk-table__caption">{result.scenario}: base year {pounds(result.base_year_pence)}</caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              <th className="nhsuk-table__header">Year</th>
              <th className="nhsuk-table__header">Baseline</th>
              <th className="nhsuk-table__header">Scenario</th>
              <th className="nhsuk-table__header">Change</th>
              <th className="nhsuk-table__header">Pools' risk share by partner</th>
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {result.years.map((y) => (
              <tr key={y.year} className="nhsuk-table__row">
                <td className="nhsuk-table__cell">{y.year}</td>
                <td className="nhsuk-table__cell">{pounds(y.baseline_pence)}</td>
                <td className="nhsuk-table__cell">{pounds(y.scenario_pence)}</td>
                <td className="nhsuk-table__cell">{pounds(y.change_pence)}</td>
                <td className="nhsuk-table__cell jc-small">{Object.entries(y.risk_share_by_partner_pence).map(([k, v]) => `${k}: ${pounds(v)}`).join("; ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

const examplePlan = `name = "Urgent care closer to home"
budget_pence = 250000000

[[output]]
description = "Extend the rapid-response team to evenings and weekends"
due = "2026-01-31"

[[indicator]]
measure = "ae_attendances_per_1000"
target = 22.0
better = "lower"

[[indicator]]
measure = "emergency_admissions_per_1000"
target = 6.5
`;

interface PlanResult {
  plan: string;
  as_of: string;
  outputs: { description: string; due: string; status: string; rag: string }[];
  indicators: { description: string; latest?: number; target: number; rag: string; trend?: string; outside_control_limits?: boolean }[];
}

const ragTag: Record<string, string> = { green: "nhsuk-tag--green", amber: "nhsuk-tag--orange", red: "nhsuk-tag--red", grey: "nhsuk-tag--grey" };

// Commissioning plans: RAG status, trend and control-limit flags for each indicator.
export function Plans() {
  const [text, setText] = useState(examplePlan);
  const [result, setResult] = useState<PlanResult | null>(null);
  const [error, setError] = useState("");
  const run = async () => {
    setError("");
    try {
      setResult(await postText<PlanResult>("/api/v1/plan", text));
    } catch (e) {
      setResult(null);
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  useEffect(() => {
    void run();
  }, []);
  return (
    <>
      <h1 className="nhsuk-heading-l">Commissioning plans</h1>
      {result && (
        <table className="nhsuk-table" id="plan-result">
          <caption className="nhsuk-table__caption">{result.plan}, as of {result.as_of}</caption>
          <tbody className="nhsuk-table__body">
            {result.indicators.map((i) => (
              <tr key={i.description} className="nhsuk-table__row">
                <td className="nhsuk-table__cell">{i.description}</td>
                <td className="nhsuk-table__cell">{i.latest?.toFixed(1)} (target {i.target})</td>
                <td className="nhsuk-table__cell"><strong className={`nhsuk-tag ${ragTag[i.rag] ?? ""}`}>{i.rag}</strong></td>
                <td className="nhsuk-table__cell">{i.trend}{i.outside_control_limits && <> · <strong className="nhsuk-tag nhsuk-tag--red">outside control limits</strong></>}</td>
              </tr>
            ))}
            {result.outputs.map((o) => (
              <tr key={o.description} className="nhsuk-table__row">
                <td className="nhsuk-table__cell">Output: {o.description}</td>
                <td className="nhsuk-table__cell">due {o.due}</td>
                <td className="nhsuk-table__cell"><strong className={`nhsuk-tag ${ragTag[o.rag] ?? ""}`}>{o.status}</strong></td>
                <td className="nhsuk-table__cell" />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error && <p className="nhsuk-error-message">{error}</p>}
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="plan-text">Plan (TOML)</label>
        <textarea className="nhsuk-textarea" id="plan-text" rows={12} value={text} onChange={(e) => setText(e.target.value)} style={{ fontFamily: "monospace" }} />
      </div>
      <button className="nhsuk-button" onClick={run}>Evaluate the plan</button>
    </>
  );
}
