// Row and column filters in a real browser. TeamA (alice) publishes "Sales" with a table
// `orders` and, on the table's page, makes a row filter and a column filter (hiding a column);
// TeamB (bob) asks for the table and, while his request is a draft, asks for it through the
// row filter, which then shows on the share's item and in what approving would do. alice can't delete a filter in use: the
// refusal says why in words. bob takes the filter off (the whole table again), submits, and is
// no longer offered to change filters; alice then deletes the filter.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { awsOwner, launch, screenshots, signIn, waitForFieldError, waitForStatus, withPictures } from "./browser.mjs";

const RUN = Date.now();
const ORG = `Filters Org ${RUN}`;
const ACCOUNT_A = "141414141414"; // their own: each account trusts one organization
const ACCOUNT_B = "151515151515";
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The notice an action leaves (a live region, role=status), matching `text`. */
const notice = (page, text) => page.getByRole("status").filter({ hasText: text }).first().waitFor();

async function linkEnvironment(page, name, account, team) {
  await page.goto("/environments/new");
  await page.getByLabel("Organization").selectOption({ label: ORG });
  await page.getByLabel("ExternalId").waitFor();
  await page.getByRole("button", { name: "Get the pivot-role template" }).click();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /Save sluice-pivot-role.json/ }).click()]);
  assert.ok(JSON.parse(readFileSync(await download.path(), "utf8")).Resources);
  awsOwner("pivot-role", account, await download.path());
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Team", { exact: true }).selectOption(team);
  await page.getByLabel("AWS account id").fill(account);
  await page.getByLabel("Region").selectOption("eu-west-1");
  await page.getByRole("button", { name: "Link", exact: true }).click();
  await page.waitForURL(/\/environments\/[a-z0-9]+$/);
  await waitForStatus(page.getByLabel("Stack status"), /COMPLETE/);
}

/** alice's organization (TeamB invited before any environment), her environment and dataset
 * "Sales" with the table `orders` (columns id and amount); bob's environment. Returns the
 * table's path. */
async function setUp(alice, bob) {
  await alice.goto("/organizations");
  await alice.getByRole("button", { name: "Create organization" }).click();
  const form = alice.getByRole("form", { name: "Create organization" });
  await form.getByLabel("Name").fill(ORG);
  await form.getByLabel("Admin team").selectOption("TeamA");
  await form.getByRole("button", { name: "Create" }).click();
  await alice.getByRole("link", { name: ORG }).click();
  await alice.getByLabel("Team to invite").fill("TeamB");
  await alice.getByRole("button", { name: "Invite" }).click();
  await alice.getByRole("table", { name: "Teams" }).getByText("TeamB").waitFor();
  await linkEnvironment(alice, "Sales A lake", ACCOUNT_A, "TeamA");
  await alice.goto("/datasets/new");
  const create = alice.getByRole("form", { name: "Create dataset" });
  await create.getByLabel("Environment").selectOption({ label: `Sales A lake (${ACCOUNT_A} / eu-west-1)` });
  await create.getByLabel("Name").fill("Sales");
  await create.getByLabel("Admin team").selectOption("TeamA");
  await create.getByRole("button", { name: "Create" }).click();
  await alice.waitForURL(/\/datasets\/[a-z0-9]+$/);
  await waitForStatus(alice.getByLabel("Dataset stack"), /COMPLETE/);
  const bucket = (await alice.locator("code").nth(0).textContent()).trim();
  const glueDb = (await alice.locator("code").nth(1).textContent()).trim();
  awsOwner("glue-tables", ACCOUNT_A, glueDb, bucket, "orders");
  await alice.getByRole("button", { name: "Sync tables" }).click();
  await waitForStatus(alice.getByLabel("Table sync"), /^succeeded$/);
  const table = await alice.getByRole("table", { name: "Tables" }).getByRole("link", { name: "orders", exact: true }).getAttribute("href");
  await linkEnvironment(bob, "Sales B lake", ACCOUNT_B, "TeamB");
  return table;
}

test("filters are made on a table, chosen for a share's item, and kept while in use", { timeout: 600_000 }, async () => {
  const alice = await signIn(browser, "alice");
  const bob = await signIn(browser, "bob");
  await withPictures("filters", { alice, bob }, async () => {
    const tableUrl = await setUp(alice, bob);

    // 1. alice makes a row filter; the form insists on a name and a condition first.
    await alice.goto(tableUrl);
    const section = alice.getByRole("region", { name: "Filters" });
    await section.getByText("No filters yet.", { exact: false }).waitFor();
    await section.getByRole("button", { name: "New filter" }).click();
    let dialog = alice.getByRole("dialog", { name: "New filter on orders" });
    await dialog.getByRole("button", { name: "Create filter" }).click();
    await waitForFieldError(dialog.getByLabel("Name", { exact: true }), /Give the filter a name/);
    await waitForFieldError(dialog.getByLabel("Row condition"), /Write the condition/);
    await dialog.getByLabel("Name", { exact: true }).fill("big orders");
    await dialog.getByLabel("Description").fill("Orders over 100");
    await dialog.getByLabel("Row condition").fill("amount > 100");
    await screenshots(alice, "f-new-row-filter");
    await dialog.getByRole("button", { name: "Create filter" }).click();
    await notice(alice, "The filter big orders is on orders now.");
    const filters = alice.getByRole("table", { name: "Filters" });
    const bigRow = filters.getByRole("row").filter({ hasText: "big orders" });
    await bigRow.getByText("amount > 100").waitFor();
    await bigRow.getByText("Rows", { exact: true }).waitFor();

    // 2. A column filter, by hiding a column: it keeps the others.
    await section.getByRole("button", { name: "New filter" }).click();
    dialog = alice.getByRole("dialog", { name: "New filter on orders" });
    await dialog.getByLabel("Name", { exact: true }).fill("no amounts");
    await dialog.getByLabel("Some columns (every row)").check();
    await dialog.getByLabel("Hide these").check();
    await dialog.getByRole("group", { name: "Columns" }).getByLabel("amount", { exact: true }).check();
    await dialog.getByText("Keeps id.").waitFor();
    await screenshots(alice, "f-new-column-filter");
    await dialog.getByRole("button", { name: "Create filter" }).click();
    await notice(alice, "The filter no amounts is on orders now.");
    const colRow = filters.getByRole("row").filter({ hasText: "no amounts" });
    await colRow.getByText("Columns", { exact: true }).waitFor();
    await colRow.getByText("(hides amount)").waitFor();
    await screenshots(alice, "f-table-filters");

    // 3. bob asks for the table, and chooses the row filter while his request is a draft.
    await bob.goto(tableUrl);
    assert.equal(await bob.getByRole("region", { name: "Filters" }).count(), 0, "only the admin team manages filters");
    await bob.getByRole("button", { name: "Request access" }).click();
    await bob.getByLabel("Into environment").selectOption({ label: `Sales B lake (${ACCOUNT_B} / eu-west-1, TeamB)` });
    await bob.getByRole("button", { name: "Create request" }).click();
    await bob.waitForURL(/\/shares\/[a-z0-9]+$/);
    const shareUrl = new URL(bob.url()).pathname;
    const shareUri = shareUrl.split("/").pop();
    const items = bob.getByRole("table", { name: "Share items" });
    await items.getByText("Whole table").waitFor();
    await items.getByRole("button", { name: "Filters of orders" }).click();
    const choose = bob.getByRole("dialog", { name: "Filters for orders" });
    const picks = choose.getByRole("group", { name: "Filters of orders" });
    await picks.getByText("no amounts").waitFor();
    await picks.getByRole("checkbox", { name: /^big orders/ }).check();
    await choose.getByLabel("Name of this choice").fill("Big orders only");
    await screenshots(bob, "f-choose-filters");
    await choose.getByRole("button", { name: "Save" }).click();
    await notice(bob, "orders is asked for through big orders.");
    await items.getByRole("group", { name: "Filters on orders" }).getByText("big orders").waitFor();
    await screenshots(bob, "f-share-item-filtered");

    // 4. alice sees it on the share too, and can't delete the filter in use: the refusal says why.
    await alice.goto(shareUrl);
    await alice.getByRole("table", { name: "Share items" }).getByRole("group", { name: "Filters on orders" }).getByText("big orders").waitFor();
    // What approving would do: SELECT through a data cells filter made from it, not on the table.
    await alice.getByLabel("Share plan").getByText(/make data cells filter sluice_\w+ \(big orders: rows where amount > 100\)/).waitFor();
    await alice.getByLabel("Share plan").getByText(/grant SELECT on data cells filter sluice_\w+ of /).waitFor();
    await screenshots(alice, "f-share-plan-filtered");
    await alice.goto(tableUrl);
    await filters.getByRole("button", { name: "Delete big orders" }).click();
    const del = alice.getByRole("dialog", { name: "Delete the filter big orders?" });
    await del.getByRole("button", { name: "Delete" }).click();
    const refusal = del.getByRole("alert");
    await refusal.waitFor();
    const said = await refusal.innerText();
    assert.match(said, /The filter big orders is in use: a share's item asks for the table through it/);
    assert.ok(!said.includes(shareUri) && !/removeShareItemFilter|[A-Z]+_[A-Z_]+/.test(said), `no ids or constants: ${said}`);
    await screenshots(alice, "f-delete-refused");
    await del.getByRole("button", { name: "Cancel" }).click();

    // 5. bob takes the filters off: the whole table again. Once submitted, he can't change them.
    await bob.goto(shareUrl);
    await items.getByRole("button", { name: "Filters of orders" }).click();
    await choose.getByRole("button", { name: "Whole table" }).click();
    await notice(bob, "orders is asked for whole again.");
    await items.getByText("Whole table").waitFor();
    await bob.getByRole("button", { name: "Submit" }).click();
    await waitForStatus(bob.getByLabel("Share status"), /^Submitted$/);
    assert.equal(await items.getByRole("button", { name: "Filters of orders" }).count(), 0, "a submitted request's filters are the approvers'");

    // 6. The filter is free: alice deletes it.
    await alice.reload();
    await filters.getByRole("button", { name: "Delete big orders" }).click();
    await alice.getByRole("dialog", { name: "Delete the filter big orders?" }).getByRole("button", { name: "Delete" }).click();
    await notice(alice, "The filter big orders is deleted.");
    await bigRow.waitFor({ state: "detached" });
    await colRow.waitFor();
    await screenshots(alice, "f-filter-deleted");
  });
  await alice.context().close();
  await bob.context().close();
});
