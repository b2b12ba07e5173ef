// GraphiQL at GET /graphql, from Sluice's own files: with every request to anything but the
// server aborted (no CDN, no internet), it renders, and runs a query as the signed-in user, with
// the token of the browser's shared session. Signed out, it says to sign in, and signing in
// comes back to it; signing out in another tab reaches it too.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, DESKTOP, launch, screenshots, signIn, signInHere, withPictures } from "./browser.mjs";

let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Aborts every request `context` makes to another origin than the server's; returns them. */
async function offline(context) {
  const elsewhere = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.origin === new URL(BASE).origin) return route.continue();
    elsewhere.push(url.href);
    return route.abort("internetdisconnected");
  });
  return elsewhere;
}

/** The text of GraphiQL's result pane, once it holds `text`. */
async function waitForResult(page, text) {
  const pane = page.locator(".graphiql-response");
  await page.waitForFunction((t) => document.querySelector(".graphiql-response")?.textContent?.includes(t), text, { timeout: 20_000 });
  return pane.textContent();
}

test("GraphiQL renders offline and runs a query with the signed-in user's token", { timeout: 90_000 }, async () => {
  const page = await signIn(browser, "alice");
  await withPictures("graphiql", { page }, async () => {
    const elsewhere = await offline(page.context());
    await page.goto("/graphql");
    await page.getByText("signed in as alice").waitFor();
    const run = page.getByRole("button", { name: /^Execute query/ });
    // The editor is ready once it shows the first query.
    await page.waitForFunction(() => document.querySelector(".graphiql-query-editor")?.textContent?.includes("MyTeams"));
    // The first query is the user's own teams: run it, and watch what it sends.
    const sent = page.waitForRequest((r) => new URL(r.url()).pathname === "/graphql" && r.method() === "POST" && /MyTeams/.test(r.postData() ?? ""));
    await run.click();
    const request = await sent;
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("sluice.tokens") ?? "null")?.idToken);
    assert.equal(await request.headerValue("authorization"), `Bearer ${stored}`, "the session's token goes with the query");
    const answer = await (await request.response()).json();
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    assert.ok(answer.data.getGroupsForUser.includes("TeamA"), JSON.stringify(answer.data));
    const shown = await waitForResult(page, '"TeamA"');
    assert.match(shown, /getGroupsForUser/);
    await screenshots(page, "graphiql");
    // The schema came through the same fetcher: the docs explorer lists the API's operations.
    await page.getByRole("button", { name: "Show Documentation Explorer" }).click();
    await page.getByText("Root Types").waitFor();
    await screenshots(page, "graphiql-docs");
    assert.deepEqual(elsewhere, [], "GraphiQL asked nothing of any other host");
  });
  await page.context().close();
});

test("GraphiQL asks a signed-out user to sign in, and is back after it; a sign-out elsewhere reaches it", { timeout: 90_000 }, async () => {
  const context = await browser.newContext({ baseURL: BASE, viewport: DESKTOP });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await withPictures("graphiql-signed-out", { page }, async () => {
    await page.goto("/graphql");
    await page.getByRole("heading", { name: "Sign in to use the GraphQL explorer" }).waitFor();
    await screenshots(page, "graphiql-signed-out");
    await page.getByRole("link", { name: "Sign in" }).click();
    await page.waitForURL((u) => u.pathname === "/sign-in");
    await page.getByLabel("Username").fill("bob");
    await page.getByLabel("Password").fill("Passw0rd!");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => u.pathname === "/graphql");
    await page.getByText("signed in as bob").waitFor();

    // Signing out in the UI's tab ends GraphiQL's session too.
    const ui = await context.newPage();
    ui.setDefaultTimeout(20_000);
    await ui.goto("/organizations");
    await ui.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to use the GraphQL explorer" }).waitFor();
    assert.deepEqual(
      await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("graphiql:") || k.startsWith("sluice."))),
      [],
      "nothing of the session, nor GraphiQL's queries, stays behind",
    );
    // And signing in there brings it back.
    await ui.goto("/sign-in");
    await signInHere(ui, "bob");
    await page.getByText("signed in as bob").waitFor();
  });
  await context.close();
});
