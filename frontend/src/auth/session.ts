// Tokens in localStorage, shared by the browser's tabs: one sign-in per browser. A change one tab
// makes (sign-in, refresh, sign-out) reaches the others through the `storage` event. What the UI
// reads from the tokens is here too. (docs/AUTH.md weighs localStorage against script injection.)

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
  if (tokens) return localStorage.setItem(KEY, JSON.stringify(tokens));
  localStorage.removeItem(KEY);
  // What GraphiQL (at /graphql) kept of the user's work, its queries and history, goes too.
  for (const key of Object.keys(localStorage)) if (key.startsWith("graphiql:")) localStorage.removeItem(key);
}

/** A session that an older UI kept in this tab's sessionStorage moves to localStorage once. */
function adoptTabSession() {
  const old = sessionStorage.getItem(KEY);
  if (old === null) return;
  sessionStorage.removeItem(KEY);
  if (localStorage.getItem(KEY) === null) localStorage.setItem(KEY, old);
}

function parse(raw: string | null): Tokens | null {
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

/** Whether anyone is signed in in this browser (GraphiQL writes its state only then). */
export function hasSession(): boolean {
  return localStorage.getItem(KEY) !== null;
}

export function loadTokens(): Tokens | null {
  adoptTabSession();
  return parse(localStorage.getItem(KEY));
}

/** Calls `changed` with the tokens whenever another tab of this browser signs in, refreshes or
 * signs out (the `storage` event fires in every tab but the one that wrote). */
export function onTokensChanged(changed: (tokens: Tokens | null) => void): () => void {
  const listener = (e: StorageEvent) => {
    if (e.storageArea !== localStorage || (e.key !== KEY && e.key !== null)) return;
    changed(parse(e.key === null ? null : e.newValue));
  };
  window.addEventListener("storage", listener);
  return () => window.removeEventListener("storage", listener);
}

const LOCK = "sluice.refresh";

/** Resolves when another tab changes the tokens, or after `ms`. */
function nextChange(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      window.clearTimeout(timer);
      window.removeEventListener("storage", listener);
      resolve();
    };
    const listener = (e: StorageEvent) => {
      if (e.storageArea === localStorage && (e.key === KEY || e.key === null)) done();
    };
    const timer = window.setTimeout(done, ms);
    window.addEventListener("storage", listener);
  });
}

/** Runs `work` (a refresh) in one tab of the browser at a time, so a refresh token is spent once
 * even when every tab's timer fires together. A tab that finds another refreshing waits for that
 * tab's tokens (the `storage` event) before it looks again: a tab's copy of localStorage lags
 * another tab's write by a moment, so taking the lock alone could still read the old, due tokens.
 * `due` says, from what this tab reads now, whether a refresh is still needed; `work` checks it
 * again. Without Web Locks it simply runs `work`. */
export async function refreshOnce<T>(due: () => boolean, work: () => Promise<T>): Promise<T> {
  const locks = navigator.locks;
  if (!locks) return work();
  const mine = await locks.request(LOCK, { ifAvailable: true }, async (lock) => (lock ? { value: await work() } : null));
  if (mine) return mine.value;
  // Checked and listened to in one task, so the other tab's write cannot slip in between.
  if (due()) await nextChange(10_000);
  return (await locks.request(LOCK, work)) as T;
}
