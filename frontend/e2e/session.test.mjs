// One sign-in per browser: the tabs of a browser share it. A URL typed into a new tab opens
// signed in; signing out in one tab signs every tab out at once (no reload), and signing in
// again in one takes the others, still on the sign-in page, back to where they were going.
// (Refresh across tabs, one refresh for all of them, is in hosted_sign_in.test.mjs.)
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, DESKTOP, launch, screenshots, signInHere, withPictures } from "./browser.mjs";

let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("the tabs of a browser share one sign-in, and one sign-out", { timeout: 90_000 }, async () => {
  const context = await browser.newContext({ baseURL: BASE, viewport: DESKTOP });
  const first = await context.newPage();
  const second = await context.newPage();
  for (const page of [first, second]) page.setDefaultTimeout(20_000);
  await withPictures("session", { first, second }, async () => {
    await first.goto("/organizations");
    await signInHere(first, "alice");

    // A URL typed into another tab: signed in, on that page, with the same tokens.
    await second.goto("/datasets");
    await second.getByTestId("current-user").getByText("alice", { exact: true }).waitFor();
    await second.getByRole("heading", { name: "Datasets" }).waitFor();
    assert.equal(new URL(second.url()).pathname, "/datasets", "no detour through sign-in");
    const bearer = second.waitForRequest((r) => new URL(r.url()).pathname === "/graphql");
    await second.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Catalog" }).click();
    const sent = (await (await bearer).headerValue("authorization"))?.replace(/^Bearer /, "");
    const stored = await first.evaluate(() => JSON.parse(localStorage.getItem("sluice.tokens") ?? "null")?.idToken);
    assert.ok(sent && sent === stored, "the second tab calls the API with the first tab's token");

    // Sign-out in the second tab ends the session in the first, which has not been touched.
    await second.getByRole("button", { name: "Sign out" }).click();
    await second.getByRole("button", { name: "Sign in" }).waitFor();
    await first.getByRole("button", { name: "Sign in" }).waitFor();
    assert.equal(new URL(first.url()).pathname, "/sign-in");
    assert.equal(await first.getByTestId("current-user").count(), 0);
    assert.equal(await first.evaluate(() => localStorage.getItem("sluice.tokens")), null, "no token is left");
    await screenshots(first, "session-signed-out-elsewhere");

    // Signing in again in the first tab takes the second back to its page (Catalog) too.
    await second.goto("/catalog");
    await second.getByRole("button", { name: "Sign in" }).waitFor();
    await signInHere(first, "alice");
    await second.getByTestId("current-user").getByText("alice", { exact: true }).waitFor();
    await second.waitForURL((u) => u.pathname === "/catalog");
    await second.getByRole("heading", { name: "Catalog" }).waitFor();
  });
  await context.close();
});
