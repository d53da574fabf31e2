import { useState } from "react";
import { api, ApiError, when } from "../api";

interface Match {
  person_id: number;
  nhs_number: string;
  given_name: string;
  family_name: string;
  birth_date: string;
  postcode: string;
  confidence: number;
}

// Tracing a person by NHS number, or by name and date of birth.
export function FindPerson() {
  const [nhs, setNhs] = useState("");
  const [family, setFamily] = useState("");
  const [given, setGiven] = useState("");
  const [born, setBorn] = useState("");
  const [matches, setMatches] = useState<Match[] | null>(null);
  const [error, setError] = useState("");
  const search = async (e: React.FormEvent) => {
    e.preventDefault();
    setError("");
    const q = nhs
      ? `nhs_number=${encodeURIComponent(nhs)}`
      : `family_name=${encodeURIComponent(family)}&given_name=${encodeURIComponent(given)}&birth_date=${encodeURIComponent(born)}`;
    try {
      setMatches((await api<{ items: Match[] }>(`/api/v1/persons?${q}`)).items);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <>
      <h1 className="nhsuk-heading-l">Find a person</h1>
      <form onSubmit={search}>
        {error && <p className="nhsuk-error-message">{error}</p>}
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="nhs">NHS number</label>
          <input className="nhsuk-input nhsuk-input--width-10" id="nhs" value={nhs} onChange={(e) => setNhs(e.target.value)} />
        </div>
        <p className="nhsuk-body">or</p>
        <div className="jc-actions">
          <div className="nhsuk-form-group">
            <label className="nhsuk-label" htmlFor="family">Family name</label>
            <input className="nhsuk-input" id="family" value={family} onChange={(e) => setFamily(e.target.value)} />
          </div>
          <div className="nhsuk-form-group">
            <label className="nhsuk-label" htmlFor="given">Given name</label>
            <input className="nhsuk-input" id="given" value={given} onChange={(e) => setGiven(e.target.value)} />
          </div>
          <div className="nhsuk-form-group">
            <label className="nhsuk-label" htmlFor="born">Date of birth</label>
            <input className="nhsuk-input" id="born" type="date" value={born} onChange={(e) => setBorn(e.target.value)} />
          </div>
        </div>
        <button className="nhsuk-button" type="submit">Search</button>
      </form>
      {matches && (
        <ul className="nhsuk-list">
          {matches.map((m) => (
            <li key={m.person_id}>
              <a href={`#/persons/${m.person_id}`}>{m.given_name} {m.family_name}</a>, born {when(m.birth_date)}, {m.postcode}
              {m.nhs_number && `, NHS ${m.nhs_number}`} <span className="jc-small">({Math.round(m.confidence * 100)}% match)</span>
            </li>
          ))}
          {matches.length === 0 && <li>Nobody matches.</li>}
        </ul>
      )}
    </>
  );
}
