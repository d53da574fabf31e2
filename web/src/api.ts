// The JointCare API as the page uses it: JSON in and out, the session in an HttpOnly cookie,
// failures as ApiError with the server's stable {error: {code, message}} shape.
export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

// The session's anti-CSRF token, from the sign-in answer or /api/v1/me: the server refuses a
// change made with the session cookie that does not carry it.
let csrfToken: string | null = null;

function remember(json: unknown) {
  const token = (json as { csrf_token?: unknown } | null)?.csrf_token;
  if (typeof token === "string") csrfToken = token;
}

function headersFor(method: string, contentType?: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (contentType) headers["Content-Type"] = contentType;
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  return headers;
}

export async function api<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
  const method = init?.method ?? "GET";
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: headersFor(method, init?.body !== undefined ? "application/json" : undefined),
    body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  remember(json);
  if (!response.ok) {
    throw new ApiError(response.status, json?.error?.code ?? "error", json?.error?.message ?? response.statusText);
  }
  return json as T;
}

// POSTs a text body (a TOML scenario, plan or target pathway) and returns the JSON answer, or
// throws ApiError with the server's message.
export async function postText<T>(path: string, body: string): Promise<T> {
  const response = await fetch(path, { method: "POST", body, credentials: "same-origin", headers: headersFor("POST", "text/plain") });
  const json = await response.json();
  if (!response.ok) throw new ApiError(response.status, json?.error?.code ?? "error", json?.error?.message ?? response.statusText);
  return json as T;
}

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: string;
  role_name: string;
  organisation_id: number;
  team_id: number | null;
}

export interface Referral {
  id: number;
  person_id: number;
  person_name: string;
  person_nhs_number: string;
  from_team: string;
  to_team: string;
  to_team_id: number;
  status: string;
  sent_at: string;
  service_requested: string | null;
  urgency: string | null;
  reason: string | null;
  hours_waiting: number;
  hours_to_acceptance: number | null;
  allocated_to: string | null;
  appointments: { id: number; starts_at: string; place: string; practitioner: string | null; status: string }[];
}

export interface KnownTo {
  organisations: {
    organisation_id: number;
    name: string;
    kind: string;
    match: string;
    match_confidence: number;
    open_referrals: number;
    current_services: string[];
    teams: { team_id: number; team: string; service: string; open: boolean; key_worker: string | null; started_at: string }[];
  }[];
  withheld_by_consent: number;
}

export interface PersonSummary {
  id: number;
  nhs_number: string;
  given_name: string;
  family_name: string;
  birth_date: string;
  sex: string;
  address: string;
  postcode: string;
  relationship: string;
  by_override: boolean;
  known_to: KnownTo;
  open_referrals: { id: number; from_team: string; to_team: string; status: string; sent_at: string }[];
}

export interface CaseNote {
  note_id: number;
  version: number;
  organisation: string;
  team: string;
  author: string;
  category: string;
  sensitivity: string;
  written_at: string;
  body: string | null;
  sealed_to_you: boolean;
  by_override: boolean;
}

export interface Assessment {
  id: number;
  kind: string;
  status: string;
  started_at: string;
  started_by: string;
  organisation: string;
  questions_prefilled: number;
  questions_asked: number;
  questions_outstanding: number;
  contributors: string[];
  questions: {
    code: string;
    domain: string;
    question: string;
    answer: string | null;
    answered_by: string | null;
    organisation: string | null;
    answered_at: string | null;
    prefilled: boolean;
    withheld: boolean;
  }[];
}

export interface Team {
  id: number;
  organisation_id: number;
  name: string;
  service: string;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: iso.length > 10 ? "short" : undefined });
}

export function pounds(pence: number): string {
  return (pence / 100).toLocaleString("en-GB", { style: "currency", currency: "GBP" });
}
