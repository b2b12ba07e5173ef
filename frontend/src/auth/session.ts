// Tokens in sessionStorage (gone when the tab closes), and what the UI reads from them.

export interface Tokens {
  idToken: string;
  refreshToken?: string;
  /** Seconds since the epoch, from the id token's `exp`. */
  expiresAt: number;
  /** Seconds since the epoch, from the id token's `iat`, when it has one. */
  issuedAt?: number;
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
  const { exp, iat } = claims(idToken);
  return {
    idToken,
    refreshToken,
    expiresAt: typeof exp === "number" ? exp : Date.now() / 1000 + 3600,
    issuedAt: typeof iat === "number" ? iat : undefined,
  };
}

/** Refresh this long before `exp`, so no request goes out with a token about to lapse. */
const REFRESH_MARGIN_S = 60;

/** When to refresh, in seconds since the epoch: a minute before expiry, or halfway through a
 * token's life when it lives less than two minutes, so a short-lived token is not refreshed
 * the moment it arrives, and again, and again. */
export function refreshAt(tokens: Tokens): number {
  const life = tokens.issuedAt === undefined ? Infinity : tokens.expiresAt - tokens.issuedAt;
  return tokens.expiresAt - Math.min(REFRESH_MARGIN_S, Math.max(life, 0) / 2);
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
