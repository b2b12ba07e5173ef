// Tokens in sessionStorage (gone when the tab closes), and what the UI reads from them.

export interface Tokens {
  idToken: string;
  refreshToken?: string;
  /** Seconds since the epoch, from the id token's `exp`. */
  expiresAt: number;
}

export interface User {
  username: string;
  groups: string[];
}

const KEY = "sluice.tokens";

export function claims(token: string): Record<string, unknown> {
  const part = token.split(".")[1];
  if (!part) throw new Error("not a JWT");
  const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(decodeURIComponent(escape(json))) as Record<string, unknown>;
}

export function tokensFrom(idToken: string, refreshToken?: string): Tokens {
  const exp = claims(idToken).exp;
  return { idToken, refreshToken, expiresAt: typeof exp === "number" ? exp : Date.now() / 1000 + 3600 };
}

export function userOf(tokens: Tokens): User {
  const c = claims(tokens.idToken);
  const name = c["cognito:username"] ?? c.email ?? c.preferred_username ?? c.sub;
  const groups = c["cognito:groups"] ?? c["custom:saml.groups"] ?? c.groups ?? [];
  return {
    username: String(name ?? "unknown"),
    groups: Array.isArray(groups) ? groups.map(String) : String(groups).split(",").filter(Boolean),
  };
}

export function saveTokens(tokens: Tokens | null) {
  if (tokens) sessionStorage.setItem(KEY, JSON.stringify(tokens));
  else sessionStorage.removeItem(KEY);
}

export function loadTokens(): Tokens | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const tokens = JSON.parse(raw) as Tokens;
    // An expired token with no way to refresh it is no session.
    if (tokens.expiresAt * 1000 <= Date.now() && !tokens.refreshToken) return null;
    return tokens;
  } catch {
    return null;
  }
}
