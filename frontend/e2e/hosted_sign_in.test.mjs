// Sign-in through Cognito's hosted UI (here frontend/e2e/fake_cognito.mjs, which checks PKCE as
// Cognito does), against the second `sluice serve` scripts/e2e.sh starts in hosted mode. Its
// tokens live 40 s, so the UI refreshes them mid-test, once for both of the browser's tabs;
// bob's live 40 days.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, screenshots } from "./browser.mjs";

const APP = process.env.SLUICE_HOSTED_URL;
const IDP = process.env.SLUICE_IDP_URL;
let browser;

before(async () => {
  assert.ok(APP && IDP, "scripts/e2e.sh sets SLUICE_HOSTED_URL and SLUICE_IDP_URL");
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function events() {
  const resp = await fetch(`${IDP}/_test/events`);
  return resp.json();
}

async function waitForEvent(match, what, timeout = 45_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = (await events()).find(match);
    if (found) return found;
    assert.ok(Date.now() < deadline, `the fake Cognito never saw ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const claims = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());

test("hosted UI: PKCE sign-in, a silent refresh before expiry, and sign-out", { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ baseURL: APP, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  // Every API call: the token it carried and whether the server took it.
  const calls = [];
  page.on("response", async (resp) => {
    if (new URL(resp.url()).pathname !== "/graphql") return;
    const bearer = (await resp.request().headerValue("authorization"))?.replace(/^Bearer /, "");
    const body = await resp.json().catch(() => ({}));
    calls.push({ bearer, codes: (body.errors ?? []).map((e) => e.extensions?.code) });
  });

  // 1. A deep link sends an anonymous user to sign-in, then to the hosted UI.
  await page.goto("/datasets");
  await page.getByRole("button", { name: "Continue to sign-in" }).click();
  await page.waitForURL((u) => u.origin === IDP && u.pathname === "/login");
  const authorize = (await events()).findLast((e) => e.kind === "authorize");
  assert.equal(authorize.problem, null, "the fake Cognito accepted the authorize request");
  assert.equal(authorize.params.response_type, "code");
  assert.equal(authorize.params.code_challenge_method, "S256");
  assert.equal(authorize.params.redirect_uri, `${APP}/auth/callback`);
  assert.equal(authorize.params.client_id, "fake-web-client");
  assert.match(authorize.params.code_challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(authorize.params.scope.split(" "), ["openid", "email", "profile"]);
  await page.getByLabel("Username").fill("alice");
  await page.getByLabel("Password").fill("wrong");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").getByText("Incorrect username or password.").waitFor();
  await page.getByLabel("Username").fill("alice");
  await page.getByLabel("Password").fill("Passw0rd!");
  await page.getByRole("button", { name: "Sign in" }).click();

  // 2. Back in the app, on the page the user asked for, with their name and groups.
  await page.waitForURL(`${APP}/datasets`);
  const header = page.getByTestId("current-user");
  await header.getByText("alice", { exact: true }).waitFor();
  await header.getByText("TeamA", { exact: true }).waitFor();
  await header.getByText("DAAdministrators", { exact: true }).waitFor();
  const exchange = (await events()).find((e) => e.kind === "token" && e.grant === "authorization_code");
  assert.ok(exchange.ok && exchange.verifierMatched, `the code exchange: ${JSON.stringify(exchange)}`);
  const stored = await page.evaluate(() => ({ pkce: sessionStorage.getItem("sluice.pkce"), tokens: JSON.parse(localStorage.getItem("sluice.tokens")) }));
  assert.equal(stored.pkce, null, "the verifier is gone once used");
  assert.equal(claims(stored.tokens.idToken).jti, exchange.idTokenJti, "the UI holds the id token of the exchange");
  assert.ok(stored.tokens.refreshToken, "and the refresh token");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Organizations" }).click();
  await page.getByText("You are in no organization yet.").waitFor();
  assert.ok(calls.length > 0 && calls.every((c) => c.codes.length === 0), `API calls succeed: ${JSON.stringify(calls.map((c) => c.codes))}`);
  assert.ok(calls.every((c) => claims(c.bearer).jti === exchange.idTokenJti), "with the exchanged token");
  await screenshots(page, "hosted-signed-in");

  // A second tab of the browser opens a typed URL signed in: no second trip to the hosted UI.
  const tab2 = await context.newPage();
  tab2.setDefaultTimeout(20_000);
  await tab2.goto("/shares");
  await tab2.getByTestId("current-user").getByText("alice", { exact: true }).waitFor();
  assert.equal(new URL(tab2.url()).pathname, "/shares");

  // 3. The refresh: before the first token expires, with no sign-in page in between.
  const refreshed = await waitForEvent((e) => e.kind === "token" && e.grant === "refresh_token", "a refresh_token grant", 60_000);
  assert.ok(refreshed.ok, `the refresh: ${JSON.stringify(refreshed)}`);
  assert.ok(refreshed.at < exchange.exp * 1000, "it happened before the first token expired");
  await page.waitForFunction((jti) => {
    const t = JSON.parse(localStorage.getItem("sluice.tokens") ?? "null");
    return t && JSON.parse(atob(t.idToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).jti !== jti;
  }, exchange.idTokenJti);
  const issuedByRefresh = new Set((await events()).filter((e) => e.kind === "token" && e.grant === "refresh_token" && e.ok).map((e) => e.idTokenJti));
  // A write after the refresh goes out with a refreshed token, and the server takes it.
  const before = calls.length;
  await page.getByRole("button", { name: "Create organization" }).click();
  const form = page.getByRole("form", { name: "Create organization" });
  await form.getByLabel("Name").fill("Hosted Org");
  await form.getByLabel("Admin team").selectOption("TeamA");
  await form.getByRole("button", { name: "Create" }).click();
  await page.getByRole("link", { name: "Hosted Org" }).waitFor();
  const later = calls.slice(before);
  assert.ok(later.length > 0 && later.every((c) => c.codes.length === 0), `calls after the refresh succeed: ${JSON.stringify(later.map((c) => c.codes))}`);
  const refreshedNow = new Set((await events()).filter((e) => e.kind === "token" && e.grant === "refresh_token" && e.ok).map((e) => e.idTokenJti));
  assert.ok(later.every((c) => refreshedNow.has(claims(c.bearer).jti)), "they carry refreshed tokens");
  assert.ok(issuedByRefresh.size >= 1);
  // Halfway through a 40 s life, not the moment a token arrives (once a minute-early margin
  // made every token due on arrival, and the UI refreshed in a loop).
  const grants = (await events()).filter((e) => e.kind === "token" && e.grant === "refresh_token");
  const span = (Date.now() - exchange.at) / 1000;
  assert.ok(grants.length <= Math.ceil(span / 20), `${grants.length} refreshes in ${span} s`);
  assert.ok(refreshed.at - exchange.at >= 15_000, `the first refresh came ${refreshed.at - exchange.at} ms after sign-in`);
  // Both tabs' timers fire together, but one refresh serves both (the other tab takes its
  // tokens): refresh grants never come in pairs, and the second tab calls with a refreshed token.
  for (let i = 1; i < grants.length; i++) {
    assert.ok(grants[i].at - grants[i - 1].at >= 10_000, `two refreshes ${grants[i].at - grants[i - 1].at} ms apart`);
  }
  const tab2Call = tab2.waitForRequest((r) => new URL(r.url()).pathname === "/graphql");
  await tab2.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Datasets" }).click();
  const tab2Bearer = (await (await tab2Call).headerValue("authorization"))?.replace(/^Bearer /, "");
  const refreshedSoFar = new Set((await events()).filter((e) => e.kind === "token" && e.grant === "refresh_token" && e.ok).map((e) => e.idTokenJti));
  assert.ok(refreshedSoFar.has(claims(tab2Bearer).jti), "the second tab uses a refreshed token");
  assert.equal(page.url().startsWith(APP), true, "the user never left the app");
  assert.equal((await events()).filter((e) => e.kind === "login").length, 2, "and never signed in again (one typo, one sign-in)");

  // 4. Sign-out: tokens gone, the hosted UI's session ended through /logout, back at sign-in, in
  // the second tab too.
  await header.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Continue to sign-in" }).waitFor();
  await tab2.getByRole("button", { name: "Continue to sign-in" }).waitFor();
  assert.equal(new URL(page.url()).origin, APP);
  const logout = (await events()).findLast((e) => e.kind === "logout");
  assert.ok(logout?.ok, `the hosted UI's /logout was called: ${JSON.stringify(logout)}`);
  assert.deepEqual(logout.params, { client_id: "fake-web-client", logout_uri: `${APP}/` });
  const storage = await page.evaluate(() => ({ session: sessionStorage.length, local: localStorage.length }));
  assert.deepEqual(storage, { session: 0, local: 0 }, "no token is left in the browser");
  await page.reload();
  await page.getByRole("button", { name: "Continue to sign-in" }).waitFor();
  assert.equal(await page.getByTestId("current-user").count(), 0);
  await screenshots(page, "hosted-signed-out");
  // The hosted UI asks for the password again: its session ended too.
  await page.getByRole("button", { name: "Continue to sign-in" }).click();
  await page.waitForURL((u) => u.origin === IDP && u.pathname === "/login");
  await page.getByLabel("Password").waitFor();
  await context.close();
});

test("hosted UI: a token that outlives a browser timer is not refreshed at once", { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ baseURL: APP });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto("/organizations");
  await page.getByRole("button", { name: "Continue to sign-in" }).click();
  await page.getByLabel("Username").fill("bob");
  await page.getByLabel("Password").fill("Passw0rd!");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("current-user").getByText("bob", { exact: true }).waitFor();
  await page.getByText("You are in no organization yet.").waitFor();
  // 40 days is past setTimeout's 24.8-day limit, beyond which a timer fires at once.
  await new Promise((r) => setTimeout(r, 3_000));
  const bobs = (await events()).filter((e) => e.kind === "token" && e.username === "bob");
  assert.deepEqual(bobs.map((e) => e.grant), ["authorization_code"], "no refresh for a fresh token");
  await page.getByTestId("current-user").getByText("bob", { exact: true }).waitFor();

  // A callback link used twice (a reload, a bookmark) says so and leads back to sign-in.
  await page.goto("/auth/callback?code=used&state=stale");
  await page.getByRole("alert").getByText(/stale or was not started here/).waitFor();
  await page.getByRole("button", { name: "Sign in again" }).click();
  await page.waitForURL(`${APP}/sign-in`);
  await context.close();
});
