import { useEffect, useState } from "react";
import { api, ApiError, pounds } from "../api";

interface AgendaItem {
  rank: number;
  person: string;
  age_band: string;
  combined_cost_pence: number;
  cost_by_organisation_pence: Record<string, number>;
  cost_by_service_pence: Record<string, number>;
  teams: string[];
  open_referrals: number;
  shared_care_plan: boolean;
  key_worker: boolean;
  flags: { uncoordinated: boolean; high_intensity_ae: boolean; deteriorating: boolean };
}
interface Report {
  period: { from: string; to: string };
  total_cost_pence: number;
  concentration: { top_1_percent_share: number; top_5_percent_share: number; top_20_percent_share: number };
  deterioration_rule: string;
  localities: { locality: string; people: number; agenda: AgendaItem[] }[];
}

const palette = ["#005eb8", "#007f3b", "#ffb81c", "#d5281b", "#330072", "#00a499", "#ae2573", "#768692"];

// The Case Committee: per locality, the people using the most of the whole system (pseudonymised),
// cost by organisation as bars, and flags.
export function CaseCommittee() {
  const [report, setReport] = useState<Report | null>(null);
  const [refusal, setRefusal] = useState<Record<string, string>>({});
  // The record behind a pseudonym opens only under the care record's access rule (audited).
  const openRecord = (person: string) =>
    api<{ id: number }>(`/api/v1/casecommittee/identify?person=${encodeURIComponent(person)}`).then(
      (p) => { window.location.hash = `#/persons/${p.id}`; },
      (e) => setRefusal((r) => ({ ...r, [person]: `Not opened: ${e instanceof ApiError ? e.message : String(e)} (the attempt is audited).` })),
    );
  const [locality, setLocality] = useState(0);
  const [error, setError] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  useEffect(() => {
    api<Report>("/api/v1/casecommittee?top=20").then(setReport, (e) => setError(e instanceof ApiError ? e.message : String(e)));
  }, []);
  if (error) return <p className="nhsuk-error-message">{error}</p>;
  if (!report) return <p className="nhsuk-body">Preparing the agenda…</p>;
  const l = report.localities[locality];
  const orgs = Array.from(new Set(report.localities.flatMap((x) => x.agenda.flatMap((a) => Object.keys(a.cost_by_organisation_pence)))));
  const colour = (org: string) => palette[orgs.indexOf(org) % palette.length];
  const max = Math.max(1, ...(l?.agenda ?? []).map((a) => a.combined_cost_pence));
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return (
    <>
      <h1 className="nhsuk-heading-l">Case Committee</h1>
      <p className="nhsuk-body">
        {report.period.from} to {report.period.to}. The top 1% of people account for {pct(report.concentration.top_1_percent_share)} of
        combined cost, the top 5% for {pct(report.concentration.top_5_percent_share)}, the top 20% for{" "}
        {pct(report.concentration.top_20_percent_share)}.
      </p>
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="locality">Locality</label>
        <select className="nhsuk-select" id="locality" value={locality} onChange={(e) => setLocality(Number(e.target.value))}>
          {report.localities.map((x, i) => <option key={x.locality} value={i}>{x.locality}</option>)}
        </select>
      </div>
      <ul className="nhsuk-list jc-small" aria-label="Key">
        {orgs.map((o) => (
          <li key={o}><span style={{ display: "inline-block", width: 12, height: 12, background: colour(o) }} aria-hidden="true" /> {o}</li>
        ))}
      </ul>
      <table className="nhsuk-table" id="agenda">
        <caption className="nhsuk-table__caption">{l?.locality}: the {l?.agenda.length} people with the highest combined cost</caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th className="nhsuk-table__header">#</th>
            <th className="nhsuk-table__header">Person (pseudonym)</th>
            <th className="nhsuk-table__header">Combined cost</th>
            <th className="nhsuk-table__header">By organisation</th>
            <th className="nhsuk-table__header">Flags</th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {l?.agenda.flatMap((a) => [
            <tr key={a.person} className="nhsuk-table__row">
              <td className="nhsuk-table__cell">{a.rank}</td>
              <td className="nhsuk-table__cell">
                <button className="jc-link-button jc-dark" aria-expanded={open === a.person} onClick={() => setOpen(open === a.person ? null : a.person)}>
                  {a.person}
                </button>
                <div className="jc-small">{a.age_band} · {a.teams.length} teams</div>
              </td>
              <td className="nhsuk-table__cell">{pounds(a.combined_cost_pence)}</td>
              <td className="nhsuk-table__cell" style={{ minWidth: 200 }}>
                <div className="jc-bar" role="img"
                  aria-label={Object.entries(a.cost_by_organisation_pence).map(([o, p]) => `${o} ${pounds(p)}`).join("; ")}>
                  {Object.entries(a.cost_by_organisation_pence).map(([o, p]) => (
                    <span key={o} title={`${o}: ${pounds(p)}`} style={{ width: `${(100 * p) / max}%`, background: colour(o) }} />
                  ))}
                </div>
              </td>
              <td className="nhsuk-table__cell">
                {a.flags.uncoordinated && <strong className="nhsuk-tag nhsuk-tag--red">uncoordinated</strong>}{" "}
                {a.flags.high_intensity_ae && <strong className="nhsuk-tag nhsuk-tag--orange">high-intensity A&amp;E</strong>}{" "}
                {a.flags.deteriorating && <strong className="nhsuk-tag nhsuk-tag--yellow">deteriorating</strong>}
              </td>
            </tr>,
            ...(open === a.person
              ? [
                  <tr key={`${a.person}-detail`} className="nhsuk-table__row">
                    <td className="nhsuk-table__cell" />
                    <td className="nhsuk-table__cell jc-small" colSpan={4}>
                      <strong>Cost by service:</strong>{" "}
                      {Object.entries(a.cost_by_service_pence).map(([svc, p]) => `${svc.replace(/_/g, " ")} ${pounds(p)}`).join("; ")}.
                      <br />
                      <strong>Teams:</strong> {a.teams.join("; ")}. <strong>Open referrals:</strong> {a.open_referrals}.{" "}
                      <strong>Shared care plan:</strong> {a.shared_care_plan ? "yes" : "no"}. <strong>Key worker:</strong> {a.key_worker ? "yes" : "no"}.
                      <br />
                      Identifiable details are for the teams with a relationship with the person; commissioners see pseudonyms.{" "}
                      <button className="jc-link-button" onClick={() => openRecord(a.person)}>Open the record</button>
                      {refusal[a.person] && <span className="nhsuk-error-message" id="identify-refusal">{refusal[a.person]}</span>}
                    </td>
                  </tr>,
                ]
              : []),
          ])}
        </tbody>
      </table>
      <p className="jc-small">Deterioration: {report.deterioration_rule}.</p>
    </>
  );
}
