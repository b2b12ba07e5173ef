// Cognito's hosted UI: the OAuth2 authorization-code flow with PKCE (RFC 7636). The verifier
// and state live in sessionStorage only between the redirect and the callback.
import { type Tokens, tokensFrom } from "./session";

export interface Hosted {
  domain: string;
  clientId: string;
  scopes: string[];
}

const FLOW_KEY = "sluice.pkce";
export const CALLBACK_PATH = "/auth/callback";

function base64url(bytes: Uint8Array): string {
  let s = "";
  bytes.forEach((b) => (s += String.fromCharCode(b)));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function challengeFor(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function redirectUri(): string {
  return `${window.location.origin}${CALLBACK_PATH}`;
}

/** Sends the browser to the hosted UI; it comes back to CALLBACK_PATH with a code. */
export async function startHostedSignIn(h: Hosted, returnTo: string) {
  const verifier = randomString();
  const state = randomString();
  sessionStorage.setItem(FLOW_KEY, JSON.stringify({ verifier, state, returnTo }));
  const params = new URLSearchParams({
    response_type: "code",
    client_id: h.clientId,
    redirect_uri: redirectUri(),
    scope: h.scopes.join(" "),
    state,
    code_challenge: await challengeFor(verifier),
    code_challenge_method: "S256",
  });
  window.location.assign(`${h.domain}/oauth2/authorize?${params}`);
}

async function tokenRequest(h: Hosted, form: Record<string, string>) {
  const resp = await fetch(`${h.domain}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: h.clientId, ...form }),
  });
  if (!resp.ok) {
    const body = (await resp.json().catch(() => ({}))) as { error?: string };
    throw new Error(`The sign-in could not be completed (${body.error ?? `HTTP ${resp.status}`}).`);
  }
  return (await resp.json()) as { id_token: string; refresh_token?: string };
}

/** Finishes the flow on CALLBACK_PATH; returns the tokens and where the user was going. */
export async function finishHostedSignIn(h: Hosted, search: string): Promise<{ tokens: Tokens; returnTo: string }> {
  const params = new URLSearchParams(search);
  const saved = JSON.parse(sessionStorage.getItem(FLOW_KEY) ?? "null") as
    | { verifier: string; state: string; returnTo: string }
    | null;
  sessionStorage.removeItem(FLOW_KEY);
  if (params.get("error")) throw new Error(params.get("error_description") ?? params.get("error") ?? "");
  const code = params.get("code");
  if (!saved || !code || params.get("state") !== saved.state) {
    throw new Error("This sign-in link is stale or was not started here. Sign in again.");
  }
  const r = await tokenRequest(h, {
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri(),
    code_verifier: saved.verifier,
  });
  return { tokens: tokensFrom(r.id_token, r.refresh_token), returnTo: saved.returnTo || "/" };
}

export async function hostedRefresh(h: Hosted, refreshToken: string): Promise<Tokens> {
  const r = await tokenRequest(h, { grant_type: "refresh_token", refresh_token: refreshToken });
  return tokensFrom(r.id_token, r.refresh_token ?? refreshToken);
}

export function hostedSignOutUrl(h: Hosted): string {
  const params = new URLSearchParams({ client_id: h.clientId, logout_uri: `${window.location.origin}/` });
  return `${h.domain}/logout?${params}`;
}
