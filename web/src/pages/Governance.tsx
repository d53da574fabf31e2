import { useCallback, useEffect, useState } from "react";
import { api, ApiError, when } from "../api";

interface Alert {
  id: number;
  raised_at: string;
  kind: string;
  user: string;
  user_role: string;
  person_id: number | null;
  reason: string;
  status: string;
  review_outcome: string | null;
}
interface AuditEntry {
  id: number;
  at: string;
  user: string;
  role: string;
  organisation: string;
  person_id: number | null;
  action: string;
  record_type: string;
  record_id: string;
  purpose: string;
  purpose_display: string;
  outcome: string;
}

// Both chains of the audit trail: changes (record) and reads and searches (access).
type Verification = {
  intact: boolean;
  events: number;
  record_events: number;
  access_events: number;
  trail: string | null;
  first_bad_id: number | null;
  problem: string;
};

// Information governance: the alert review queue, the audit chain's state, audit search and
// "who looked at this record".
export function Governance() {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [verify, setVerify] = useState<Verification | null>(null);
  const [person, setPerson] = useState("");
  const [log, setLog] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState("");
  const loadAlerts = useCallback(() => {
    api<{ items: Alert[] }>("/api/v1/alerts?limit=100").then((r) => setAlerts(r.items), (e) => setError(String(e.message ?? e)));
  }, []);
  useEffect(() => {
    loadAlerts();
    api<Verification>("/api/v1/audit/verify").then(setVerify, () => setVerify(null));
  }, [loadAlerts]);
  const review = async (id: number, outcome: string) => {
    try {
      await api(`/api/v1/alerts/${id}/review`, { method: "POST", body: { outcome, note: outcome === "inappropriate" ? "Referred to the line manager" : "" } });
      loadAlerts();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const [filter, setFilter] = useState({ user_id: "", organisation_id: "", action: "", from: "", to: "" });
  const [found, setFound] = useState<AuditEntry[] | null>(null);
  const searchAudit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError("");
    const q = Object.entries(filter).filter(([, v]) => v.trim() !== "").map(([k, v]) => `${k}=${encodeURIComponent(v.trim())}`).join("&");
    try {
      setFound((await api<{ items: AuditEntry[] }>(`/api/v1/audit?${q}&limit=200`)).items);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const search = async (e: React.FormEvent) => {
    e.preventDefault();
    setError("");
    try {
      setLog((await api<{ items: AuditEntry[] }>(`/api/v1/persons/${encodeURIComponent(person)}/access-log?limit=200`)).items);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <>
      <h1 className="nhsuk-heading-l">Information governance</h1>
      {error && <p className="nhsuk-error-message">{error}</p>}
      {verify && (
        <div className={verify.intact ? "nhsuk-inset-text" : "nhsuk-warning-callout"} id="audit-state">
          <p>
            {verify.intact
              ? `The audit chain is intact: ${verify.events.toLocaleString("en-GB")} events verified (${verify.record_events.toLocaleString("en-GB")} changes, ${verify.access_events.toLocaleString("en-GB")} reads and searches).`
              : `The audit chain is broken at event ${verify.first_bad_id} of the ${verify.trail} trail: ${verify.problem}`}
          </p>
        </div>
      )}
      <h2 className="nhsuk-heading-m">Override alerts</h2>
      <table className="nhsuk-table" id="alerts">
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th className="nhsuk-table__header">Raised</th>
            <th className="nhsuk-table__header">Kind</th>
            <th className="nhsuk-table__header">By</th>
            <th className="nhsuk-table__header">Person</th>
            <th className="nhsuk-table__header">Reason</th>
            <th className="nhsuk-table__header">Review</th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {alerts.map((a) => (
            <tr key={a.id} className="nhsuk-table__row">
              <td className="nhsuk-table__cell">{when(a.raised_at)}</td>
              <td className="nhsuk-table__cell">{a.kind.replace("_", " ")}</td>
              <td className="nhsuk-table__cell">{a.user} ({a.user_role.replace(/_/g, " ")})</td>
              <td className="nhsuk-table__cell">{a.person_id}</td>
              <td className="nhsuk-table__cell">{a.reason}</td>
              <td className="nhsuk-table__cell">
                {a.status === "open" ? (
                  <div className="jc-actions">
                    <button className="nhsuk-button nhsuk-button--small" onClick={() => review(a.id, "appropriate")}>Appropriate</button>
                    <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" onClick={() => review(a.id, "inappropriate")}>Inappropriate</button>
                  </div>
                ) : (
                  a.review_outcome
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2 className="nhsuk-heading-m">Search the audit trail</h2>
      <form onSubmit={searchAudit} className="jc-actions">
        {([["user_id", "User id"], ["organisation_id", "Organisation id"], ["action", "Action"], ["from", "From (date)"], ["to", "Before (date)"]] as const).map(([k, label]) => (
          <div key={k} className="nhsuk-form-group">
            <label className="nhsuk-label" htmlFor={`audit-${k}`}>{label}</label>
            <input className="nhsuk-input nhsuk-input--width-10" id={`audit-${k}`} type={k === "from" || k === "to" ? "date" : "text"}
              value={filter[k]} onChange={(e) => setFilter({ ...filter, [k]: e.target.value })} />
          </div>
        ))}
        <button className="nhsuk-button" type="submit">Search</button>
      </form>
      {found && <AuditTable entries={found} id="audit-results" />}
      <h2 className="nhsuk-heading-m">Who looked at this record</h2>
      <form onSubmit={search} className="jc-actions">
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="audit-person">Person id</label>
          <input className="nhsuk-input nhsuk-input--width-10" id="audit-person" value={person} onChange={(e) => setPerson(e.target.value)} />
        </div>
        <button className="nhsuk-button" type="submit">Show accesses</button>
      </form>
      {log && (
        <p className="nhsuk-body">
          <a id="access-report" href={`/api/v1/persons/${encodeURIComponent(person)}/access-report?format=html`} target="_blank" rel="noopener">
            The report for print, each line with its proof against the signed checkpoint
          </a>{" "}
          (<a href={`/api/v1/persons/${encodeURIComponent(person)}/access-report`} target="_blank" rel="noopener">as JSON</a>, for <code>jointcare audit prove --check</code>)
        </p>
      )}
      {log && <AuditTable entries={log} id="access-log" />}
    </>
  );
}

function AuditTable({ entries, id }: { entries: AuditEntry[]; id: string }) {
  return (
    <table className="nhsuk-table" id={id}>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header">When</th>
          <th className="nhsuk-table__header">Who</th>
          <th className="nhsuk-table__header">Organisation</th>
          <th className="nhsuk-table__header">Did</th>
          <th className="nhsuk-table__header">Person</th>
          <th className="nhsuk-table__header">Purpose</th>
          <th className="nhsuk-table__header">Outcome</th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {entries.map((e) => (
          <tr key={e.id} className="nhsuk-table__row">
            <td className="nhsuk-table__cell">{when(e.at)}</td>
            <td className="nhsuk-table__cell">{e.user} ({e.role.replace(/_/g, " ")})</td>
            <td className="nhsuk-table__cell">{e.organisation}</td>
            <td className="nhsuk-table__cell">{e.action} {e.record_type.replace(/_/g, " ")}</td>
            <td className="nhsuk-table__cell">{e.person_id ?? ""}</td>
            <td className="nhsuk-table__cell">
              <abbr title={e.purpose}>{e.purpose_display}</abbr>
            </td>
            <td className="nhsuk-table__cell">{e.outcome}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
