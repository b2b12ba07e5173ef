// A share as a conversation, in a real browser. TeamA (alice) publishes "Ledger", whose shares
// expire, with topics, tags and a confidentiality; she edits it, a folder and a table. TeamB
// (bob) asks for one table for a number of months (the form insists), asks again for a second
// table and lands on the same request (which says so and keeps the new purpose), adds and
// removes a third table (the removal asks first), submits, and finds the request on his Sent
// tab, filtered in the URL. alice reads who asked what, why and for how long, changes the
// period, approves; both read how to use the data. bob asks for an extension, alice approves it;
// bob verifies and alice re-applies; alice revokes one table (a dialog names it) while the other
// stays shared; then the rest, and bob deletes the request. Last, alice deletes the dataset and
// bob edits and deletes his environment. Every action says when it is done (role=status).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { awsOwner, launch, screenshots, signIn, waitForFieldError, waitForStatus, withPictures } from "./browser.mjs";

const RUN = Date.now();
const ORG = `Conversation Org ${RUN}`;
const ACCOUNT_A = "777777777777"; // their own: each account trusts one organization
const ACCOUNT_B = "888888888888";
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
  return new URL(page.url()).pathname;
}

/** alice's organization (TeamB invited), environment and dataset "Ledger" (shares expire after
 * 1 to 6 months) with three tables; bob's environment. */
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
  await linkEnvironment(alice, "Ledger A lake", ACCOUNT_A, "TeamA");

  // Create, with what the catalog filters on and expiring shares.
  await alice.goto("/datasets/new");
  const create = alice.getByRole("form", { name: "Create dataset" });
  await create.getByLabel("Environment").selectOption({ label: `Ledger A lake (${ACCOUNT_A} / eu-west-1)` });
  await create.getByLabel("Name").fill("Ledger");
  await create.getByLabel("Admin team").selectOption("TeamA");
  await create.getByRole("group", { name: "Topics" }).getByLabel("Finances").check();
  await create.getByLabel("Tags").fill("ledger, daily");
  await create.getByLabel("Confidentiality").selectOption("Official");
  await create.getByLabel("Shares expire unless extended").check();
  await create.getByLabel("Longest (months)").fill("6");
  await screenshots(alice, "s-create-dataset-filled");
  await create.getByRole("button", { name: "Create" }).click();
  const about = alice.getByLabel("About the dataset");
  for (const chip of ["Official", "Finances", "#ledger", "#daily"]) await about.getByText(chip, { exact: true }).waitFor();
  const datasetUrl = new URL(alice.url()).pathname; // the dataset's own page, not /datasets/new
  await about.getByText("Shares expire: 1–6 months").waitFor();
  await waitForStatus(alice.getByLabel("Dataset stack"), /COMPLETE/);
  const bucket = (await alice.locator("code").nth(0).textContent()).trim();
  const glueDb = (await alice.locator("code").nth(1).textContent()).trim();
  awsOwner("glue-tables", ACCOUNT_A, glueDb, bucket, "entries", "balances", "notes");
  await alice.getByRole("button", { name: "Sync tables" }).click();
  await waitForStatus(alice.getByLabel("Table sync"), /^succeeded$/);
  // The sync's progress is a sentence, not JSON.
  const sync = await alice.getByLabel("Table sync").innerText();
  assert.match(sync, /Finished: 3 tables read from Glue database/);
  assert.doesNotMatch(sync, /[{}"]/, "no JSON in the sync's progress");
  const tables = alice.getByRole("table", { name: "Tables" });
  const href = (name) => tables.getByRole("link", { name, exact: true }).getAttribute("href");
  const urls = { entries: await href("entries"), balances: await href("balances"), notes: await href("notes") };

  // Edit: the form holds what is there; saving says so.
  await alice.getByRole("button", { name: "Edit", exact: true }).click();
  const edit = alice.getByRole("dialog", { name: "Edit dataset" });
  assert.equal(await edit.getByLabel("Tags").inputValue(), "ledger, daily");
  assert.ok(await edit.getByRole("group", { name: "Topics" }).getByLabel("Finances").isChecked());
  await edit.getByLabel("Description").fill("Every booking, daily");
  await edit.getByLabel("Tags").fill("ledger, daily, audited");
  await screenshots(alice, "s-edit-dataset");
  await edit.getByRole("button", { name: "Save" }).click();
  await edit.waitFor({ state: "detached" });
  await notice(alice, "Ledger is saved.");
  await about.getByText("#audited", { exact: true }).waitFor();
  await alice.getByText("Every booking, daily").waitFor();
  await screenshots(alice, "s-dataset-edited");

  // A folder: created, renamed, then deleted after a dialog that says the objects stay.
  await alice.getByRole("button", { name: "New folder" }).click();
  const folder = alice.getByRole("form", { name: "New folder" });
  await folder.getByLabel("Folder name").fill("Exports");
  await folder.getByLabel("S3 prefix").fill("exports");
  await folder.getByRole("button", { name: "Create folder" }).click();
  await notice(alice, "Folder Exports is created at exports/.");
  const folders = alice.getByRole("table", { name: "Folders" });
  await folders.getByRole("button", { name: "Edit Exports" }).click();
  const editFolder = alice.getByRole("dialog", { name: "Edit folder Exports" });
  await editFolder.getByLabel("Name").fill("Monthly exports");
  await editFolder.getByRole("button", { name: "Save" }).click();
  await notice(alice, "Folder Monthly exports is saved.");
  await folders.getByRole("button", { name: "Delete Monthly exports" }).click();
  const dropFolder = alice.getByRole("dialog", { name: "Delete folder Monthly exports?" });
  await dropFolder.getByText(/the objects under exports stay in the bucket/).waitFor();
  await dropFolder.getByRole("button", { name: "Delete" }).click();
  await notice(alice, "Folder Monthly exports is deleted");
  await alice.getByText("No folders.", { exact: false }).waitFor();

  // A table's description.
  await alice.goto(urls.entries);
  await alice.getByRole("button", { name: "Edit", exact: true }).click();
  const editTable = alice.getByRole("dialog", { name: "Edit table" });
  await editTable.getByLabel("Description").fill("One row per booking");
  await editTable.getByRole("button", { name: "Save" }).click();
  await notice(alice, "entries is saved.");
  await alice.getByText("One row per booking").waitFor();
  await screenshots(alice, "s-table-edited");

  const envB = await linkEnvironment(bob, "Ledger B lake", ACCOUNT_B, "TeamB");
  return { datasetUrl, urls, envB };
}

async function request(bob, tableUrl, purpose, months) {
  await bob.goto(tableUrl);
  await bob.getByRole("button", { name: "Request access" }).click();
  const dialog = bob.getByRole("dialog", { name: "Request access" });
  await dialog.getByLabel("Into environment").selectOption({ label: `Ledger B lake (${ACCOUNT_B} / eu-west-1, TeamB)` });
  await dialog.getByLabel("Purpose").fill(purpose);
  if (months !== undefined) await dialog.getByLabel("Access for (months)").fill(String(months));
  await dialog.getByRole("button", { name: "Create request" }).click();
}

async function conversation(alice, bob) {
  const { datasetUrl, urls, envB } = await setUp(alice, bob);

  // 1. The request form asks for how long, within the dataset's bounds.
  await request(bob, urls.entries, "month-end close");
  const dialog = bob.getByRole("dialog", { name: "Request access" });
  await waitForFieldError(dialog.getByLabel("Access for (months)"), /Say for how many months/);
  await dialog.getByLabel("Access for (months)").fill("9");
  await dialog.getByRole("button", { name: "Create request" }).click();
  await waitForFieldError(dialog.getByLabel("Access for (months)"), /At most 6 months/);
  await screenshots(bob, "s-request-period-refused");
  await dialog.getByLabel("Access for (months)").fill("3");
  await dialog.getByRole("button", { name: "Create request" }).click();
  await bob.waitForURL(/\/shares\/[a-z0-9]+$/);
  const shareUrl = new URL(bob.url()).pathname;
  await bob.getByText("Access is asked for 3 months; it counts from the approval.").waitFor();

  // 2. Asking again for another table of the dataset opens the same request, says so, and keeps the new purpose.
  await request(bob, urls.balances, "month-end close and audits", 3);
  await bob.waitForURL((u) => u.pathname === shareUrl);
  await bob.getByLabel("Existing request").getByText(/already had a request for Ledger in this environment, so this is it: balances was added to it/).waitFor();
  await bob.getByText("Purpose: “month-end close and audits”").waitFor();
  const items = bob.getByRole("table", { name: "Share items" });
  await items.getByRole("link", { name: "balances" }).waitFor();
  await screenshots(bob, "s-existing-request");

  // 3. In the draft: add a table, then remove it after a dialog naming it.
  const add = bob.getByRole("form", { name: "Add an item" });
  await add.getByLabel("Add a table, folder or the bucket").selectOption({ label: "Table notes" });
  await add.getByRole("button", { name: "Add" }).click();
  await notice(bob, "Table notes is in the request now.");
  await items.getByRole("link", { name: "notes" }).waitFor();
  await items.getByRole("button", { name: "Remove notes" }).click();
  const remove = bob.getByRole("dialog", { name: "Remove notes from the request?" });
  await remove.getByText("notes leaves the request; nothing is shared with it.").waitFor();
  await screenshots(bob, "s-remove-item-dialog");
  await remove.getByRole("button", { name: "Remove" }).click();
  await notice(bob, "notes is no longer in the request.");
  await items.getByRole("link", { name: "notes" }).waitFor({ state: "detached" });

  // 4. Submit; the request waits on bob's Sent tab, and the tab and filter live in the URL.
  await bob.getByRole("button", { name: "Submit" }).click();
  await notice(bob, "Request sent: TeamA decide next.");
  await waitForStatus(bob.getByLabel("Share status"), /^Submitted$/);
  await bob.getByRole("link", { name: "← Your teams' requests" }).click();
  await bob.waitForURL((u) => u.pathname === "/shares" && u.searchParams.get("tab") === "sent");
  await bob.getByRole("tab", { name: "Sent", selected: true }).waitFor();
  await bob.goto("/shares"); // no tab in the URL: TeamB receives nothing, so it starts on Sent
  await bob.getByRole("tab", { name: "Sent", selected: true }).waitFor();
  await bob.getByLabel("Status").click();
  const options = bob.getByRole("listbox").getByRole("option");
  assert.equal(await options.first().innerText(), "All statuses", "no blank option");
  assert.ok((await options.allInnerTexts()).every((o) => o.trim()), "every option has words");
  await bob.getByRole("option", { name: "Submitted", exact: true }).click();
  await bob.waitForURL((u) => u.searchParams.get("status") === "Submitted" && u.searchParams.get("tab") === "sent");
  await bob.reload();
  const sent = bob.getByRole("table", { name: "Sent shares" });
  const row = sent.getByRole("row").filter({ has: bob.getByRole("link", { name: "Ledger" }) });
  await row.getByText(/^by bob, (just now|\d+ minutes? ago)$/).waitFor();
  await screenshots(bob, "s-sent-filtered");

  // 5. alice reads who asked for what, why and for how long, and approves.
  await alice.goto("/shares?tab=received");
  await alice.getByRole("table", { name: "Received shares" }).getByRole("link", { name: "Ledger" }).first().click();
  await alice.getByText(/^bob of TeamB asked (just now|\d+ minutes? ago) for read access to Ledger of TeamA, for the team TeamB in the environment Ledger B lake/).waitFor();
  await alice.getByText("Access is asked for 3 months; it counts from the approval.").waitFor();
  // The approver may change the period before deciding.
  await alice.getByRole("button", { name: "Change the period" }).click();
  const period = alice.getByRole("dialog", { name: "Change the period" });
  await period.getByLabel("Access for (months)").fill("4");
  await period.getByRole("button", { name: "Save" }).click();
  await notice(alice, "The request now asks for 4 months.");
  await alice.getByText("Access is asked for 4 months; it counts from the approval.").waitFor();
  const history = alice.getByRole("list", { name: "Share history" });
  await history.getByText("bob submitted the request").waitFor();
  await history.getByText("bob created the request").waitFor();
  await screenshots(alice, "s-alice-to-decide");
  await alice.getByRole("button", { name: "Approve" }).click();
  await notice(alice, "Approved: sharing starts now.");
  await waitForStatus(alice.getByLabel("Share status"), /^Processed$/, 120_000);
  const aliceItems = alice.getByRole("table", { name: "Share items" });
  for (const t of ["entries", "balances"]) {
    await aliceItems.getByRole("row").filter({ has: alice.getByRole("link", { name: t }) }).getByText("Shared", { exact: true }).waitFor();
  }
  await aliceItems.getByText(/^alice approved the request, (just now|\d+ minutes? ago)$/).first().waitFor();
  await history.getByText("alice approved the request").waitFor();

  // 6. bob reads how to use the data, and when access ends.
  await bob.goto(shareUrl);
  const use = bob.getByRole("region", { name: "How to use this share" });
  await use.getByText(/Work as the role arn:aws:iam::888888888888:role\//).waitFor();
  await use.getByText(/Query the tables in Athena from the Glue database/).waitFor();
  await use.getByText(/SELECT \* FROM ".+"\."(entries|balances)" LIMIT 10;/).waitFor();
  await use.getByText(/Columns of/).first().waitFor();
  await bob.getByLabel("Expiry", { exact: true }).getByText(/^Access ends in \d+ (months|weeks|days) unless extended\.$/).waitFor();
  await screenshots(bob, "s-bob-how-to-use");

  // 7. bob asks for an extension; alice approves it.
  await bob.getByRole("button", { name: "Ask for an extension" }).click();
  const ext = bob.getByRole("dialog", { name: "Ask for an extension" });
  await ext.getByRole("button", { name: "Ask" }).click();
  await waitForFieldError(ext.getByLabel("Why"), /Say why/);
  await ext.getByLabel("Access for (months)").fill("6");
  await ext.getByLabel("Why").fill("the audit runs into the next half");
  await screenshots(bob, "s-extension-dialog");
  await ext.getByRole("button", { name: "Ask" }).click();
  await notice(bob, "Extension asked: the dataset's owners decide.");
  await bob.getByLabel("Extension", { exact: true }).getByText(/An extension is asked for 6 months/).waitFor();
  await alice.reload();
  const asked = alice.getByLabel("Extension", { exact: true });
  await asked.getByText(/“the audit runs into the next half”/).waitFor();
  await screenshots(alice, "s-alice-extension");
  await alice.getByRole("button", { name: "Approve extension" }).click();
  await notice(alice, "Extension approved");
  await asked.waitFor({ state: "detached" });
  await history.getByText("alice approved the extension").waitFor();

  // 8. bob verifies the grants.
  await bob.reload();
  await bob.getByRole("button", { name: "Verify" }).click();
  await notice(bob, "Verifying the grants");
  await items.getByText(/^Healthy/).first().waitFor({ timeout: 60_000 });
  assert.equal(await bob.getByRole("button", { name: "Re-apply" }).count(), 0, "only approvers re-apply");
  // alice re-applies: missing grants would be made again.
  await alice.reload();
  await alice.getByRole("button", { name: "Re-apply" }).click();
  await notice(alice, "Re-applying the grants");
  await history.getByText("alice asked to re-apply the grants").waitFor();
  await aliceItems.getByText(/^Healthy/).first().waitFor({ timeout: 60_000 });

  // 9. alice revokes one table; the dialog names it, and the other stays shared.
  await aliceItems.getByRole("button", { name: "Revoke entries" }).click();
  const revoke = alice.getByRole("dialog", { name: "Revoke entries?" });
  await revoke.getByText(/The grants on entries are removed .* The other items stay as they are\./).waitFor();
  await screenshots(alice, "s-revoke-one-dialog");
  await revoke.getByRole("button", { name: "Revoke" }).click();
  await notice(alice, "Revoking entries");
  const entriesRow = aliceItems.getByRole("row").filter({ has: alice.getByRole("link", { name: "entries" }) });
  await entriesRow.getByText("Revoked", { exact: true }).waitFor({ timeout: 120_000 });
  await entriesRow.getByText(/^alice revoked entries, /).waitFor();
  await aliceItems.getByRole("row").filter({ has: alice.getByRole("link", { name: "balances" }) }).getByText("Shared", { exact: true }).waitFor();
  await history.getByText("alice revoked entries").waitFor();
  await screenshots(alice, "s-one-revoked");

  // 10. The rest is revoked; bob deletes the request, after a dialog naming what goes.
  await aliceItems.getByRole("button", { name: "Revoke balances" }).click();
  await alice.getByRole("dialog", { name: "Revoke balances?" }).getByRole("button", { name: "Revoke" }).click();
  await aliceItems.getByRole("row").filter({ has: alice.getByRole("link", { name: "balances" }) }).getByText("Revoked", { exact: true }).waitFor({ timeout: 120_000 });
  await bob.reload();
  await bob.getByRole("button", { name: "Delete request" }).click();
  const del = bob.getByRole("dialog", { name: "Delete the request for Ledger?" });
  await del.getByText(/its 2 items \((entries, balances|balances, entries)\)/).waitFor();
  await screenshots(bob, "s-delete-request-dialog");
  await del.getByRole("button", { name: "Delete" }).click();
  await bob.waitForURL((u) => u.pathname === "/shares" && u.searchParams.get("tab") === "sent");
  await notice(bob, "The request for Ledger is deleted.");

  // 11. alice deletes the dataset, keeping its AWS resources.
  await alice.goto(datasetUrl);
  await alice.getByRole("button", { name: "Delete", exact: true }).click();
  const dropDataset = alice.getByRole("dialog", { name: "Delete Ledger?" });
  await dropDataset.getByLabel(/Also delete its stack in AWS/).waitFor();
  await screenshots(alice, "s-delete-dataset-dialog");
  await dropDataset.getByRole("button", { name: "Delete" }).click();
  await alice.waitForURL((u) => u.pathname === "/datasets");
  await notice(alice, "Ledger is deleted from Sluice; its data stays in AWS.");

  // 12. bob renames his environment, then deletes it.
  await bob.goto(envB);
  await bob.getByRole("button", { name: "Edit", exact: true }).click();
  const editEnv = bob.getByRole("dialog", { name: "Edit environment" });
  await editEnv.getByLabel("Name").fill("Ledger B reading room");
  await editEnv.getByLabel("Description").fill("Where TeamB reads the ledger");
  await editEnv.getByRole("button", { name: "Save" }).click();
  await notice(bob, "Ledger B reading room is saved.");
  await bob.getByRole("heading", { name: "Ledger B reading room" }).waitFor();
  await screenshots(bob, "s-environment-edited");
  await bob.getByRole("button", { name: "Delete", exact: true }).click();
  const dropEnv = bob.getByRole("dialog", { name: "Delete Ledger B reading room?" });
  await dropEnv.getByText(/Sluice forgets the account 888888888888 \/ eu-west-1/).waitFor();
  await dropEnv.getByRole("button", { name: "Delete" }).click();
  await bob.waitForURL((u) => u.pathname === "/environments");
  await notice(bob, "Ledger B reading room is deleted from Sluice; its stack stays in AWS.");
}

test("a share reads like a conversation, and every action asks or says when done", { timeout: 900_000 }, async () => {
  const alice = await signIn(browser, "alice");
  const bob = await signIn(browser, "bob");
  await withPictures("conversation", { alice, bob }, () => conversation(alice, bob));
  await alice.context().close();
  await bob.context().close();
});

test("a refusal says what is not allowed in words, without permission constants", async () => {
  const carol = await signIn(browser, "carol");
  await carol.goto("/datasets");
  const alice = await signIn(browser, "alice");
  await alice.goto("/organizations");
  const org = await alice.getByRole("link", { name: ORG }).getAttribute("href");
  await alice.context().close();
  await carol.goto(org);
  const refusal = carol.locator('[data-code="FORBIDDEN"]').first();
  await refusal.waitFor();
  const said = await refusal.innerText();
  assert.match(said, /^None of your teams may see this organization\./);
  assert.doesNotMatch(said, /[A-Z]+_[A-Z]+/, "no permission constant");
  assert.doesNotMatch(said, new RegExp(org.split("/").pop()), "no id");
  await screenshots(carol, "s-refusal-in-words");
  await carol.context().close();
});
