// The admin page's tabs and an environment's consumption roles, in a real browser. alice, a
// platform admin, maps an IAM role to a user (made, refused twice, changed, removed from the
// keyboard); brings an IAM role of her account as a consumption role, edits and removes it; registers
// a VPC of it as a network and removes it; sees a
// table sync fail once its Glue database is gone, restores the database and retries the task
// from the Tasks tab; and rebuilds the search index, following its progress.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { awsOwner, launch, screenshots, signIn, waitForFieldError, waitForStatus, withPictures } from "./browser.mjs";

const RUN = Date.now();
const ORG = `Admin Org ${RUN}`;
const ACCOUNT = "161616161616"; // its own: each account trusts one organization
const ENV = "Console lake";
let browser;
let alice;
let envUrl;

before(async () => {
  browser = await launch();
  alice = await signIn(browser, "alice");
});
after(async () => {
  await browser?.close();
});

const notice = (page, text) => page.getByRole("status").filter({ hasText: text }).first().waitFor();

/** Waits until the status chip in `scope` reads `wanted` (a failure included, unlike waitForStatus). */
async function waitForChip(scope, wanted, timeout = 90_000) {
  const deadline = Date.now() + timeout;
  let last = "";
  while (Date.now() < deadline) {
    last = (await scope.getByTestId("status").first().textContent().catch(() => "")) ?? "";
    if (last === wanted) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the status is ${last || "(none)"}, not ${wanted}, after ${timeout} ms`);
}

test("an admin maps an IAM role to a user and teams", async () => {
  await withPictures("iam", { alice }, async () => {
    await alice.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
    await alice.getByRole("heading", { name: "Administration" }).waitFor();
    // The tabs answer the keyboard, and the chosen one is in the URL.
    await alice.getByRole("tab", { name: "Tenant permissions" }).focus();
    await alice.keyboard.press("ArrowRight");
    await alice.keyboard.press("Enter");
    await alice.waitForURL((u) => u.searchParams.get("tab") === "iam");
    await alice.getByRole("button", { name: "Map an IAM principal" }).click();
    const dialog = alice.getByRole("dialog", { name: "Map an IAM principal" });
    await dialog.getByRole("button", { name: "Map", exact: true }).click();
    await waitForFieldError(dialog.getByLabel("IAM ARN"), /An IAM or STS ARN/);
    const arn = `arn:aws:iam::${ACCOUNT}:role/etl-${RUN}`;
    await dialog.getByLabel("IAM ARN").fill(arn);
    await dialog.getByLabel("Acts as user").fill("etl-bot");
    await dialog.getByLabel("In teams").fill("TeamA");
    await dialog.getByLabel("In teams").press("Enter");
    await screenshots(alice, "m-iam-mapping-dialog");
    await dialog.getByRole("button", { name: "Map", exact: true }).click();
    await notice(alice, `${arn} now signs in as etl-bot.`);
    const table = alice.getByRole("table", { name: "IAM mappings" });
    const row = table.getByRole("row").filter({ hasText: arn });
    await row.getByRole("cell", { name: "TeamA", exact: true }).waitFor();
    await screenshots(alice, "m-iam-mappings");

    // A second mapping of the same ARN is refused, in words, in the dialog.
    await alice.getByRole("button", { name: "Map an IAM principal" }).click();
    await dialog.getByLabel("IAM ARN").fill(arn);
    await dialog.getByLabel("Acts as user").fill("someone-else");
    await dialog.getByLabel("In teams").fill("TeamB");
    await dialog.getByRole("button", { name: "Map", exact: true }).click();
    await dialog.locator('[data-code="CONFLICT"]').waitFor();
    assert.doesNotMatch(await dialog.locator('[data-code="CONFLICT"]').innerText(), /[A-Z_]{8,}/, "no permission constant in the message");
    await dialog.getByRole("button", { name: "Cancel" }).click();

    // Changed: another user name.
    await row.getByRole("button", { name: `Change ${arn}` }).click();
    const change = alice.getByRole("dialog", { name: "Change IAM mapping" });
    await change.getByLabel("Acts as user").fill("etl-robot");
    await change.getByRole("button", { name: "Save" }).click();
    await notice(alice, `Saved: ${arn} now acts as etl-robot.`);
    await row.getByRole("cell", { name: "etl-robot" }).waitFor();

    // Removed from the keyboard, after a question that says what stops.
    await row.getByRole("button", { name: `Remove ${arn}` }).focus();
    await alice.keyboard.press("Enter");
    const confirm = alice.getByRole("dialog", { name: `Remove the mapping of ${arn}?` });
    await confirm.getByText("can no longer call Sluice as etl-robot").waitFor();
    await screenshots(alice, "m-iam-mapping-remove");
    await confirm.getByRole("button", { name: "Remove" }).click();
    await notice(alice, `${arn} can no longer call Sluice.`);
    await row.waitFor({ state: "detached" });
  });
});

test("a team adds a consumption role to its environment and removes it", { timeout: 180_000 }, async () => {
  await withPictures("consumption", { alice }, async () => {
    await alice.goto("/organizations");
    await alice.getByRole("button", { name: "Create organization" }).click();
    const form = alice.getByRole("form", { name: "Create organization" });
    await form.getByLabel("Name").fill(ORG);
    await form.getByLabel("Admin team").selectOption("TeamA");
    await form.getByRole("button", { name: "Create" }).click();
    await alice.getByRole("link", { name: ORG }).waitFor();

    await alice.goto("/environments/new");
    await alice.getByLabel("Organization").selectOption({ label: ORG });
    await alice.getByLabel("ExternalId").waitFor();
    await alice.getByRole("button", { name: "Get the pivot-role template" }).click();
    const [download] = await Promise.all([alice.waitForEvent("download"), alice.getByRole("link", { name: /Save sluice-pivot-role.json/ }).click()]);
    awsOwner("pivot-role", ACCOUNT, await download.path());
    await alice.getByLabel("Name", { exact: true }).fill(ENV);
    await alice.getByLabel("Team", { exact: true }).selectOption("TeamA");
    await alice.getByLabel("AWS account id").fill(ACCOUNT);
    // The region is picked, not typed.
    await alice.getByLabel("Region").selectOption("eu-west-1");
    await screenshots(alice, "m-link-environment-region");
    await alice.getByRole("button", { name: "Link", exact: true }).click();
    // The environment's own page, not the form's /environments/new.
    await alice.waitForURL((u) => /^\/environments\/[a-z0-9]+$/.test(u.pathname) && u.pathname !== "/environments/new");
    envUrl = new URL(alice.url()).pathname;
    await waitForStatus(alice.getByLabel("Stack status"), /COMPLETE/);

    await alice.getByRole("tab", { name: "Consumption roles" }).click();
    await alice.waitForURL((u) => u.searchParams.get("tab") === "consumption-roles");
    await alice.getByText("No consumption role yet.").waitFor();
    const add = alice.getByRole("form", { name: "Add consumption role" });
    // alice's only team here that may add roles is chosen for her.
    assert.equal(await add.getByLabel("Team").inputValue(), "TeamA");
    await add.getByRole("button", { name: "Add role" }).click();
    await waitForFieldError(add.getByLabel("IAM role ARN"), /A role of this environment's account/);
    const roleName = `analysts-${RUN}`;
    awsOwner("iam-role", ACCOUNT, roleName);
    await add.getByLabel("Name").fill("Analysts");
    await add.getByLabel("IAM role ARN").fill(`arn:aws:iam::${ACCOUNT}:role/${roleName}`);
    await add.getByRole("button", { name: "Add role" }).click();
    await notice(alice, "Analysts is added for TeamA");
    const roles = alice.getByRole("table", { name: "Consumption roles" });
    await roles.getByRole("cell", { name: "Analysts", exact: true }).waitFor();
    await screenshots(alice, "m-consumption-roles");
    // A reload keeps the tab.
    await alice.reload();
    await roles.getByRole("cell", { name: "Analysts", exact: true }).waitFor();

    // Renamed, and its policies left to the team.
    await roles.getByRole("button", { name: "Edit Analysts" }).click();
    const edit = alice.getByRole("dialog", { name: "Edit Analysts" });
    await edit.getByLabel("Name").fill("BI analysts");
    await edit.getByLabel("Policies").selectOption("EXTERNALLY_MANAGED");
    await screenshots(alice, "m-consumption-role-edit");
    await edit.getByRole("button", { name: "Save" }).click();
    await notice(alice, "BI analysts is saved.");
    await roles.getByRole("cell", { name: "BI analysts", exact: true }).waitFor();
    await roles.getByText("The team maintains the role's policies itself").waitFor();

    await roles.getByRole("button", { name: "Remove BI analysts" }).click();
    const confirm = alice.getByRole("dialog", { name: `Remove BI analysts from ${ENV}?` });
    await confirm.getByText("TeamA can no longer ask for shares into this role.").waitFor();
    await screenshots(alice, "m-consumption-role-remove");
    await confirm.getByRole("button", { name: "Remove" }).click();
    await notice(alice, `BI analysts is removed from ${ENV}.`);
    await alice.getByText("No consumption role yet.").waitFor();
  });
});

test("a team registers a network in its environment and removes it", { timeout: 120_000 }, async () => {
  assert.ok(envUrl, "the consumption-role test linked the environment");
  await withPictures("networks", { alice }, async () => {
    await alice.goto(envUrl);
    await alice.getByRole("tab", { name: "Networks" }).click();
    await alice.waitForURL((u) => u.searchParams.get("tab") === "networks");
    await alice.getByText("No network registered yet.").waitFor();
    const add = alice.getByRole("form", { name: "Register a network" });
    assert.equal(await add.getByLabel("Team").inputValue(), "TeamA");
    // Ids are checked before anything is sent.
    await add.getByLabel("Name").fill("ETL network");
    await add.getByLabel("VPC id").fill("vpc-XYZ");
    await add.getByLabel("Private subnets").fill("subnet-0a1b2c3d, sg-1");
    await add.getByRole("button", { name: "Register network" }).click();
    await waitForFieldError(add.getByLabel("VPC id"), /vpc- and 8 or 17 lowercase hex digits/);
    await waitForFieldError(add.getByLabel("Private subnets"), /sg-1 is not a subnet id/);
    await add.getByLabel("VPC id").fill("vpc-0a1b2c3d");
    await add.getByLabel("Private subnets").fill("subnet-0a1b2c3d, subnet-1a2b3c4d");
    await add.getByRole("button", { name: "Register network" }).click();
    await notice(alice, "ETL network (vpc-0a1b2c3d) is registered for TeamA.");
    const networks = alice.getByRole("table", { name: "Networks" });
    await networks.getByRole("cell", { name: "vpc-0a1b2c3d" }).waitFor();
    await networks.getByText("subnet-1a2b3c4d (private)").waitFor();
    await screenshots(alice, "m-networks");
    // The same VPC twice is refused in words.
    await add.getByLabel("Name").fill("Again");
    await add.getByLabel("VPC id").fill("vpc-0a1b2c3d");
    await add.getByRole("button", { name: "Register network" }).click();
    await add.getByText(`vpc-0a1b2c3d is already registered in ${ENV}; remove it first`).waitFor();

    await networks.getByRole("button", { name: "Remove ETL network" }).click();
    const confirm = alice.getByRole("dialog", { name: `Remove ETL network from ${ENV}?` });
    await confirm.getByText("Sluice forgets vpc-0a1b2c3d.").waitFor();
    await confirm.getByRole("button", { name: "Remove" }).click();
    await notice(alice, `ETL network is removed from ${ENV}.`);
    await alice.getByText("No network registered yet.").waitFor();
  });
});

test("a failed task says why, and an admin retries it once the cause is fixed", { timeout: 240_000 }, async () => {
  assert.ok(envUrl, "the environment was linked");
  await withPictures("retry", { alice }, async () => {
    await alice.goto("/datasets/new");
    const create = alice.getByRole("form", { name: "Create dataset" });
    await create.getByLabel("Environment").selectOption({ label: `${ENV} (${ACCOUNT} / eu-west-1)` });
    await create.getByLabel("Name").fill("Console ledger");
    // The admin team picker offers only alice's teams that may create datasets there: TeamA
    // alone (not DAAdministrators), so it is chosen for her.
    await create.getByLabel("Admin team").locator('option[value="DAAdministrators"]').waitFor({ state: "detached" });
    assert.equal(await create.getByLabel("Admin team").inputValue(), "TeamA");
    await screenshots(alice, "m-create-dataset-team");
    await create.getByRole("button", { name: "Create" }).click();
    await alice.getByLabel("Dataset stack").waitFor();
    await waitForStatus(alice.getByLabel("Dataset stack"), /COMPLETE/);
    const datasetUrl = alice.url();
    const bucket = (await alice.locator("code").nth(0).textContent()).trim();
    const glueDb = (await alice.locator("code").nth(1).textContent()).trim();

    // The account owner drops the dataset's Glue database: the sync fails, saying so.
    awsOwner("drop-glue-database", ACCOUNT, glueDb);
    await alice.getByRole("button", { name: "Sync tables" }).click();
    await waitForChip(alice.getByLabel("Table sync"), "failed");

    await alice.goto("/admin?tab=tasks");
    await alice.getByLabel("Status").selectOption("failed");
    await alice.waitForURL((u) => u.searchParams.get("status") === "failed");
    const tasks = alice.getByRole("list", { name: "Tasks" });
    const failed = tasks.getByRole("listitem").filter({ hasText: glueDb }).first();
    await failed.getByText("Table sync from Glue, on dataset “Console ledger”").waitFor();
    await failed.getByText(`Check that Glue database ${glueDb} exists`).waitFor();
    assert.equal(await failed.getByText(/^\{/).count(), 0, "no JSON shows");
    await screenshots(alice, "m-tasks-failed");

    // The owner puts the database back, with a table; the retry then succeeds.
    awsOwner("glue-database", ACCOUNT, glueDb);
    awsOwner("glue-tables", ACCOUNT, glueDb, bucket, "entries");
    await failed.getByRole("button", { name: "Retry Table sync from Glue" }).click();
    await notice(alice, "Table sync from Glue runs again, from its first attempt.");
    await alice.getByLabel("Status").selectOption("");
    const latest = tasks.getByRole("listitem").filter({ hasText: "Table sync from Glue" }).first();
    await waitForChip(latest, "succeeded");
    await latest.getByText(/^Finished/).waitFor();
    await screenshots(alice, "m-tasks-retried");

    // The admin team starts the dataset's Glue crawler on a folder: the dialog says what it
    // does, and the task creates the crawler in the account and starts it.
    await alice.goto(datasetUrl);
    await alice.getByRole("button", { name: "Start crawler" }).click();
    const dialog = alice.getByRole("dialog", { name: "Start the Glue crawler?" });
    await dialog.getByText(`AWS Glue crawls s3://${bucket}/`).waitFor();
    await dialog.getByLabel("Folder to crawl (optional)").fill("entries");
    await dialog.getByText(`s3://${bucket}/entries as the dataset's admin role`).waitFor();
    await screenshots(alice, "m-start-crawler");
    await dialog.getByRole("button", { name: "Start crawler" }).click();
    await notice(alice, new RegExp(`Crawler .*-crawler is starting on s3://${bucket}/entries/`));
    await waitForChip(alice.getByLabel("Glue crawler"), "succeeded");
    await screenshots(alice, "m-crawler-started");
  });
});

test("an admin rebuilds the search index and follows its progress", { timeout: 120_000 }, async () => {
  await withPictures("reindex", { alice }, async () => {
    await alice.goto("/admin?tab=catalog");
    await alice.getByRole("button", { name: "Rebuild the search index" }).click();
    await notice(alice, "The search index rebuild is queued.");
    const latest = alice.getByRole("group", { name: "Latest rebuild" });
    await waitForChip(latest, "succeeded");
    await latest.getByText(/^Finished/).waitFor();
    await screenshots(alice, "m-search-index");
  });
});
