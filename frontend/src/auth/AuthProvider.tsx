// The signed-in session: tokens, the user they name, refresh before expiry, sign-out; shared by
// the browser's tabs (session.ts), so one tab's sign-in, refresh or sign-out is every tab's.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { UiConfig } from "../config";
import { passwordRefresh, passwordSignIn } from "./cognito";
import { hostedRefresh, hostedSignOutUrl, startHostedSignIn } from "./pkce";
import {
  type Tokens, type User, loadTokens, onTokensChanged, refreshAt, refreshOnce, saveTokens, tokensFrom, userOf,
} from "./session";

interface Auth {
  config: UiConfig;
  user: User | null;
  isAdmin: boolean;
  /** The current id token, refreshed first when it is about to expire. */
  token: () => Promise<string | null>;
  signInWithPassword: (username: string, password: string) => Promise<void>;
  signInWithToken: (token: string) => void;
  signInHosted: (returnTo: string) => Promise<void>;
  acceptTokens: (tokens: Tokens) => void;
  signOut: () => void;
}

const AuthContext = createContext<Auth | null>(null);

/** setTimeout runs a longer delay at once (it is a signed 32-bit count of milliseconds). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function AuthProvider({ config, children }: { config: UiConfig; children: ReactNode }) {
  const [tokens, setTokensState] = useState<Tokens | null>(() => loadTokens());
  const refreshing = useRef<Promise<Tokens | null> | null>(null);
  const tokensRef = useRef(tokens);
  tokensRef.current = tokens;

  /** This tab's state only: what another tab wrote, or what this one just stored. */
  const adopt = useCallback((t: Tokens | null) => {
    tokensRef.current = t;
    setTokensState(t);
  }, []);
  const setTokens = useCallback((t: Tokens | null) => {
    saveTokens(t);
    adopt(t);
  }, [adopt]);

  // Another tab signed in, refreshed or signed out: this one follows (a sign-out lands on sign-in).
  useEffect(() => onTokensChanged(adopt), [adopt]);

  const refresh = useCallback(async (): Promise<Tokens | null> => {
    const current = tokensRef.current;
    if (!current?.refreshToken) return null;
    // What is stored decides, not what this tab held when it asked: another tab may have
    // refreshed (or signed out) a moment before this tab's timer fired.
    const due = (t = loadTokens()) => !!t?.refreshToken && refreshAt(t) <= Date.now() / 1000;
    refreshing.current ??= refreshOnce(due, async () => {
      const stored = loadTokens();
      if (!stored?.refreshToken || !due(stored)) {
        adopt(stored);
        return stored;
      }
      try {
        const a = config.auth;
        const next =
          a.mode === "password"
            ? await passwordRefresh(a, stored.refreshToken)
            : a.mode === "hosted"
              ? await hostedRefresh(a, stored.refreshToken)
              : null;
        setTokens(next);
        return next;
      } catch {
        setTokens(null);
        return null;
      }
    }).finally(() => {
      refreshing.current = null;
    });
    return refreshing.current;
  }, [config, adopt, setTokens]);

  // A timer refreshes ahead of expiry even when the user is only watching a page poll. A token
  // that lives longer than setTimeout can wait gets a timer that wakes up and waits again.
  useEffect(() => {
    if (!tokens) return;
    let timer = 0;
    // Without a refresh token (a pasted one) the session simply ends when the token does.
    const due = () => (tokens.refreshToken ? refreshAt(tokens) : tokens.expiresAt) * 1000;
    const arm = () => {
      const wait = due() - Date.now();
      timer = window.setTimeout(
        () => {
          if (due() > Date.now()) arm();
          else if (tokens.refreshToken) void refresh();
          else setTokens(null);
        },
        Math.min(Math.max(wait, 0), MAX_TIMER_MS),
      );
    };
    arm();
    return () => window.clearTimeout(timer);
  }, [tokens, refresh, setTokens]);

  const value = useMemo<Auth>(() => {
    const user = tokens ? userOf(tokens) : null;
    return {
      config,
      user,
      isAdmin: !!user?.groups.includes(config.adminGroup),
      token: async () => {
        const t = tokensRef.current;
        if (!t) return null;
        const now = Date.now() / 1000;
        if (t.refreshToken && refreshAt(t) <= now) return (await refresh())?.idToken ?? null;
        return t.expiresAt > now ? t.idToken : null;
      },
      signInWithPassword: async (username, password) => {
        if (config.auth.mode !== "password") throw new Error("Password sign-in is not configured.");
        setTokens(await passwordSignIn(config.auth, username, password));
      },
      signInWithToken: (token) => setTokens(tokensFrom(token.trim())),
      signInHosted: async (returnTo) => {
        if (config.auth.mode !== "hosted") throw new Error("The hosted sign-in is not configured.");
        await startHostedSignIn(config.auth, returnTo);
      },
      acceptTokens: setTokens,
      signOut: () => {
        setTokens(null);
        if (config.auth.mode === "hosted") window.location.assign(hostedSignOutUrl(config.auth));
      },
    };
  }, [config, tokens, refresh, setTokens]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside AuthProvider");
  return auth;
}
