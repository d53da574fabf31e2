import "nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css";
import "./app.css";
import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { api, ApiError, type User } from "./api";
import { SignIn } from "./pages/SignIn";
import { Inbox } from "./pages/Inbox";
import { PersonPage } from "./pages/Person";
import { FindPerson } from "./pages/FindPerson";
import { Governance } from "./pages/Governance";
import { CaseCommittee } from "./pages/CaseCommittee";
import { Jsna } from "./pages/Jsna";
import { Pathways } from "./pages/Pathways";
import { Budgets, Plans, Scenarios, Spend } from "./pages/Money";

// A small hash router: #/inbox, #/persons/12, #/find, #/governance, #/case-committee, #/jsna, #/pathways.
function useRoute(): string[] {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const on = () => setHash(window.location.hash);
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return hash.replace(/^#\/?/, "").split("/").filter(Boolean);
}

const practitionerRoles = new Set([
  "district_nurse", "social_worker", "health_visitor", "general_practitioner", "care_manager", "occupational_therapist",
  "reablement_worker", "mental_health_practitioner", "hospital_discharge_coordinator", "team_manager",
]);
const commissioningRoles = new Set(["commissioner", "team_manager", "caldicott_guardian", "data_protection_officer", "system_administrator"]);
const governanceRoles = new Set(["caldicott_guardian", "data_protection_officer"]);

function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const route = useRoute();
  useEffect(() => {
    api<User>("/api/v1/me").then(setUser, () => setUser(null));
  }, []);
  if (user === undefined) return <p className="nhsuk-body">Loading…</p>;
  if (user === null) return <Shell user={null}><SignIn onSignedIn={setUser} /></Shell>;

  const signOut = async () => {
    try {
      await api("/api/v1/session", { method: "DELETE" });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
    setUser(null);
    window.location.hash = "";
  };
  const home = practitionerRoles.has(user.role) ? "inbox" : governanceRoles.has(user.role) ? "governance" : "case-committee";
  const [page, arg] = route.length ? route : [home];
  let content;
  switch (page) {
    case "inbox": content = <Inbox user={user} />; break;
    case "persons": content = <PersonPage user={user} personId={Number(arg)} />; break;
    case "find": content = <FindPerson />; break;
    case "governance": content = <Governance />; break;
    case "case-committee": content = <CaseCommittee />; break;
    case "jsna": content = <Jsna />; break;
    case "pathways": content = <Pathways />; break;
    case "budgets": content = <Budgets />; break;
    case "spend": content = <Spend />; break;
    case "scenarios": content = <Scenarios />; break;
    case "plans": content = <Plans />; break;
    default: content = <p className="nhsuk-body">No such page.</p>;
  }
  return (
    <Shell user={user} onSignOut={signOut}>
      {content}
    </Shell>
  );
}

function Shell({ user, onSignOut, children }: { user: User | null; onSignOut?: () => void; children: React.ReactNode }) {
  const links: [string, string][] = [];
  if (user && practitionerRoles.has(user.role)) links.push(["#/inbox", "Team inbox"], ["#/find", "Find a person"]);
  if (user && commissioningRoles.has(user.role)) links.push(["#/case-committee", "Case Committee"], ["#/jsna", "Needs (JSNA)"], ["#/pathways", "Pathways"],
    ["#/budgets", "Pooled budgets"], ["#/spend", "Spend"], ["#/scenarios", "Scenarios"], ["#/plans", "Plans"]);
  if (user && governanceRoles.has(user.role)) links.push(["#/governance", "Information governance"]);
  return (
    <>
      <header className="nhsuk-header" role="banner">
        <div className="nhsuk-header__container nhsuk-width-container jc-header">
          <a className="jc-brand" href="#/" aria-label="JointCare home">JointCare</a>
          {user && (
            <span className="jc-user">
              {user.display_name} · {user.role_name}{" "}
              <button type="button" className="jc-link-button" onClick={onSignOut}>Sign out</button>
            </span>
          )}
        </div>
        {links.length > 0 && (
          <nav className="jc-nav nhsuk-width-container" aria-label="Main">
            {links.map(([href, label]) => (
              <a key={href} href={href}>{label}</a>
            ))}
          </nav>
        )}
      </header>
      <div className="nhsuk-width-container">
        <main className="nhsuk-main-wrapper" id="maincontent" role="main">
          {children}
        </main>
      </div>
    </>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
