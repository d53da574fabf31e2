import { useState } from "react";
import { api, ApiError, type User } from "../api";

export function SignIn({ onSignedIn }: { onSignedIn: (u: User) => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError("");
    try {
      const r = await api<{ user: User }>("/api/v1/session", { method: "POST", body: { username, password } });
      onSignedIn(r.user);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      <h1 className="nhsuk-heading-xl">Sign in to JointCare</h1>
      {error && (
        <div className="nhsuk-error-summary" role="alert" tabIndex={-1}>
          <h2 className="nhsuk-error-summary__title">There is a problem</h2>
          <p id="signin-error">{error}</p>
        </div>
      )}
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="username">Username</label>
        <input className="nhsuk-input nhsuk-input--width-20" id="username" name="username" autoComplete="username"
          value={username} onChange={(e) => setUsername(e.target.value)} />
      </div>
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="password">Password</label>
        <input className="nhsuk-input nhsuk-input--width-20" id="password" name="password" type="password"
          autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </div>
      <button className="nhsuk-button" type="submit">Sign in</button>
    </form>
  );
}
