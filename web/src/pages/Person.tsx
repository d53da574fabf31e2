import { useCallback, useEffect, useState } from "react";
import { api, ApiError, type Assessment, type CaseNote, type CaseNotePage, type PersonSummary, type Team, type User, pounds, when } from "../api";

interface CarePlan {
  id: number;
  status: string;
  review_date: string;
  key_worker: string | null;
  weekly_cost_pence: number;
  lines: { id: number; provider: string; service: string; funder: string; units_per_week: number; weekly_cost_pence: number }[];
}
interface Budget {
  id: number;
  kind: string;
  mode: string;
  annual_amount_pence: number;
  spent_pence: number;
  balance_pence: number;
  funders: { funder: string; amount_pence: number }[];
}
interface Consent {
  id: number;
  organisation: string;
  direction: string;
  allowed: boolean;
  recorded_at: string;
}

const sensitivityTag: Record<string, string> = {
  normal: "",
  sensitive: "nhsuk-tag--orange",
  sealed: "nhsuk-tag--red",
  sealed_locked: "nhsuk-tag--red",
};

// A person's page: demographics, who else knows them, referrals, case notes, the single
// assessment, care plans and budgets, consent; the break-glass flow when there is no relationship.
export function PersonPage({ user, personId }: { user: User; personId: number }) {
  const [summary, setSummary] = useState<PersonSummary | null>(null);
  const [refused, setRefused] = useState("");
  const [error, setError] = useState("");
  const load = useCallback(() => {
    setError("");
    api<PersonSummary>(`/api/v1/persons/${personId}`).then(
      (s) => {
        setSummary(s);
        setRefused("");
      },
      (e) => {
        if (e instanceof ApiError && e.status === 403) setRefused(e.message);
        else setError(e instanceof ApiError ? e.message : String(e));
      },
    );
  }, [personId]);
  useEffect(load, [load]);
  if (error) return <p className="nhsuk-error-message">{error}</p>;
  if (refused) return <BreakGlass personId={personId} message={refused} onGranted={load} />;
  if (!summary) return <p className="nhsuk-body">Loading…</p>;
  const s = summary;
  const fullAccess = s.relationship === "active" || s.by_override;
  return (
    <>
      <span className="nhsuk-caption-l">{s.nhs_number ? `NHS number ${s.nhs_number}` : "NHS number not verified"}</span>
      <h1 className="nhsuk-heading-l" id="person-name">{s.given_name} {s.family_name}</h1>
      {s.by_override && (
        <div className="nhsuk-warning-callout">
          <h3 className="nhsuk-warning-callout__label">You are using a break-glass override</h3>
          <p>Your access is recorded and will be reviewed by the Caldicott Guardian.</p>
        </div>
      )}
      <dl className="nhsuk-summary-list">
        <Row k="Born" v={when(s.birth_date)} />
        <Row k="Sex" v={s.sex} />
        <Row k="Address" v={`${s.address}, ${s.postcode}`} />
        <Row k="Your team's relationship" v={s.relationship} />
      </dl>
      <div className="jc-columns">
        <div>
          {fullAccess && <Timeline personId={personId} />}
          {fullAccess && <Notes personId={personId} />}
          {fullAccess && <Assessments personId={personId} />}
          {fullAccess && <PlansAndBudgets personId={personId} />}
        </div>
        <div>
          <KnownToPanel summary={s} />
          {fullAccess && <ReferForm personId={personId} user={user} />}
          {fullAccess && <Consents personId={personId} user={user} />}
        </div>
      </div>
    </>
  );
}

function Row({ k, v }: { k: string; v: string }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{k}</dt>
      <dd className="nhsuk-summary-list__value">{v}</dd>
    </div>
  );
}

function BreakGlass({ personId, message, onGranted }: { personId: number; message: string; onGranted: () => void }) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState("");
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError("");
    try {
      await api(`/api/v1/persons/${personId}/break-glass`, { method: "POST", body: { reason } });
      onGranted();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <form onSubmit={submit}>
      <h1 className="nhsuk-heading-l">You cannot see this record</h1>
      <div className="nhsuk-inset-text" id="refusal"><p>{message}</p></div>
      <h2 className="nhsuk-heading-m">Break glass</h2>
      <p className="nhsuk-body">Only in an emergency or when you must act now. Your reason is recorded, an alert goes to the
        Caldicott Guardian, and access lasts four hours.</p>
      <div className={`nhsuk-form-group${error ? " nhsuk-form-group--error" : ""}`}>
        <label className="nhsuk-label" htmlFor="break-glass-reason">Why do you need this record now?</label>
        {error && <span className="nhsuk-error-message" id="break-glass-error">{error}</span>}
        <textarea className="nhsuk-textarea" id="break-glass-reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      <button className="nhsuk-button nhsuk-button--warning" type="submit">Break glass and open the record</button>
    </form>
  );
}

function KnownToPanel({ summary }: { summary: PersonSummary }) {
  const k = summary.known_to;
  return (
    <section aria-labelledby="known-to-heading" className="nhsuk-card">
      <div className="nhsuk-card__content">
        <h2 className="nhsuk-card__heading nhsuk-heading-m" id="known-to-heading">Known to</h2>
        {k.organisations.map((o) => (
          <div key={o.organisation_id} className="jc-known-org">
            <h3 className="nhsuk-heading-s">{o.name}</h3>
            <p className="jc-small">
              Matched by {o.match === "nhs_number" ? "NHS number" : o.match}
              {o.match !== "involvement" && ` (${Math.round(o.match_confidence * 100)}%)`}
              {o.open_referrals > 0 && ` · ${o.open_referrals} open referral${o.open_referrals === 1 ? "" : "s"}`}
            </p>
            <ul className="nhsuk-list jc-small">
              {o.teams.map((t) => (
                <li key={`${t.team_id}-${t.started_at}`}>
                  {t.team} {t.open ? <strong className="nhsuk-tag nhsuk-tag--green">open</strong> : <span>(ended)</span>}
                  {t.key_worker && <> · key worker {t.key_worker}</>}
                </li>
              ))}
              {o.current_services.map((svc) => <li key={svc}>Receives {svc}</li>)}
            </ul>
          </div>
        ))}
        {k.withheld_by_consent > 0 && <p className="jc-small">{k.withheld_by_consent} organisation(s) not shown: the person has not consented to share.</p>}
      </div>
    </section>
  );
}

function ReferForm({ personId, user }: { personId: number; user: User }) {
  const [teams, setTeams] = useState<Team[]>([]);
  const [team, setTeam] = useState("");
  const [service, setService] = useState("");
  const [reason, setReason] = useState("");
  const [done, setDone] = useState("");
  const [error, setError] = useState("");
  useEffect(() => {
    api<Team[]>("/api/v1/teams").then((ts) => setTeams(ts.filter((t) => t.id !== user.team_id)), () => setTeams([]));
  }, [user.team_id]);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError("");
    try {
      const r = await api<{ id: number; to_team: string }>("/api/v1/referrals", {
        method: "POST",
        body: { person_id: personId, to_team_id: Number(team), service_requested: service, reason },
      });
      setDone(`Referral ${r.id} sent to ${r.to_team}.`);
      setReason("");
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <form onSubmit={submit} aria-labelledby="refer-heading">
      <h2 className="nhsuk-heading-m" id="refer-heading">Refer to another team</h2>
      {done && <p className="nhsuk-body" role="status" id="referral-sent">{done}</p>}
      {error && <p className="nhsuk-error-message">{error}</p>}
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="refer-team">Team</label>
        <select className="nhsuk-select" id="refer-team" value={team} onChange={(e) => setTeam(e.target.value)}>
          <option value="">Choose a team</option>
          {teams.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
      </div>
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="refer-service">Service asked for</label>
        <input className="nhsuk-input" id="refer-service" value={service} onChange={(e) => setService(e.target.value)} />
      </div>
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="refer-reason">Reason</label>
        <textarea className="nhsuk-textarea" id="refer-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      <button className="nhsuk-button" type="submit">Send referral</button>
    </form>
  );
}

function Notes({ personId }: { personId: number }) {
  const [notes, setNotes] = useState<CaseNote[]>([]);
  const [body, setBody] = useState("");
  const [category, setCategory] = useState("visit");
  const [sensitivity, setSensitivity] = useState("normal");
  const [error, setError] = useState("");
  const [more, setMore] = useState(false);  // the last page was full: there may be older notes
  const load = useCallback(() => {
    api<CaseNotePage>(`/api/v1/persons/${personId}/notes`).then(
      (r) => {
        setNotes(r.items);
        setMore(r.items.length === r.limit);
      },
      (e) => setError(String(e.message ?? e)),
    );
  }, [personId]);
  const older = () => {
    api<CaseNotePage>(`/api/v1/persons/${personId}/notes?offset=${notes.length}`).then(
      (r) => {
        setNotes([...notes, ...r.items]);
        setMore(r.items.length === r.limit);
      },
      (e) => setError(String(e.message ?? e)),
    );
  };
  useEffect(load, [load]);
  const add = async (e: React.FormEvent) => {
    e.preventDefault();
    setError("");
    try {
      await api(`/api/v1/persons/${personId}/notes`, { method: "POST", body: { category, sensitivity, body } });
      setBody("");
      load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <section aria-labelledby="notes-heading">
      <h2 className="nhsuk-heading-m" id="notes-heading">Case notes</h2>
      <ul className="nhsuk-list" id="notes">
        {notes.map((n) => (
          <li key={n.note_id} className="nhsuk-u-margin-bottom-3">
            <p className="jc-small nhsuk-u-margin-bottom-1">
              {when(n.written_at)} · {n.author}, {n.team} ({n.organisation}) · {n.category}
              {n.version > 1 && ` · corrected (v${n.version})`}{" "}
              {n.sensitivity !== "normal" && <strong className={`nhsuk-tag ${sensitivityTag[n.sensitivity]}`}>{n.sensitivity.replace("_", " ")}</strong>}
            </p>
            {n.sealed_to_you ? <p className="jc-note-sealed">Sealed by {n.team}. Only that team can read it.</p> : <p className="nhsuk-body">{n.body}</p>}
          </li>
        ))}
        {notes.length === 0 && <li>No notes you may see.</li>}
      </ul>
      {more && (
        <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={older}>
          Show older notes
        </button>
      )}
      <form onSubmit={add}>
        <h3 className="nhsuk-heading-s">Add a note</h3>
        {error && <p className="nhsuk-error-message">{error}</p>}
        <div className="jc-actions">
          <div className="nhsuk-form-group">
            <label className="nhsuk-label" htmlFor="note-category">Category</label>
            <select className="nhsuk-select" id="note-category" value={category} onChange={(e) => setCategory(e.target.value)}>
              {["visit", "telephone", "review", "safeguarding", "discharge"].map((c) => <option key={c}>{c}</option>)}
            </select>
          </div>
          <div className="nhsuk-form-group">
            <label className="nhsuk-label" htmlFor="note-sensitivity">Sensitivity</label>
            <select className="nhsuk-select" id="note-sensitivity" value={sensitivity} onChange={(e) => setSensitivity(e.target.value)}>
              <option value="normal">normal</option>
              <option value="sensitive">sensitive</option>
              <option value="sealed">sealed (my team only)</option>
              <option value="sealed_locked">sealed and locked</option>
            </select>
          </div>
        </div>
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="note-body">Note</label>
          <textarea className="nhsuk-textarea" id="note-body" rows={3} value={body} onChange={(e) => setBody(e.target.value)} />
        </div>
        <button className="nhsuk-button" type="submit">Save note</button>
      </form>
    </section>
  );
}

function Assessments({ personId }: { personId: number }) {
  const [list, setList] = useState<Assessment[]>([]);
  const [open, setOpen] = useState<Assessment | null>(null);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [error, setError] = useState("");
  const load = useCallback(() => {
    api<{ items: Assessment[] }>(`/api/v1/persons/${personId}/assessments`).then((r) => setList(r.items), () => setList([]));
  }, [personId]);
  useEffect(load, [load]);
  const start = async (kind: string) => {
    setError("");
    try {
      const a = await api<Assessment>(`/api/v1/persons/${personId}/assessments`, { method: "POST", body: { kind } });
      setOpen(a);
      setAnswers({});
      load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const save = async () => {
    if (!open) return;
    setError("");
    const filled = Object.fromEntries(Object.entries(answers).filter(([, v]) => v.trim() !== ""));
    try {
      const a = await api<Assessment>(`/api/v1/assessments/${open.id}/answers`, { method: "POST", body: { answers: filled } });
      setOpen(a);
      setAnswers({});
      load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <section aria-labelledby="assessments-heading">
      <h2 className="nhsuk-heading-m" id="assessments-heading">Single assessment</h2>
      {error && <p className="nhsuk-error-message">{error}</p>}
      <ul className="nhsuk-list">
        {list.map((a) => (
          <li key={a.id}>
            <button className="jc-link-button jc-dark" onClick={() => setOpen(a)}>
              {a.kind} assessment, started {when(a.started_at)} by {a.started_by} ({a.organisation})
            </button>{" "}
            <span className="jc-small">{a.status} · {a.questions_outstanding} outstanding · {a.questions_prefilled} pre-filled</span>
          </li>
        ))}
      </ul>
      <div className="jc-actions">
        <button className="nhsuk-button nhsuk-button--secondary" onClick={() => start("overview")}>Start an overview assessment</button>
        <button className="nhsuk-button nhsuk-button--secondary" onClick={() => start("comprehensive")}>Start a comprehensive assessment</button>
      </div>
      {open && (
        <div className="nhsuk-card" id="assessment">
          <div className="nhsuk-card__content">
            <h3 className="nhsuk-heading-s">
              {open.kind} assessment {open.id}: {open.questions_prefilled} pre-filled, {open.questions_asked} asked, {open.questions_outstanding} outstanding
            </h3>
            {open.questions.map((q) => (
              <div key={q.code} className="nhsuk-form-group" data-question={q.code}>
                <label className="nhsuk-label" htmlFor={`q-${q.code}`}>
                  <span className="jc-small">{q.domain.replace(/_/g, " ")}</span> — {q.question}
                </label>
                {q.answer !== null ? (
                  <p className="nhsuk-body">
                    {q.answer}
                    <br />
                    <span className="jc-small jc-answered">
                      {q.prefilled ? "Last answered" : "Answered"} by {q.answered_by} ({q.organisation}) on {when(q.answered_at)}
                    </span>
                  </p>
                ) : q.withheld ? (
                  <p className="jc-note-sealed">Answered, but not shared with your organisation.</p>
                ) : (
                  <input className="nhsuk-input" id={`q-${q.code}`} value={answers[q.code] ?? ""}
                    onChange={(e) => setAnswers({ ...answers, [q.code]: e.target.value })} disabled={open.status !== "open"} />
                )}
              </div>
            ))}
            {open.status === "open" && <button className="nhsuk-button" onClick={save}>Save answers</button>}
          </div>
        </div>
      )}
    </section>
  );
}

function PlansAndBudgets({ personId }: { personId: number }) {
  const [plans, setPlans] = useState<CarePlan[]>([]);
  const [budgets, setBudgets] = useState<Budget[]>([]);
  useEffect(() => {
    api<{ items: CarePlan[] }>(`/api/v1/persons/${personId}/care-plans`).then((r) => setPlans(r.items), () => setPlans([]));
    api<{ items: Budget[] }>(`/api/v1/persons/${personId}/budgets`).then((r) => setBudgets(r.items), () => setBudgets([]));
  }, [personId]);
  if (plans.length === 0 && budgets.length === 0) return null;
  return (
    <section aria-labelledby="plans-heading">
      <h2 className="nhsuk-heading-m" id="plans-heading">Care plan and personal budget</h2>
      {plans.filter((p) => p.status === "active").map((p) => (
        <table key={p.id} className="nhsuk-table">
          <caption className="nhsuk-table__caption">Care plan (review {when(p.review_date)}), {pounds(p.weekly_cost_pence)} a week</caption>
          <tbody className="nhsuk-table__body">
            {p.lines.map((l) => (
              <tr key={l.id} className="nhsuk-table__row">
                <td className="nhsuk-table__cell">{l.service}</td>
                <td className="nhsuk-table__cell">{l.provider}</td>
                <td className="nhsuk-table__cell">{l.funder}</td>
                <td className="nhsuk-table__cell">{pounds(l.weekly_cost_pence)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      {budgets.map((b) => (
        <p key={b.id} className="nhsuk-body">
          {b.kind.replace(/_/g, " ")} ({b.mode.replace(/_/g, " ")}): {pounds(b.annual_amount_pence)} a year, {pounds(b.spent_pence)} spent,{" "}
          {pounds(b.balance_pence)} left; funded by {b.funders.map((f) => `${f.funder} ${pounds(f.amount_pence)}`).join(", ")}
        </p>
      ))}
    </section>
  );
}

// A person's consent choices. Staff record the person's choice for their own organisation's
// information only (the server refuses any other).
function Consents({ personId, user }: { personId: number; user: User }) {
  const [items, setItems] = useState<Consent[]>([]);
  const [orgs, setOrgs] = useState<{ id: number; name: string }[]>([]);
  const [direction, setDirection] = useState("share_out");
  const [allowed, setAllowed] = useState("false");
  const [error, setError] = useState("");
  const load = useCallback(() => {
    api<{ items: Consent[] }>(`/api/v1/persons/${personId}/consents`).then((r) => setItems(r.items), () => setItems([]));
  }, [personId]);
  useEffect(() => {
    load();
    api<{ id: number; name: string }[]>("/api/v1/organisations").then(setOrgs, () => setOrgs([]));
  }, [load]);
  const record = async (e: React.FormEvent) => {
    e.preventDefault();
    setError("");
    try {
      await api(`/api/v1/persons/${personId}/consents`, {
        method: "POST",
        body: { organisation_id: user.organisation_id, direction, allowed: allowed === "true" },
      });
      load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <section aria-labelledby="consent-heading">
      <h2 className="nhsuk-heading-m" id="consent-heading">Consent to share</h2>
      {items.length === 0 ? (
        <p className="nhsuk-body">No choices recorded: information is shared for direct care.</p>
      ) : (
        <ul className="nhsuk-list" id="consents">
          {items.map((c) => (
            <li key={c.id}>{c.organisation}: {c.direction === "share_out" ? "sharing out" : "sharing in"} {c.allowed ? "allowed" : "refused"} ({when(c.recorded_at)})</li>
          ))}
        </ul>
      )}
      <form onSubmit={record}>
        <h3 className="nhsuk-heading-s">Record the person's choice</h3>
        {error && <p className="nhsuk-error-message">{error}</p>}
        <p className="nhsuk-body" id="consent-org">
          For {orgs.find((o) => o.id === user.organisation_id)?.name ?? "your organisation"}'s information
        </p>
        <div className="jc-actions">
          <div className="nhsuk-form-group">
            <label className="nhsuk-label" htmlFor="consent-direction">Flow</label>
            <select className="nhsuk-select" id="consent-direction" value={direction} onChange={(e) => setDirection(e.target.value)}>
              <option value="share_out">sharing out of it</option>
              <option value="share_in">sharing into it</option>
            </select>
          </div>
          <div className="nhsuk-form-group">
            <label className="nhsuk-label" htmlFor="consent-allowed">Choice</label>
            <select className="nhsuk-select" id="consent-allowed" value={allowed} onChange={(e) => setAllowed(e.target.value)}>
              <option value="false">refused</option>
              <option value="true">allowed</option>
            </select>
          </div>
        </div>
        <button className="nhsuk-button nhsuk-button--secondary" type="submit">Record consent</button>
      </form>
    </section>
  );
}

interface TimelineEntry {
  at: string;
  kind: string;
  organisation: string;
  team: string | null;
  description: string;
}

// The person's journey across organisations, newest first, as the user may see it.
function Timeline({ personId }: { personId: number }) {
  const [items, setItems] = useState<TimelineEntry[]>([]);
  const [all, setAll] = useState(false);
  useEffect(() => {
    api<{ items: TimelineEntry[] }>(`/api/v1/persons/${personId}/timeline?limit=100`).then((r) => setItems(r.items), () => setItems([]));
  }, [personId]);
  const shown = all ? items : items.slice(0, 8);
  return (
    <section aria-labelledby="timeline-heading">
      <h2 className="nhsuk-heading-m" id="timeline-heading">Timeline across organisations</h2>
      <ol className="nhsuk-list" id="timeline">
        {shown.map((e, i) => (
          <li key={i} className="jc-small">
            <strong>{when(e.at)}</strong> · {e.organisation}{e.team ? `, ${e.team}` : ""} · {e.description}
          </li>
        ))}
        {items.length === 0 && <li>Nothing recorded that you may see.</li>}
      </ol>
      {items.length > 8 && (
        <button className="jc-link-button jc-dark" onClick={() => setAll(!all)}>{all ? "Show fewer" : `Show all ${items.length}`}</button>
      )}
    </section>
  );
}
