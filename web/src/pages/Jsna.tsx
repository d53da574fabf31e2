import { useEffect, useRef, useState } from "react";
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";
import { api, ApiError } from "../api";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

interface Cell {
  group: string;
  count: number | null;
  suppressed: boolean;
  population_count: number | null;
  value: number | null;
  ci95_lower: number | null;
  ci95_upper: number | null;
  comparison?: string;
}
interface Measure {
  measure: string;
  description: string;
  area: Cell;
  localities: Cell[];
  age_bands: Cell[];
  deprivation_deciles: Cell[];
}
interface Report {
  disclosure_rule: string;
  measures: Measure[];
}

// JSNA needs profiles: rates with 95% intervals by locality, age band or deprivation decile,
// compared with the whole area; suppressed cells shown as such.
export function Jsna() {
  const [report, setReport] = useState<Report | null>(null);
  const [measure, setMeasure] = useState(0);
  const [cut, setCut] = useState<"localities" | "age_bands" | "deprivation_deciles">("localities");
  const [error, setError] = useState("");
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    api<Report>("/api/v1/jsna").then(setReport, (e) => setError(e instanceof ApiError ? e.message : String(e)));
  }, []);
  const m = report?.measures[measure];
  const cells = m ? m[cut] : [];
  useEffect(() => {
    if (!canvas.current || !m) return;
    const chart = new Chart(canvas.current, {
      type: "bar",
      data: {
        labels: cells.map((c) => c.group),
        datasets: [
          { label: "95% interval", data: cells.map((c) => (c.suppressed || c.ci95_lower === null ? null : [c.ci95_lower, c.ci95_upper ?? 0])) as never, backgroundColor: "rgba(0,94,184,0.25)", grouped: false, barPercentage: 0.5 },
          { label: m.description, data: cells.map((c) => (c.suppressed ? null : c.value)), backgroundColor: "#005eb8", grouped: false, barPercentage: 0.15 },
        ],
      },
      options: { animation: false, responsive: true, plugins: { legend: { position: "bottom" } } },
    });
    return () => chart.destroy();
  }, [m, cut, cells]);
  if (error) return <p className="nhsuk-error-message">{error}</p>;
  if (!report || !m) return <p className="nhsuk-body">Loading the profiles…</p>;
  return (
    <>
      <h1 className="nhsuk-heading-l">Needs across the area (JSNA)</h1>
      <div className="jc-actions">
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="measure">Measure</label>
          <select className="nhsuk-select" id="measure" value={measure} onChange={(e) => setMeasure(Number(e.target.value))}>
            {report.measures.map((x, i) => <option key={x.measure} value={i}>{x.description}</option>)}
          </select>
        </div>
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="cut">By</label>
          <select className="nhsuk-select" id="cut" value={cut} onChange={(e) => setCut(e.target.value as typeof cut)}>
            <option value="localities">locality</option>
            <option value="age_bands">age band</option>
            <option value="deprivation_deciles">deprivation decile</option>
          </select>
        </div>
      </div>
      <p className="nhsuk-body">Whole area: {m.area.value?.toFixed(1)} (95% CI {m.area.ci95_lower?.toFixed(1)}–{m.area.ci95_upper?.toFixed(1)}).</p>
      <canvas ref={canvas} id="jsna-chart" role="img" aria-label={`${m.description} by ${cut.replace("_", " ")}, with 95% intervals`} />
      <table className="nhsuk-table" id="jsna-table">
        <caption className="nhsuk-table__caption">{m.description}. {report.disclosure_rule}.</caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th className="nhsuk-table__header">Group</th>
            <th className="nhsuk-table__header">Count</th>
            <th className="nhsuk-table__header">Rate</th>
            <th className="nhsuk-table__header">95% interval</th>
            <th className="nhsuk-table__header">Compared with the area</th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {cells.map((c) => (
            <tr key={c.group} className="nhsuk-table__row">
              <td className="nhsuk-table__cell">{c.group}</td>
              <td className="nhsuk-table__cell">{c.suppressed ? <abbr title="suppressed: fewer than 8">*</abbr> : c.count}</td>
              <td className="nhsuk-table__cell">{c.suppressed || c.value === null ? "*" : c.value.toFixed(1)}</td>
              <td className="nhsuk-table__cell">{c.suppressed || c.ci95_lower === null ? "" : `${c.ci95_lower.toFixed(1)}–${c.ci95_upper?.toFixed(1)}`}</td>
              <td className="nhsuk-table__cell">{c.comparison ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
