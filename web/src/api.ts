// The JointCare API as the page uses it: JSON in and out, the session in an HttpOnly cookie,
// failures as ApiError with the server's stable {error: {code, message}} shape.
import type { Teams } from "./api-types";

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

// The answers' types, generated from the API's schemas (scripts/api-types.mjs).
export type { StaffUser as User, Referral, KnownTo, PersonSummary, CaseNote, CaseNotePage, Assessment } from "./api-types";
export type Team = Teams[number];

export function when(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: iso.length > 10 ? "short" : undefined });
}

export function pounds(pence: number): string {
  return (pence / 100).toLocaleString("en-GB", { style: "currency", currency: "GBP" });
}
