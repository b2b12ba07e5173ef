#!/usr/bin/env node
// A stand-in for Cognito's hosted UI, for the browser tests: moto has none. It serves what the
// web UI uses of it (the authorization-code flow with PKCE, refresh, /logout) and signs RS256
// tokens with its own key, published as a JWKS, so `sluice serve` verifies them as it would
// Cognito's. It is as strict as Cognito where the UI could go wrong: registered redirect and
// sign-out URLs only, S256 only, single-use codes bound to their redirect URI, and a
// code_verifier that must hash to the code's challenge.
//
//   node fake_cognito.mjs --port PORT --client-id ID --app URL [--token-seconds N]
//
// URL is the web UI's origin: URL/auth/callback is the one callback, URL/ the one sign-out URL.
// Users: alice (TeamA, DAAdministrators) and bob (TeamB), password Passw0rd!. Bob's tokens live
// 40 days (no Cognito allows that; other issuers and dev tokens do), longer than a browser
// timer can wait.
// GET /_test/events lists what happened, for the tests to assert on.
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign } from "node:crypto";
import { createServer } from "node:http";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    port: { type: "string" },
    "client-id": { type: "string" },
    app: { type: "string" },
    "token-seconds": { type: "string", default: "3600" },
  },
});
if (!args.port || !args["client-id"] || !args.app) {
  console.error("usage: fake_cognito.mjs --port PORT --client-id ID --app URL [--token-seconds N]");
  process.exit(2);
}
const PORT = Number(args.port);
const ISSUER = `http://127.0.0.1:${PORT}`;
const CLIENT_ID = args["client-id"];
const APP = args.app.replace(/\/+$/, "");
const CALLBACK = `${APP}/auth/callback`;
const SIGN_OUT_URL = `${APP}/`;
const TOKEN_SECONDS = Number(args["token-seconds"]);
const CODE_SECONDS = 300; // Cognito's authorization codes last five minutes
const PASSWORD = "Passw0rd!";
const USERS = {
  alice: { sub: randomUUID(), groups: ["TeamA", "DAAdministrators"] },
  bob: { sub: randomUUID(), groups: ["TeamB"], tokenSeconds: 40 * 24 * 3600 },
};

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const KID = "fake-cognito-1";
const JWKS = { keys: [{ ...publicKey.export({ format: "jwk" }), kid: KID, alg: "RS256", use: "sig" }] };

const codes = new Map(); // code → { username, redirectUri, challenge, scope, expires }
const refreshTokens = new Map(); // token → username
const sessions = new Map(); // hosted-UI session cookie → username
const events = [];

const b64url = (buf) => Buffer.from(buf).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

function jwt(claims) {
  const head = b64url(JSON.stringify({ alg: "RS256", kid: KID, typ: "JWT" }));
  const body = b64url(JSON.stringify(claims));
  return `${head}.${body}.${b64url(sign("sha256", Buffer.from(`${head}.${body}`), privateKey))}`;
}

/** An id token and an access token shaped like Cognito's, for one sign-in (`originJti`). */
function tokens(username, originJti, scope) {
  const user = USERS[username];
  const iat = now();
  const seconds = user.tokenSeconds ?? TOKEN_SECONDS;
  const common = { sub: user.sub, "cognito:groups": user.groups, iss: ISSUER, origin_jti: originJti, auth_time: iat, iat, exp: iat + seconds };
  const idJti = randomUUID();
  return {
    idJti,
    username,
    exp: common.exp,
    body: {
      id_token: jwt({ ...common, aud: CLIENT_ID, token_use: "id", "cognito:username": username, email: `${username}@example.com`, email_verified: true, jti: idJti }),
      access_token: jwt({ ...common, client_id: CLIENT_ID, token_use: "access", scope, username, jti: randomUUID() }),
      expires_in: seconds,
      token_type: "Bearer",
    },
  };
}

function send(res, status, body, headers = {}) {
  const json = typeof body !== "string";
  res.writeHead(status, { "Content-Type": json ? "application/json" : "text/html; charset=utf-8", "Cache-Control": "no-store", ...headers });
  res.end(json ? JSON.stringify(body) : body);
}

function redirect(res, location, headers = {}) {
  res.writeHead(302, { Location: location, "Cache-Control": "no-store", ...headers });
  res.end();
}

async function form(req) {
  let raw = "";
  for await (const chunk of req) raw += chunk;
  return new URLSearchParams(raw);
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(params, error) {
  const hidden = [...params].map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`).join("");
  return `<!doctype html><title>Sign in (fake Cognito)</title>
<form method="post" action="/login" aria-label="Hosted sign-in">${hidden}
<h1>Sign in with your username and password</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ""}
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form>`;
}

/** The authorize request's checks. Unknown clients and unregistered redirect URIs get an
 * error page, never a redirect; other mistakes go back to the app as `error=`. */
function checkAuthorize(params) {
  if (params.get("client_id") !== CLIENT_ID) return { page: "unknown client_id" };
  if (params.get("redirect_uri") !== CALLBACK) return { page: `redirect_uri is not registered: ${params.get("redirect_uri")}` };
  if (params.get("response_type") !== "code") return { error: "unsupported_response_type" };
  if (params.get("code_challenge_method") !== "S256") return { error: "invalid_request", why: "code_challenge_method must be S256" };
  if (!/^[A-Za-z0-9_-]{43}$/.test(params.get("code_challenge") ?? "")) return { error: "invalid_request", why: "code_challenge is not a SHA-256 in base64url" };
  if (!params.get("state")) return { error: "invalid_request", why: "state is missing" };
  return null;
}

function issueCode(params, username) {
  const code = randomUUID();
  codes.set(code, {
    username,
    redirectUri: params.get("redirect_uri"),
    challenge: params.get("code_challenge"),
    scope: params.get("scope") ?? "openid",
    expires: now() + CODE_SECONDS,
  });
  const back = new URL(params.get("redirect_uri"));
  back.searchParams.set("code", code);
  back.searchParams.set("state", params.get("state"));
  return back.toString();
}

function cookies(req) {
  return Object.fromEntries((req.headers.cookie ?? "").split(/;\s*/).filter(Boolean).map((c) => c.split("=", 2)));
}

function authorize(req, res, params) {
  const problem = checkAuthorize(params);
  events.push({ kind: "authorize", at: Date.now(), params: Object.fromEntries(params), problem });
  if (problem?.page) return send(res, 400, `<!doctype html><h1>invalid_request</h1><p>${escape(problem.page)}</p>`);
  if (problem) {
    const back = new URL(params.get("redirect_uri"));
    back.searchParams.set("error", problem.error);
    if (problem.why) back.searchParams.set("error_description", problem.why);
    if (params.get("state")) back.searchParams.set("state", params.get("state"));
    return redirect(res, back.toString());
  }
  // A live hosted-UI session signs straight back in, as Cognito's does.
  const session = sessions.get(cookies(req).cognito);
  if (session) return redirect(res, issueCode(params, session));
  return redirect(res, `/login?${params}`);
}

function login(req, res, params) {
  const problem = checkAuthorize(params);
  if (problem) return send(res, 400, `<!doctype html><h1>invalid_request</h1><p>${escape(problem.page ?? problem.why ?? problem.error)}</p>`);
  const username = params.get("username") ?? "";
  if (!USERS[username] || params.get("password") !== PASSWORD) {
    events.push({ kind: "login", at: Date.now(), username, ok: false });
    return send(res, 200, loginPage(withoutCredentials(params), "Incorrect username or password."));
  }
  events.push({ kind: "login", at: Date.now(), username, ok: true });
  const sid = b64url(randomBytes(24));
  sessions.set(sid, username);
  redirect(res, issueCode(withoutCredentials(params), username), {
    "Set-Cookie": `cognito=${sid}; Path=/; HttpOnly; SameSite=Lax`,
  });
}

function withoutCredentials(params) {
  const out = new URLSearchParams(params);
  out.delete("username");
  out.delete("password");
  return out;
}

function tokenGrant(params) {
  if (params.get("client_id") !== CLIENT_ID) return { status: 400, body: { error: "invalid_client" } };
  const grant = params.get("grant_type");
  if (grant === "authorization_code") {
    const code = codes.get(params.get("code") ?? "");
    codes.delete(params.get("code") ?? ""); // single use, even when the exchange fails
    if (!code || code.expires < now()) return { status: 400, body: { error: "invalid_grant" }, why: "unknown, used or expired code" };
    if (params.get("redirect_uri") !== code.redirectUri) return { status: 400, body: { error: "invalid_grant" }, why: "redirect_uri differs" };
    const verifier = params.get("code_verifier") ?? "";
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return { status: 400, body: { error: "invalid_grant" }, why: "code_verifier is malformed" };
    const hashed = b64url(createHash("sha256").update(verifier).digest());
    if (hashed !== code.challenge) return { status: 400, body: { error: "invalid_grant" }, why: "code_verifier does not match the challenge" };
    const issued = tokens(code.username, randomUUID(), code.scope);
    const refresh = b64url(randomBytes(48));
    refreshTokens.set(refresh, { username: code.username, scope: code.scope });
    return { status: 200, body: { ...issued.body, refresh_token: refresh }, issued, verifierMatched: true };
  }
  if (grant === "refresh_token") {
    const held = refreshTokens.get(params.get("refresh_token") ?? "");
    if (!held) return { status: 400, body: { error: "invalid_grant" }, why: "unknown refresh token" };
    // Cognito does not rotate refresh tokens: the answer has none.
    const issued = tokens(held.username, randomUUID(), held.scope);
    return { status: 200, body: issued.body, issued };
  }
  return { status: 400, body: { error: "unsupported_grant_type" } };
}

const CORS = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Content-Type, Authorization", "Access-Control-Allow-Methods": "POST, OPTIONS" };

const server = createServer(async (req, res) => {
  const url = new URL(req.url, ISSUER);
  try {
    if (req.method === "OPTIONS") return send(res, 204, "", CORS);
    if (req.method === "GET" && url.pathname === "/.well-known/jwks.json") return send(res, 200, JWKS);
    if (req.method === "GET" && url.pathname === "/oauth2/authorize") return authorize(req, res, url.searchParams);
    if (req.method === "GET" && url.pathname === "/login") {
      const problem = checkAuthorize(url.searchParams);
      if (problem) return send(res, 400, `<!doctype html><h1>invalid_request</h1>`);
      return send(res, 200, loginPage(url.searchParams));
    }
    if (req.method === "POST" && url.pathname === "/login") return login(req, res, await form(req));
    if (req.method === "POST" && url.pathname === "/oauth2/token") {
      if (!(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
        return send(res, 400, { error: "invalid_request" }, CORS);
      }
      const params = await form(req);
      const result = tokenGrant(params);
      events.push({
        kind: "token",
        at: Date.now(),
        grant: params.get("grant_type"),
        ok: result.status === 200,
        why: result.why,
        verifierMatched: result.verifierMatched ?? false,
        username: result.issued?.username,
        idTokenJti: result.issued?.idJti,
        exp: result.issued?.exp,
      });
      return send(res, result.status, result.body, CORS);
    }
    if (req.method === "GET" && url.pathname === "/logout") {
      const ok = url.searchParams.get("client_id") === CLIENT_ID && url.searchParams.get("logout_uri") === SIGN_OUT_URL;
      events.push({ kind: "logout", at: Date.now(), params: Object.fromEntries(url.searchParams), ok });
      if (!ok) return send(res, 400, "<!doctype html><h1>invalid_request</h1><p>unknown client_id or logout_uri</p>");
      sessions.delete(cookies(req).cognito);
      return redirect(res, SIGN_OUT_URL, { "Set-Cookie": "cognito=; Path=/; HttpOnly; Max-Age=0" });
    }
    if (req.method === "GET" && url.pathname === "/_test/events") return send(res, 200, events);
    send(res, 404, { error: "not_found" });
  } catch (err) {
    console.error(err);
    send(res, 500, { error: "server_error" });
  }
});
server.listen(PORT, "127.0.0.1", () => console.log(`fake Cognito at ${ISSUER} for ${APP}`));
