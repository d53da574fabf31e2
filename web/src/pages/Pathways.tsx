import { useEffect, useState } from "react";
import { api, ApiError, postText } from "../api";

interface Edge {
  from: string;
  to: string;
  count: number;
  wait_s?: { mean: number; median: number; p90: number };
}
interface Dfg {
  cases: number;
  events: number;
  activities: number;
  variants: number;
  start_activities: Record<string, number>;
  end_activities: Record<string, number>;
  edges: Edge[];
}
interface Handoffs {
  cross: number;
  self: number;
  ping_pong: number;
  ping_pong_cases: number;
  matrix: { from: string; to: string; count: number }[];
}
interface Variants {
  top: { rank: number; cases: number; coverage: number; activities: string[] }[];
}

function days(s: number): string {
  return s >= 86400 ? `${(s / 86400).toFixed(1)} d` : `${(s / 3600).toFixed(1)} h`;
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

// The process map: directly-follows graph with frequency or performance (median wait) labels,
// variants and the hand-off matrix between organisations.
export function Pathways() {
  const [pathway, setPathway] = useState("referrals");
  const [view, setView] = useState<"frequency" | "performance">("frequency");
  const [dfg, setDfg] = useState<Dfg | null>(null);
  const [handoffs, setHandoffs] = useState<Handoffs | null>(null);
  const [variants, setVariants] = useState<Variants | null>(null);
  const [svg, setSvg] = useState("");
  const [error, setError] = useState("");
  useEffect(() => {
    setError("");
    const q = `/api/v1/pathways?pathway=${pathway}`;
    Promise.all([api<Dfg>(`${q}&report=dfg`), api<Handoffs>(`${q}&report=handoffs`), api<Variants>(`${q}&report=variants&top=10`)]).then(
      ([d, h, v]) => {
        setDfg(d);
        setHandoffs(h);
        setVariants(v);
      },
      (e) => setError(e instanceof ApiError ? e.message : String(e)),
    );
  }, [pathway]);
  useEffect(() => {
    if (!dfg) return;
    let cancelled = false;
    const max = Math.max(1, ...dfg.edges.map((e) => e.count));
    const lines = ["digraph G {", "rankdir=LR;", 'node [shape=box, style="rounded,filled", fillcolor="#e8edee", fontname="Arial", fontsize=10];', 'edge [fontname="Arial", fontsize=9];'];
    lines.push('"●" [shape=circle, label="", width=0.2, fillcolor="#007f3b"];', '"■" [shape=square, label="", width=0.2, fillcolor="#d5281b"];');
    for (const [a, n] of Object.entries(dfg.start_activities)) lines.push(`"●" -> ${quote(a)} [label="${n}", color="#768692"];`);
    for (const [a, n] of Object.entries(dfg.end_activities)) lines.push(`${quote(a)} -> "■" [label="${n}", color="#768692"];`);
    for (const e of dfg.edges) {
      const label = view === "frequency" ? String(e.count) : e.wait_s ? days(e.wait_s.median) : "";
      const width = 1 + (4 * e.count) / max;
      lines.push(`${quote(e.from)} -> ${quote(e.to)} [label="${label}", penwidth=${width.toFixed(2)}, color="#005eb8"];`);
    }
    lines.push("}");
    // Graphviz (WebAssembly) loads only when a map is first drawn.
    import("@hpcc-js/wasm-graphviz").then(({ Graphviz }) => Graphviz.load()).then((g) => {
      if (!cancelled) setSvg(g.dot(lines.join("\n")));
    }, (e) => setError(String(e)));
    return () => {
      cancelled = true;
    };
  }, [dfg, view]);
  return (
    <>
      <h1 className="nhsuk-heading-l">Care pathways</h1>
      {error && <p className="nhsuk-error-message">{error}</p>}
      <div className="jc-actions">
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="pathway">Pathway</label>
          <select className="nhsuk-select" id="pathway" value={pathway} onChange={(e) => setPathway(e.target.value)}>
            {["referrals", "hospital-discharge", "children", "urgent-care"].map((p) => <option key={p}>{p}</option>)}
          </select>
        </div>
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="view">Show</label>
          <select className="nhsuk-select" id="view" value={view} onChange={(e) => setView(e.target.value as typeof view)}>
            <option value="frequency">how often (frequency)</option>
            <option value="performance">median wait (performance)</option>
          </select>
        </div>
      </div>
      {dfg && (
        <p className="nhsuk-body">
          {dfg.cases.toLocaleString("en-GB")} journeys, {dfg.events.toLocaleString("en-GB")} events, {dfg.activities} activities, {dfg.variants} variants.
        </p>
      )}
      <div className="jc-map" id="process-map" role="img" aria-label="Process map" dangerouslySetInnerHTML={{ __html: svg }} />
      {handoffs && (
        <>
          <h2 className="nhsuk-heading-m">Hand-offs between organisations</h2>
          <p className="nhsuk-body">
            {handoffs.cross} hand-offs between organisations, {handoffs.self} within one; {handoffs.ping_pong_cases} people passed back and forth.
          </p>
          <table className="nhsuk-table" id="handoffs">
            <thead className="nhsuk-table__head">
              <tr className="nhsuk-table__row">
                <th className="nhsuk-table__header">From</th>
                <th className="nhsuk-table__header">To</th>
                <th className="nhsuk-table__header">Hand-offs</th>
              </tr>
            </thead>
            <tbody className="nhsuk-table__body">
              {handoffs.matrix.slice(0, 15).map((m) => (
                <tr key={`${m.from}→${m.to}`} className="nhsuk-table__row">
                  <td className="nhsuk-table__cell">{m.from}</td>
                  <td className="nhsuk-table__cell">{m.to}</td>
                  <td className="nhsuk-table__cell">{m.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <Conformance pathway={pathway} />
      {variants && (
        <>
          <h2 className="nhsuk-heading-m">Most common journeys</h2>
          <ol className="nhsuk-list nhsuk-list--number">
            {variants.top.map((v) => (
              <li key={v.rank}>{v.activities.join(" → ")} <span className="jc-small">({v.cases} people, {(v.coverage * 100).toFixed(1)}%)</span></li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}

interface ConformanceResult {
  cases: number;
  fitness?: number;
  mean_fitness?: number;
  conforming_cases?: number;
  [key: string]: unknown;
}

const exampleTarget = `name = "one referral, one answer"
[[stage]]
activity = "referral to community_mental_health"
[[stage]]
activity = "referral accepted by community_mental_health"
`;

// Conformance of the journeys to a redesigned target pathway (TOML).
function Conformance({ pathway }: { pathway: string }) {
  const [target, setTarget] = useState(exampleTarget);
  const [result, setResult] = useState<ConformanceResult | null>(null);
  const [error, setError] = useState("");
  const run = async () => {
    setError("");
    try {
      setResult(await postText<ConformanceResult>(`/api/v1/pathways/conformance?pathway=${pathway}`, target));
    } catch (e) {
      setResult(null);
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section aria-labelledby="conformance-heading">
      <h2 className="nhsuk-heading-m" id="conformance-heading">Conformance to a target pathway</h2>
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="target">Target pathway (TOML)</label>
        <textarea className="nhsuk-textarea" id="target" rows={7} value={target} onChange={(e) => setTarget(e.target.value)} style={{ fontFamily: "monospace" }} />
      </div>
      <button className="nhsuk-button nhsuk-button--secondary" onClick={run}>Check conformance</button>
      {error && <p className="nhsuk-error-message">{error}</p>}
      {result && (
        <dl className="nhsuk-summary-list" id="conformance">
          {Object.entries(result).filter(([, v]) => typeof v === "number" || typeof v === "string").map(([k, v]) => (
            <div key={k} className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">{k.replace(/_/g, " ")}</dt>
              <dd className="nhsuk-summary-list__value">{typeof v === "number" && !Number.isInteger(v) ? v.toFixed(3) : String(v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
