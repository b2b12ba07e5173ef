// The sign-in page: a password form (local Cognito), a hosted-UI button, or a token box.
import { Alert, Box, Button, Paper, Stack, TextField, Typography } from "@mui/material";
import { useEffect, useState, type FormEvent } from "react";
import { Navigate, useLocation, useNavigate, type NavigateFunction } from "react-router-dom";
import { useAuth } from "./AuthProvider";
import { finishHostedSignIn } from "./pkce";

/** `?next=` names where to go after signing in, as a path of this site only: a leading slash then
 * a letter or digit (so never `//host` or `/\host`, which a browser would take for another site). */
function nextPath(search: string): string | undefined {
  const next = new URLSearchParams(search).get("next");
  return next && /^\/(?:[A-Za-z0-9][\w\-./~]*)?(?:\?[\w\-.~=&%]*)?$/.test(next) ? next : undefined;
}

/** Pages outside the UI's router: GraphiQL, served by the server at /graphql. */
const OUTSIDE_THE_UI = /^\/graphql(?:\/api)?(?:\?|$)/;

/** Goes to `path`: through the UI's router, or by loading the page when the UI does not serve it. */
function goTo(navigate: NavigateFunction, path: string) {
  if (OUTSIDE_THE_UI.test(path)) window.location.replace(path);
  else navigate(path, { replace: true });
}

export function SignInPage() {
  const auth = useAuth();
  const location = useLocation();
  const returnTo = (location.state as { from?: string } | null)?.from ?? nextPath(location.search) ?? "/";
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  // Fields left empty at the last submit: marked invalid, and the first one takes focus.
  const [missing, setMissing] = useState<{ username?: boolean; password?: boolean }>({});
  const [busy, setBusy] = useState(false);
  const mode = auth.config.auth.mode;

  // Signed in, here or in another tab of this browser: on to where the user was going.
  const leaving = !!auth.user && OUTSIDE_THE_UI.test(returnTo);
  useEffect(() => {
    if (leaving) window.location.replace(returnTo);
  }, [leaving, returnTo]);
  if (auth.user) return leaving ? null : <Navigate to={returnTo} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const empty = { username: !username.trim(), password: !password };
    setMissing(mode === "password" ? empty : {});
    if (mode === "password" && (empty.username || empty.password)) {
      setError(empty.username && empty.password ? "Enter your username and password." : empty.username ? "Enter your username." : "Enter your password.");
      return;
    }
    setBusy(true);
    try {
      if (mode === "hosted") {
        // The browser is leaving for the hosted UI: the button stays busy until it has gone.
        await auth.signInHosted(returnTo);
        return;
      }
      // Signed in, the page re-renders and leaves for `returnTo` (above).
      if (mode === "password") await auth.signInWithPassword(username.trim(), password);
      else auth.signInWithToken(token);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <Box component="main" sx={{ display: "flex", justifyContent: "center", mt: { xs: 4, sm: 10 }, px: 2 }}>
      <Paper sx={{ p: { xs: 3, sm: 4 }, width: "100%", maxWidth: 380 }} component="form" onSubmit={submit} noValidate>
        <Stack spacing={2}>
          <Typography variant="h5" component="h1">
            Sign in to Sluice
          </Typography>
          {error && <Alert severity="error">{error}</Alert>}
          {mode === "password" && (
            <>
              <TextField label="Username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus required autoComplete="username"
                error={!!missing.username && !username.trim()} />
              <TextField label="Password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password"
                error={!!missing.password && !password} />
            </>
          )}
          {mode === "token" && (
            <TextField
              label="Token"
              helperText="No sign-in is configured. Paste a token from `sluice dev-token --user you --group TeamA`."
              value={token}
              onChange={(e) => setToken(e.target.value)}
              multiline
              minRows={3}
            />
          )}
          <Button type="submit" variant="contained" disabled={busy}>
            {mode === "hosted" ? "Continue to sign-in" : "Sign in"}
          </Button>
        </Stack>
      </Paper>
    </Box>
  );
}

/** Where the hosted UI sends the browser back with a code. */
export function HostedCallback() {
  const auth = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (auth.config.auth.mode !== "hosted") return;
    finishHostedSignIn(auth.config.auth, window.location.search)
      .then(({ tokens, returnTo }) => {
        auth.acceptTokens(tokens);
        goTo(navigate, returnTo);
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
    // Runs once per callback URL.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  if (!error) return <Typography sx={{ m: 4 }}>Signing you in…</Typography>;
  return (
    <Box component="main" sx={{ display: "flex", justifyContent: "center", mt: { xs: 4, sm: 10 }, px: 2 }}>
      <Stack spacing={2} sx={{ width: "100%", maxWidth: 380 }}>
        <Alert severity="error">{error}</Alert>
        <Button variant="contained" onClick={() => navigate("/sign-in", { replace: true })}>
          Sign in again
        </Button>
      </Stack>
    </Box>
  );
}
