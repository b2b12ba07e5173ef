// The main path in a real browser: TeamA (alice) creates an organization, links an
// environment and publishes a dataset with two tables; TeamB (bob) links its own environment
// (the server first refuses it: no pivot role yet), finds a table in the catalog and requests
// it, alice approves, and both see the table shared. Then: alice imports a second dataset, adds a
// folder, and rejects bob's request for its table; an outsider (carol) cannot see the
// organization. Last, a tour of every page the journeys made, at desktop and phone size.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import {
  PHONE, assertFocused, awsOwner, launch, screenshots, signIn, waitForFieldError, waitForFieldOk, waitForStatus, withPictures,
} from "./browser.mjs";

const RUN = Date.now();
const ORG = `E2E Org ${RUN}`;
const ACCOUNT_A = "111111111111";
const ACCOUNT_B = "222222222222";
let browser;
let orgUri;
let mainPathDone = false;
/** Pages the journeys made, for the tour of every page at the end. */
const made = {};

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** `deployFirst: false` plays the owner who links before deploying the pivot role: the server
 * refuses, and says so by the account field. */
async function linkEnvironment(page, name, account, team, { deployFirst = true } = {}) {
  await page.goto("/environments/new");
  await page.getByLabel("Organization").selectOption({ label: ORG });
  // Onboarding help: the ExternalId, and the pivot-role template the owner deploys first.
  await page.getByLabel("ExternalId").waitFor();
  await page.getByRole("button", { name: "Get the pivot-role template" }).click();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /Save sluice-pivot-role.json/ }).click()]);
  const template = readFileSync(await download.path(), "utf8");
  assert.ok(JSON.parse(template).Resources, "the template is CloudFormation JSON");
  if (deployFirst) awsOwner("pivot-role", account, await download.path());
  await page.getByLabel("Name", { exact: true }).fill(name);
  // Chosen, not left to the default: the order of a user's groups in the token is not fixed.
  await page.getByLabel("Team", { exact: true }).selectOption(team);
  // The form refuses a malformed account before sending anything.
  await page.getByLabel("AWS account id").fill("12345");
  await page.getByRole("button", { name: "Link", exact: true }).click();
  await page.getByText("An AWS account id is 12 digits.").waitFor();
  await page.getByLabel("AWS account id").fill(account);
  await page.getByLabel("Region").selectOption("eu-west-1");
  if (!deployFirst) {
    // Twelve digits pass the form's check; the server finds no pivot role in the account and
    // names the field, so the reason shows under it and not in an alert above the form.
    await page.getByRole("button", { name: "Link", exact: true }).click();
    const said = await waitForFieldError(page.getByLabel("AWS account id"), /deploy the pivot-role template there first/);
    await assertFocused(page.getByLabel("AWS account id"), "the field the server refused");
    assert.ok(!said.startsWith("AwsAccountId:"), `the field's message drops the field name: ${said}`);
    assert.equal(await page.getByRole("form", { name: "Link environment" }).getByRole("alert").count(), 0, "no alert repeats it");
    await screenshots(page, "server-refuses-account");
    awsOwner("pivot-role", account, await download.path());
  }
  await page.getByRole("button", { name: "Link", exact: true }).click();
  await page.waitForURL(/\/environments\/[a-z0-9]+$/);
  await waitForStatus(page.getByLabel("Stack status"), /COMPLETE/);
  made.environment ??= new URL(page.url()).pathname;
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
  // The invite offers the teams alice knows of and the organization lacks: her own
  // DAAdministrators, not TeamA, which is in it already.
  await alice.getByLabel("Team to invite").click();
  await alice.getByRole("option", { name: "DAAdministrators" }).waitFor();
  assert.equal(await alice.getByRole("option", { name: "TeamA", exact: true }).count(), 0, "TeamA is in already");
  await screenshots(alice, "a-organization-invite-picker");
  await alice.keyboard.press("Escape");
  // Only teams of the organization can join its environments: TeamB links one, TeamE is
  // invited to TeamA's later. TeamC (carol) stays an outsider.
  for (const team of ["TeamB", "TeamE"]) {
    await alice.getByLabel("Team to invite").fill(team);
    await alice.getByRole("button", { name: "Invite" }).click();
    await alice.getByRole("table", { name: "Teams" }).getByText(team).waitFor();
  }
  await screenshots(alice, "a-organization");

  await linkEnvironment(alice, "Team A lake", ACCOUNT_A, "TeamA");
  await screenshots(alice, "a-environment");

  await alice.goto("/datasets/new");
  await alice.getByLabel("Environment").selectOption({ label: `Team A lake (${ACCOUNT_A} / eu-west-1)` });
  await alice.getByLabel("Name").fill("Orders");
  await alice.getByLabel("Admin team").selectOption("TeamA");
  await alice.getByRole("button", { name: "Create" }).click();
  await alice.waitForURL(/\/datasets\/[a-z0-9]+$/);
  await waitForStatus(alice.getByLabel("Dataset stack"), /COMPLETE/);
  const datasetUrl = new URL(alice.url()).pathname; // the dataset's own page, not /datasets/new
  const glueDb = (await alice.locator("code").nth(1).textContent()).trim();
  const bucket = (await alice.locator("code").nth(0).textContent()).trim();
  awsOwner("glue-tables", ACCOUNT_A, glueDb, bucket, "orders", "refunds");
  await alice.getByRole("button", { name: "Sync tables" }).click();
  await waitForStatus(alice.getByLabel("Table sync"), /^succeeded$/);
  const tables = alice.getByRole("table", { name: "Tables" });
  await tables.getByRole("link", { name: "orders" }).waitFor();
  await tables.getByRole("link", { name: "refunds" }).waitFor();
  const tableUrl = await tables.getByRole("link", { name: "orders" }).getAttribute("href");
  Object.assign(made, { dataset: datasetUrl, table: tableUrl });
  await screenshots(alice, "a-dataset-with-tables");

  // 2. TeamB links its environment and finds the table in the catalog. Tables are indexed by a
  // worker task after their sync, so the search is repeated until the hit appears.
  const bob = await signIn(browser, "bob");
  await linkEnvironment(bob, "Team B lake", ACCOUNT_B, "TeamB", { deployFirst: false });
  await screenshots(bob, "b-environment");
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
  const kinds = bob.getByRole("group", { name: "Kind" });
  await kinds.getByRole("checkbox", { name: /^table \(\d+\)$/ }).click();
  await bob.waitForURL(/resourceKind=table/);
  // The URL changes a render before the box shows it, so this waits for the box.
  const ticked = kinds.getByRole("checkbox", { name: /^table \(\d+\)$/, checked: true });
  assert.ok(await ticked.waitFor({ timeout: 5_000 }).then(() => true, () => false), "the ticked kind stays ticked");
  // The other kinds keep their counts, so the user can add or switch to them.
  const datasetKind = kinds.getByRole("checkbox", { name: /^dataset \([1-9]\d*\)$/ });
  await datasetKind.waitFor();
  assert.ok(!(await datasetKind.isChecked()));
  await hit.getByText("table", { exact: true }).waitFor();
  await hits.getByText("dataset", { exact: true }).first().waitFor({ state: "detached" }); // only tables now
  await hit.getByRole("button", { name: "Request access" }).waitFor();
  await screenshots(bob, "b-catalog");

  // TeamA administers the dataset: its hit offers nothing to request.
  await alice.goto("/catalog?q=orders&resourceKind=table");
  const ownHit = alice.getByRole("list", { name: "Search results" }).getByRole("listitem")
    .filter({ has: alice.getByRole("link", { name: "orders", exact: true }) });
  await ownHit.getByText("Your team's data").waitFor();
  assert.equal(await ownHit.getByRole("button", { name: "Request access" }).count(), 0, "no request on one's own table");
  await screenshots(alice, "a-catalog-own-table");
  await hit.getByRole("link", { name: "orders", exact: true }).click();
  await bob.waitForURL((u) => u.pathname === tableUrl);
  await bob.getByText("Glue table").waitFor();
  await screenshots(bob, "b-table");

  // 3. TeamB requests the table.
  await bob.getByRole("button", { name: "Request access" }).click();
  await bob.getByLabel("Into environment").selectOption({ label: `Team B lake (${ACCOUNT_B} / eu-west-1, TeamB)` });
  await bob.getByLabel("Purpose").fill("monthly reports");
  await bob.getByRole("button", { name: "Create request" }).click();
  await bob.waitForURL(/\/shares\/[a-z0-9]+$/);
  const shareUrl = new URL(bob.url()).pathname;
  made.share = shareUrl;
  await bob.getByRole("button", { name: "Submit" }).click();
  await waitForStatus(bob.getByLabel("Share status"), /^Submitted$/);
  assert.equal(await bob.getByRole("button", { name: "Approve" }).count(), 0, "a requester cannot approve");
  await screenshots(bob, "b-request-submitted");

  // 4. TeamA approves from its inbox.
  await alice.goto("/shares");
  await alice.getByRole("table", { name: "Received shares" }).getByRole("link", { name: "Orders" }).first().click();
  await alice.getByRole("button", { name: "Approve" }).click();
  await waitForStatus(alice.getByLabel("Share status"), /^Processed$/, 120_000);
  await alice.getByRole("table", { name: "Share items" }).getByText("Shared", { exact: true }).waitFor();
  await screenshots(alice, "a-approved");

  // 5. Both see the table shared.
  await bob.goto(shareUrl);
  await bob.getByRole("table", { name: "Share items" }).getByText("Shared", { exact: true }).waitFor();
  await screenshots(bob, "b-share-succeeded");

  // 6. TeamB votes the dataset up; TeamA sees the count, without a vote of its own.
  await bob.goto(datasetUrl);
  await bob.getByRole("button", { name: "Upvote (0 votes)", pressed: false }).click();
  await bob.getByRole("button", { name: "Upvote (1 vote)", pressed: true, disabled: false }).waitFor();
  await bob.mouse.move(0, 0); // no hover or ripple on the button in the picture
  await screenshots(bob, "b-dataset-upvoted");
  await bob.setViewportSize(PHONE);
  await alice.goto(datasetUrl);
  await alice.getByRole("button", { name: "Upvote (1 vote)", pressed: false }).waitFor();

  // 7. TeamB asks about the dataset in its discussion (on a phone); TeamA reads it.
  const discussion = bob.getByRole("region", { name: "Discussion" });
  await discussion.getByText("No messages yet").waitFor();
  await discussion.getByRole("button", { name: "Post" }).click();
  await waitForFieldError(discussion.getByLabel("Add to the discussion"), /Write something/);
  await discussion.getByLabel("Add to the discussion").fill("Is this refreshed daily?\nWe need it by 07:00.");
  await discussion.getByRole("button", { name: "Post" }).click();
  await discussion.getByRole("list", { name: "Messages" }).getByText("We need it by 07:00.", { exact: false }).waitFor();
  await screenshots(bob, "b-dataset-discussion");
  await alice.reload();
  const thread = alice.getByRole("region", { name: "Discussion" }).getByRole("list", { name: "Messages" });
  await thread.getByText(/^bob · /).waitFor();
  await screenshots(alice, "a-dataset-discussion");
  await alice.context().close();
  await bob.context().close();
  mainPathDone = true;
});

test("an imported dataset gets a folder, and TeamA rejects TeamB's request for it", { timeout: 300_000 }, async () => {
  assert.ok(mainPathDone, "the main path linked both environments");
  const bucket = `legacy-${RUN}`;
  const database = `legacy_${RUN}`;
  awsOwner("import-resources", ACCOUNT_A, bucket, database, `legacy-${RUN}`);

  // 1. TeamA imports the bucket, Glue database and key it already has.
  const alice = await signIn(browser, "alice");
  await alice.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Datasets" }).click();
  await alice.getByRole("link", { name: "Import dataset" }).click();
  const form = alice.getByRole("form", { name: "Import dataset" });
  await form.getByLabel("Environment").selectOption({ label: `Team A lake (${ACCOUNT_A} / eu-west-1)` });
  await form.getByLabel("Name").fill("Legacy");
  await form.getByLabel("Admin team").selectOption("TeamA");
  await form.getByLabel("S3 bucket").fill("Legacy_Bucket");
  await form.getByLabel("Glue database").fill(database);
  await form.getByLabel("KMS key alias").fill(`alias/legacy-${RUN}`);
  await form.getByRole("button", { name: "Import" }).click();
  await waitForFieldError(form.getByLabel("S3 bucket"), /lowercase letters/); // the form's own check
  // A well-formed name the account does not have: the server looks, and says so by the field.
  await form.getByLabel("S3 bucket").fill(`${bucket}-typo`);
  await form.getByRole("button", { name: "Import" }).click();
  await waitForFieldError(form.getByLabel("S3 bucket"), /not found\. An import takes resources of the environment.s account 111111111111/);
  await assertFocused(form.getByLabel("S3 bucket"), "the bucket the server could not find");
  await screenshots(alice, "a-import-refused");
  await form.getByLabel("S3 bucket").fill(bucket);
  await form.getByRole("button", { name: "Import" }).click();
  await alice.waitForURL(/\/datasets\/[a-z0-9]+$/);
  await alice.getByRole("heading", { name: "Legacy" }).waitFor();

  // 2. A folder: a bad prefix is refused before sending, a good one lands in the list.
  await alice.getByRole("button", { name: "New folder" }).click();
  const folder = alice.getByRole("form", { name: "New folder" });
  await folder.getByLabel("Folder name").fill("Raw customers");
  await folder.getByLabel("S3 prefix").fill("raw/../customers");
  await folder.getByRole("button", { name: "Create folder" }).click();
  await waitForFieldError(folder.getByLabel("S3 prefix"), /'\.\.'/);
  await folder.getByLabel("S3 prefix").fill("raw/customers/");
  await folder.getByRole("button", { name: "Create folder" }).click();
  await alice.getByRole("table", { name: "Folders" }).getByText("raw/customers", { exact: true }).waitFor();

  // 3. Its table, synced from Glue.
  awsOwner("glue-tables", ACCOUNT_A, database, bucket, "customers");
  await alice.getByRole("button", { name: "Sync tables" }).click();
  await waitForStatus(alice.getByLabel("Table sync"), /^succeeded$/);
  const tableUrl = await alice.getByRole("table", { name: "Tables" }).getByRole("link", { name: "customers" }).getAttribute("href");
  await screenshots(alice, "a-imported-dataset");

  // 4. TeamB asks for it.
  const bob = await signIn(browser, "bob");
  await bob.goto(tableUrl);
  await bob.getByRole("button", { name: "Request access" }).click();
  await bob.getByLabel("Into environment").selectOption({ label: `Team B lake (${ACCOUNT_B} / eu-west-1, TeamB)` });
  await bob.getByRole("button", { name: "Create request" }).click();
  await bob.waitForURL(/\/shares\/[a-z0-9]+$/);
  const shareUrl = new URL(bob.url()).pathname;
  await bob.getByRole("button", { name: "Submit" }).click();
  await waitForStatus(bob.getByLabel("Share status"), /^Submitted$/);

  // 5. TeamA rejects it, saying why, in a dialog that insists on a reason.
  await alice.goto("/shares");
  await alice.getByRole("table", { name: "Received shares" }).getByRole("link", { name: "Legacy" }).click();
  await alice.getByRole("button", { name: "Reject" }).click();
  const dialog = alice.getByRole("dialog", { name: "Reject the request" });
  await dialog.getByRole("button", { name: "Reject" }).click();
  await waitForFieldError(dialog.getByLabel("Reason"), /Say why/);
  assert.equal(await alice.getByLabel("Share status").getByTestId("status").textContent(), "Submitted", "nothing was sent");
  await dialog.getByLabel("Reason").fill("Legacy is frozen: ask for Orders instead.");
  await waitForFieldOk(dialog.getByLabel("Reason")); // typing clears the stale message
  await screenshots(alice, "a-reject-dialog");
  await dialog.getByRole("button", { name: "Reject" }).click();
  await dialog.waitFor({ state: "detached" });
  await waitForStatus(alice.getByLabel("Share status"), /^Rejected$/);
  assert.equal(await alice.getByRole("button", { name: "Approve" }).count(), 0);

  // 6. TeamB sees the rejection and its reason, and may submit again.
  await bob.goto(shareUrl);
  await waitForStatus(bob.getByLabel("Share status"), /^Rejected$/);
  await bob.getByLabel("Rejection").getByText("Legacy is frozen: ask for Orders instead.").waitFor();
  await bob.getByRole("button", { name: "Submit again" }).waitFor();
  await screenshots(bob, "b-share-rejected");
  await alice.context().close();
  await bob.context().close();
});

test("admins edit, archive and grant; an invited team sees none of it", { timeout: 180_000 }, async () => {
  assert.ok(mainPathDone, "the main path made the organization and environments");
  // TeamB was invited with the default rights (see and link): no edit, archive, invite or remove.
  const bob = await signIn(browser, "bob");
  await bob.goto(`/organizations/${orgUri}`);
  await bob.getByRole("link", { name: "Link environment" }).waitFor(); // the rights have loaded
  for (const name of ["Edit", "Archive", "Invite"]) {
    assert.equal(await bob.getByRole("button", { name, exact: true }).count(), 0, `TeamB has no ${name}`);
  }
  await bob.context().close();

  // Edit: the organization's description.
  const alice = await signIn(browser, "alice");
  await alice.goto(`/organizations/${orgUri}`);
  await alice.getByRole("button", { name: "Edit", exact: true }).click();
  const edit = alice.getByRole("dialog", { name: "Edit organization" });
  await edit.getByLabel("Name").fill("");
  await edit.getByRole("button", { name: "Save" }).click();
  await waitForFieldError(edit.getByLabel("Name"), /Give the organization a name/);
  await edit.getByLabel("Name").fill(ORG);
  await edit.getByLabel("Description").fill("Where TeamA publishes and TeamB reads");
  await edit.getByRole("button", { name: "Save" }).click();
  await edit.waitFor({ state: "detached" });
  await alice.getByText("Where TeamA publishes and TeamB reads").waitFor();

  // An environment's team: invited, then removed after a confirmation.
  await alice.getByRole("table", { name: "Environments" }).getByRole("link", { name: "Team A lake" }).click();
  const teams = alice.getByRole("table", { name: "Environment teams" });
  await alice.getByLabel("Team to invite").fill("TeamE");
  await alice.getByRole("button", { name: "Invite", exact: true }).click();
  await teams.getByRole("cell", { name: "TeamE", exact: true }).waitFor();
  assert.equal(await teams.getByRole("button", { name: "Remove TeamA" }).count(), 0, "the owning team cannot be removed");
  await teams.getByRole("button", { name: "Remove TeamE" }).click();
  await alice.getByRole("dialog", { name: "Remove TeamE from Team A lake?" }).getByRole("button", { name: "Remove", exact: true }).click();
  await teams.getByRole("cell", { name: "TeamE", exact: true }).waitFor({ state: "detached" });
  await screenshots(alice, "a-environment-team-removed");

  // Archive: a throwaway organization leaves the list, and shows again with "Show archived".
  const doomed = `E2E Archive ${RUN}`;
  await alice.goto("/organizations");
  await alice.getByRole("button", { name: "Create organization" }).click();
  const create = alice.getByRole("form", { name: "Create organization" });
  await create.getByLabel("Name").fill(doomed);
  await create.getByLabel("Admin team").selectOption("TeamA");
  await create.getByRole("button", { name: "Create" }).click();
  await alice.getByRole("link", { name: doomed }).click();
  await alice.getByRole("button", { name: "Archive" }).click();
  await alice.getByRole("dialog", { name: `Archive ${doomed}?` }).getByRole("button", { name: "Archive" }).click();
  await alice.waitForURL(/\/organizations$/);
  // The list shows its cached page first, so this waits for the server's answer.
  await alice.getByRole("link", { name: doomed }).waitFor({ state: "detached" });
  await alice.getByRole("table", { name: "Organizations" }).getByRole("link", { name: ORG }).waitFor();
  await alice.getByLabel("Show archived").check();
  await alice.getByRole("row").filter({ has: alice.getByRole("link", { name: doomed }) }).getByText("archived", { exact: true }).waitFor();

  // Tenant permissions for a group that has never signed in.
  const group = `TeamZ${RUN}`;
  await alice.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
  const grant = alice.getByRole("form", { name: "Grant to another group" });
  await grant.getByLabel("Group").fill(group);
  await grant.getByRole("button", { name: "Grant" }).click();
  await grant.getByText("Tick at least one permission.").waitFor();
  await grant.getByRole("group", { name: "Permissions to grant" }).getByLabel("MANAGE_DATASETS").check();
  await grant.getByRole("button", { name: "Grant" }).click();
  const granted = alice.getByRole("checkbox", { name: `MANAGE_DATASETS for ${group}` });
  await granted.waitFor();
  assert.ok(await granted.isChecked(), "the new group holds what was ticked");
  assert.ok(!(await alice.getByRole("checkbox", { name: `MANAGE_SHARES for ${group}` }).isChecked()), "and nothing else");
  await screenshots(alice, "a-admin-granted");
  await alice.context().close();
});

test("an outsider cannot see the organization", async () => {
  assert.ok(orgUri, "the main path created the organization");
  const carol = await signIn(browser, "carol");
  await carol.getByText("You are in no organization yet.").waitFor();
  assert.equal(await carol.getByText(ORG).count(), 0);
  await carol.goto(`/organizations/${orgUri}`);
  await carol.locator('[data-code="FORBIDDEN"]').first().waitFor();
  await screenshots(carol, "c-outsider-forbidden");
  await carol.context().close();
});

/** Goes to `path` and waits until the page has settled: its data loaded, no spinner. */
async function visit(page, path) {
  await page.goto(path);
  await page.waitForLoadState("networkidle");
  await page.getByRole("progressbar").first().waitFor({ state: "detached" }).catch(() => undefined);
}

test("every page fits a phone", { timeout: 180_000 }, async () => {
  assert.ok(mainPathDone && made.share, "the main path made a dataset, a table and a share");
  const alice = await signIn(browser, "alice");
  await withPictures("tour", { alice }, async () => {
    const pages = {
      organizations: "/organizations",
      organization: `/organizations/${orgUri}`,
      environments: "/environments",
      "link-environment": "/environments/new",
      environment: made.environment,
      datasets: "/datasets",
      "create-dataset": "/datasets/new",
      "import-dataset": "/datasets/import",
      dataset: made.dataset,
      table: made.table,
      catalog: "/catalog?q=orders",
      glossaries: "/glossaries",
      shares: "/shares",
      share: made.share,
      notifications: "/notifications",
      admin: "/admin",
      "not-found": "/no-such-page",
    };
    for (const [name, path] of Object.entries(pages)) {
      await visit(alice, path);
      await screenshots(alice, `tour-${name}`);
    }
    // The catalog's results take the phone's width, not a column beside the filters.
    await alice.setViewportSize(PHONE);
    await visit(alice, "/catalog?q=orders");
    const results = await alice.getByRole("list", { name: "Search results" }).boundingBox();
    assert.ok(results.width >= PHONE.width - 40, `the results are ${results.width}px wide on a ${PHONE.width}px phone`);
  });
  await alice.context().close();
});
