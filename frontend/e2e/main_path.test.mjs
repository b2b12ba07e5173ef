// The main path in a real browser: TeamA (alice) creates an organization, links an
// environment and publishes a dataset with two tables; TeamB (bob) links its own environment,
// finds a table in the catalog and requests it, alice approves, and both see Share_Succeeded.
// Then: an outsider (carol) cannot see the organization.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { awsOwner, launch, screenshot, signIn, waitForStatus } from "./browser.mjs";

const ORG = `E2E Org ${Date.now()}`;
const ACCOUNT_A = "111111111111";
const ACCOUNT_B = "222222222222";
let browser;
let orgUri;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function linkEnvironment(page, name, account, team) {
  await page.goto("/environments/new");
  await page.getByLabel("Organization").selectOption({ label: ORG });
  // Onboarding help: the ExternalId, and the pivot-role template the owner deploys first.
  await page.getByLabel("ExternalId").waitFor();
  await page.getByRole("button", { name: "Get the pivot-role template" }).click();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /Save sluice-pivot-role.json/ }).click()]);
  const template = readFileSync(await download.path(), "utf8");
  assert.ok(JSON.parse(template).Resources, "the template is CloudFormation JSON");
  awsOwner("pivot-role", account, await download.path());
  await page.getByLabel("Name", { exact: true }).fill(name);
  // Chosen, not left to the default: the order of a user's groups in the token is not fixed.
  await page.getByLabel("Team", { exact: true }).selectOption(team);
  // The form refuses a malformed account before sending anything.
  await page.getByLabel("AWS account id").fill("12345");
  await page.getByRole("button", { name: "Link", exact: true }).click();
  await page.getByText("An AWS account id is 12 digits.").waitFor();
  await page.getByLabel("AWS account id").fill(account);
  await page.getByLabel("Region").fill("eu-west-1");
  await page.getByRole("button", { name: "Link", exact: true }).click();
  await page.waitForURL(/\/environments\/[a-z0-9]+$/);
  await waitForStatus(page.getByLabel("Stack status"), /COMPLETE/);
}

test("two teams share a table through the browser", { timeout: 600_000 }, async () => {
  // 1. TeamA: an organization, an environment, a dataset with two tables.
  const alice = await signIn(browser, "alice");
  await alice.getByTestId("current-user").getByText("TeamA").waitFor();
  await alice.getByRole("button", { name: "Create organization" }).click();
  const form = alice.getByRole("form", { name: "Create organization" });
  await form.getByRole("button", { name: "Create" }).click();
  await form.getByText("Give the organization a name.").waitFor();
  await form.getByLabel("Name").fill(ORG);
  await form.getByLabel("Admin team").selectOption("TeamA");
  await form.getByRole("button", { name: "Create" }).click();
  await alice.getByRole("link", { name: ORG }).click();
  await alice.waitForURL(/\/organizations\/[a-z0-9]+$/);
  orgUri = alice.url().split("/").pop();
  await alice.getByLabel("Team to invite").fill("TeamB");
  await alice.getByRole("button", { name: "Invite" }).click();
  await alice.getByRole("table", { name: "Teams" }).getByText("TeamB").waitFor();
  await screenshot(alice, "a-organization");

  await linkEnvironment(alice, "Team A lake", ACCOUNT_A, "TeamA");
  await screenshot(alice, "a-environment");

  await alice.goto("/datasets/new");
  await alice.getByLabel("Environment").selectOption({ label: `Team A lake (${ACCOUNT_A} / eu-west-1)` });
  await alice.getByLabel("Name").fill("Orders");
  await alice.getByLabel("Admin team").selectOption("TeamA");
  await alice.getByRole("button", { name: "Create" }).click();
  await alice.waitForURL(/\/datasets\/[a-z0-9]+$/);
  await waitForStatus(alice.getByLabel("Dataset stack"), /COMPLETE/);
  const glueDb = (await alice.locator("code").nth(1).textContent()).trim();
  const bucket = (await alice.locator("code").nth(0).textContent()).trim();
  awsOwner("glue-tables", ACCOUNT_A, glueDb, bucket, "orders", "refunds");
  await alice.getByRole("button", { name: "Sync tables" }).click();
  await waitForStatus(alice.getByLabel("Table sync"), /^succeeded$/);
  const tables = alice.getByRole("table", { name: "Tables" });
  await tables.getByRole("link", { name: "orders" }).waitFor();
  await tables.getByRole("link", { name: "refunds" }).waitFor();
  const tableUrl = await tables.getByRole("link", { name: "orders" }).getAttribute("href");
  await screenshot(alice, "a-dataset-with-tables");

  // 2. TeamB links its environment and finds the table in the catalog. Tables are indexed by a
  // worker task after their sync, so the search is repeated until the hit appears.
  const bob = await signIn(browser, "bob");
  await linkEnvironment(bob, "Team B lake", ACCOUNT_B, "TeamB");
  await screenshot(bob, "b-environment");
  await bob.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Catalog" }).click();
  const hits = bob.getByRole("list", { name: "Search results" });
  const hit = hits.getByRole("listitem").filter({ has: bob.getByRole("link", { name: "orders", exact: true }) });
  const deadline = Date.now() + 30_000;
  for (;;) {
    await bob.getByLabel("Search the catalog").fill("orders");
    await bob.getByRole("button", { name: "Search", exact: true }).click();
    await bob.waitForURL(/\/catalog\?q=orders/);
    if (await hit.first().waitFor({ timeout: 2_000 }).then(() => true, () => false)) break;
    assert.ok(Date.now() < deadline, "the synced table never appeared in the catalog");
    await bob.goto("/catalog");
  }
  // The kind facet narrows the search to tables, and the table's hit stays.
  const tableKind = bob.getByRole("group", { name: "Kind" }).getByRole("checkbox", { name: /^table \(\d+\)$/ });
  await tableKind.click();
  await bob.waitForURL(/resourceKind=table/);
  assert.ok(await tableKind.isChecked(), "the ticked kind stays ticked");
  await hit.getByText("table", { exact: true }).waitFor();
  await hits.getByText("dataset", { exact: true }).first().waitFor({ state: "detached" }); // only tables now
  await screenshot(bob, "b-catalog");
  await hit.getByRole("link", { name: "orders", exact: true }).click();
  await bob.waitForURL((u) => u.pathname === tableUrl);
  await bob.getByText("Glue table").waitFor();
  await screenshot(bob, "b-table");

  // 3. TeamB requests the table.
  await bob.getByRole("button", { name: "Request access" }).click();
  await bob.getByLabel("Into environment").selectOption({ label: `Team B lake (${ACCOUNT_B} / eu-west-1, TeamB)` });
  await bob.getByLabel("Purpose").fill("monthly reports");
  await bob.getByRole("button", { name: "Create request" }).click();
  await bob.waitForURL(/\/shares\/[a-z0-9]+$/);
  const shareUrl = new URL(bob.url()).pathname;
  await bob.getByRole("button", { name: "Submit" }).click();
  await waitForStatus(bob.getByLabel("Share status"), /^Submitted$/);
  assert.equal(await bob.getByRole("button", { name: "Approve" }).count(), 0, "a requester cannot approve");
  await screenshot(bob, "b-request-submitted");

  // 4. TeamA approves from its inbox.
  await alice.goto("/shares");
  await alice.getByRole("table", { name: "Received shares" }).getByRole("link", { name: "Orders" }).first().click();
  await alice.getByRole("button", { name: "Approve" }).click();
  await waitForStatus(alice.getByLabel("Share status"), /^Processed$/, 120_000);
  await alice.getByRole("table", { name: "Share items" }).getByText("Share_Succeeded").waitFor();
  await screenshot(alice, "a-approved");

  // 5. Both see Share_Succeeded.
  await bob.goto(shareUrl);
  await bob.getByRole("table", { name: "Share items" }).getByText("Share_Succeeded").waitFor();
  await screenshot(bob, "b-share-succeeded");
  await alice.context().close();
  await bob.context().close();
});

test("an outsider cannot see the organization", async () => {
  assert.ok(orgUri, "the main path created the organization");
  const carol = await signIn(browser, "carol");
  await carol.getByText("You are in no organization yet.").waitFor();
  assert.equal(await carol.getByText(ORG).count(), 0);
  await carol.goto(`/organizations/${orgUri}`);
  await carol.locator('[data-code="FORBIDDEN"]').first().waitFor();
  await screenshot(carol, "c-outsider-forbidden");
  await carol.context().close();
});
