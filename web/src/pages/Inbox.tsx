import { useCallback, useEffect, useState } from "react";
import { api, ApiError, type Referral, type Team, type User, when } from "../api";

interface InboxPage {
  team: string;
  items: Referral[];
  total: number;
}

// The team's referral inbox: accept, decline with a reason, redirect, schedule a visit.
export function Inbox({ user }: { user: User }) {
  const [inbox, setInbox] = useState<InboxPage | null>(null);
  const [teams, setTeams] = useState<Team[]>([]);
  const [error, setError] = useState("");
  const load = useCallback(() => {
    if (!user.team_id) return;
    api<InboxPage>(`/api/v1/teams/${user.team_id}/inbox?status=sent,accepted,scheduled&limit=100`).then(setInbox, (e) =>
      setError(e instanceof ApiError ? e.message : String(e)),
    );
  }, [user.team_id]);
  useEffect(() => {
    load();
    api<Team[]>("/api/v1/teams").then(setTeams, () => setTeams([]));
  }, [load]);
  if (!user.team_id) return <p className="nhsuk-body">You are not a member of a team, so you have no inbox.</p>;
  if (error) return <p className="nhsuk-error-message">{error}</p>;
  if (!inbox) return <p className="nhsuk-body">Loading the inbox…</p>;
  return (
    <>
      <h1 className="nhsuk-heading-l">{inbox.team}: referrals</h1>
      <p className="nhsuk-body">{inbox.total} open referral{inbox.total === 1 ? "" : "s"}, oldest first.</p>
      <table className="nhsuk-table" aria-label="Referrals to the team">
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th className="nhsuk-table__header" scope="col">Person</th>
            <th className="nhsuk-table__header" scope="col">From</th>
            <th className="nhsuk-table__header" scope="col">Asked for</th>
            <th className="nhsuk-table__header" scope="col">Status</th>
            <th className="nhsuk-table__header" scope="col">Waiting</th>
            <th className="nhsuk-table__header" scope="col">Action</th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {inbox.items.map((r) => (
            <InboxRow key={r.id} referral={r} user={user} teams={teams} onDone={load} />
          ))}
        </tbody>
      </table>
    </>
  );
}

function InboxRow({ referral: r, user, teams, onDone }: { referral: Referral; user: User; teams: Team[]; onDone: () => void }) {
  const [mode, setMode] = useState<"" | "decline" | "redirect" | "schedule">("");
  const [reason, setReason] = useState("");
  const [team, setTeam] = useState("");
  const [startsAt, setStartsAt] = useState("");
  const [place, setPlace] = useState("Home visit");
  const [error, setError] = useState("");
  const act = async (action: string, body: Record<string, unknown> = {}) => {
    setError("");
    try {
      await api(`/api/v1/referrals/${r.id}/${action}`, { method: "POST", body });
      setMode("");
      onDone();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const label = `${r.person_name || "Person " + r.person_id}`;
  return (
    <tr className="nhsuk-table__row" data-referral={r.id}>
      <td className="nhsuk-table__cell">
        <a href={`#/persons/${r.person_id}`}>{label}</a>
        {r.person_nhs_number && <div className="jc-small">NHS {r.person_nhs_number}</div>}
      </td>
      <td className="nhsuk-table__cell">{r.from_team}</td>
      <td className="nhsuk-table__cell">
        {r.service_requested ?? ""}
        {r.urgency === "urgent" && <strong className="nhsuk-tag nhsuk-tag--red">Urgent</strong>}
        <div className="jc-small">{r.reason}</div>
      </td>
      <td className="nhsuk-table__cell">
        <strong className="nhsuk-tag">{r.status}</strong>
        {r.appointments.filter((a) => a.status === "booked").map((a) => (
          <div key={a.id} className="jc-small">Visit {when(a.starts_at)}, {a.place}</div>
        ))}
      </td>
      <td className="nhsuk-table__cell">{Math.round(r.hours_waiting)} h</td>
      <td className="nhsuk-table__cell">
        {error && <p className="nhsuk-error-message">{error}</p>}
        {r.status === "sent" && mode === "" && (
          <div className="jc-actions">
            <button className="nhsuk-button nhsuk-button--small" onClick={() => act("accept", { allocate_to_user_id: user.id })}>Accept</button>
            <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" onClick={() => setMode("decline")}>Decline</button>
            <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" onClick={() => setMode("redirect")}>Redirect</button>
          </div>
        )}
        {(r.status === "accepted" || r.status === "scheduled") && mode === "" && (
          <div className="jc-actions">
            <button className="nhsuk-button nhsuk-button--small" onClick={() => setMode("schedule")}>Schedule a visit</button>
            <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" onClick={() => act("complete")}>Complete</button>
          </div>
        )}
        {mode === "decline" && (
          <div>
            <label className="nhsuk-label" htmlFor={`reason-${r.id}`}>Reason for declining</label>
            <input className="nhsuk-input" id={`reason-${r.id}`} value={reason} onChange={(e) => setReason(e.target.value)} />
            <div className="jc-actions">
              <button className="nhsuk-button nhsuk-button--small" onClick={() => act("decline", { reason })}>Decline referral</button>
              <button className="jc-link-button jc-dark" onClick={() => setMode("")}>Cancel</button>
            </div>
          </div>
        )}
        {mode === "redirect" && (
          <div>
            <label className="nhsuk-label" htmlFor={`team-${r.id}`}>Redirect to</label>
            <select className="nhsuk-select" id={`team-${r.id}`} value={team} onChange={(e) => setTeam(e.target.value)}>
              <option value="">Choose a team</option>
              {teams.filter((t) => t.id !== r.to_team_id).map((t) => (
                <option key={t.id} value={t.id}>{t.name}</option>
              ))}
            </select>
            <label className="nhsuk-label" htmlFor={`rreason-${r.id}`}>Reason</label>
            <input className="nhsuk-input" id={`rreason-${r.id}`} value={reason} onChange={(e) => setReason(e.target.value)} />
            <button className="nhsuk-button nhsuk-button--small" onClick={() => act("redirect", { redirect_to_team_id: Number(team), reason })}>Redirect referral</button>
          </div>
        )}
        {mode === "schedule" && (
          <div>
            <label className="nhsuk-label" htmlFor={`when-${r.id}`}>Date and time</label>
            <input className="nhsuk-input" id={`when-${r.id}`} type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
            <label className="nhsuk-label" htmlFor={`place-${r.id}`}>Place</label>
            <input className="nhsuk-input" id={`place-${r.id}`} value={place} onChange={(e) => setPlace(e.target.value)} />
            <button className="nhsuk-button nhsuk-button--small"
              onClick={() => act("schedule", { starts_at: startsAt ? new Date(startsAt).toISOString().replace(/\.\d+Z$/, "Z") : "", place, practitioner_user_id: user.id })}>
              Book the visit
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}
