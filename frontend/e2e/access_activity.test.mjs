// Who reads what, in a real browser. TeamA (alice) publishes "Readings" with a table; TeamB
// (bob) asks for it and alice approves. alice's dataset and table pages have an Access tab
// listing the owner team and TeamB's share, each with what AWS says of it; bob, who does not
// own the dataset, has no such tab. My data shows alice what TeamA owns and what waits for her,
// and bob what is shared with TeamB, with the way to use it. The Activity page lists what was
// just done, filters by outcome and actor in the URL, and exports the rows as a file.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { awsOwner, launch, screenshots, signIn, waitForStatus, withPictures } from "./browser.mjs";

const RUN = Date.now();
const ORG = `Access Org ${RUN}`;
const ACCOUNT_A = "121212121212"; // their own: each account trusts one organization
const ACCOUNT_B = "131313131313";
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const notice = (page, text) => page.getByRole("status").filter({ hasText: text }).first().waitFor();
/** What AWS says of a reader, in the page's words. */
const AWS_WORDS = /^(AWS agrees|Missing in AWS|Not granted by Sluice|Not compared)$/;

async function linkEnvironment(page, name, account, team) {
  await page.goto("/environments/new");
  await page.getByLabel("Organization").selectOption({ label: ORG });
  await page.getByLabel("ExternalId").waitFor();
  await page.getByRole("button", { name: "Get the pivot-role template" }).click();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /Save sluice-pivot-role.json/ }).click()]);
  awsOwner("pivot-role", account, await download.path());
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Team", { exact: true }).selectOption(team);
  await page.getByLabel("AWS account id").fill(account);
  await page.getByLabel("Region").selectOption("eu-west-1");
  await page.getByRole("button", { name: "Link", exact: true }).click();
  await page.waitForURL(/\/environments\/[a-z0-9]+$/);
  await waitForStatus(page.getByLabel("Stack status"), /COMPLETE/);
}

/** alice's organization (TeamB invited), environment and dataset "Readings" with table "meters";
 * bob's environment, and his submitted request for meters. */
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
  await linkEnvironment(alice, "Readings A lake", ACCOUNT_A, "TeamA");

  await alice.goto("/datasets/new");
  const create = alice.getByRole("form", { name: "Create dataset" });
  await create.getByLabel("Environment").selectOption({ label: `Readings A lake (${ACCOUNT_A} / eu-west-1)` });
  await create.getByLabel("Name").fill("Readings");
  await create.getByLabel("Admin team").selectOption("TeamA");
  await create.getByRole("button", { name: "Create" }).click();
  await alice.getByLabel("Dataset stack").waitFor();
  const datasetUrl = new URL(alice.url()).pathname;
  await waitForStatus(alice.getByLabel("Dataset stack"), /COMPLETE/);
  const bucket = (await alice.locator("code").nth(0).textContent()).trim();
  const glueDb = (await alice.locator("code").nth(1).textContent()).trim();
  awsOwner("glue-tables", ACCOUNT_A, glueDb, bucket, "meters");
  await alice.getByRole("button", { name: "Sync tables" }).click();
  await waitForStatus(alice.getByLabel("Table sync"), /^succeeded$/);
  await alice.getByRole("button", { name: "New folder" }).click();
  const folder = alice.getByRole("form", { name: "New folder" });
  await folder.getByLabel("Folder name").fill("Exports");
  await folder.getByLabel("S3 prefix").fill("exports");
  await folder.getByRole("button", { name: "Create folder" }).click();
  await notice(alice, "Folder Exports is created at exports/.");
  const tableUrl = await alice.getByRole("table", { name: "Tables" }).getByRole("link", { name: "meters", exact: true }).getAttribute("href");

  await linkEnvironment(bob, "Readings B lake", ACCOUNT_B, "TeamB");
  await bob.goto(tableUrl);
  await bob.getByRole("button", { name: "Request access" }).click();
  const dialog = bob.getByRole("dialog", { name: "Request access" });
  await dialog.getByLabel("Into environment").selectOption({ label: `Readings B lake (${ACCOUNT_B} / eu-west-1, TeamB)` });
  await dialog.getByLabel("Purpose").fill("meter audits");
  await dialog.getByRole("button", { name: "Create request" }).click();
  await bob.waitForURL(/\/shares\/[a-z0-9]+$/);
  const shareUrl = new URL(bob.url()).pathname;
  await bob.getByRole("button", { name: "Submit" }).click();
  await waitForStatus(bob.getByLabel("Share status"), /^Submitted$/);
  return { datasetUrl, tableUrl, shareUrl };
}

async function readers(alice, bob, { datasetUrl, tableUrl, shareUrl }) {
  // 1. My data: the request waits for alice, and TeamA owns Readings.
  await alice.getByRole("link", { name: "My data" }).first().click();
  await alice.getByRole("heading", { name: "My data" }).waitFor();
  const waiting = alice.getByRole("table", { name: "Waiting requests" });
  const asked = waiting.getByRole("row").filter({ has: alice.getByRole("link", { name: "Readings" }) });
  await asked.getByText(/^by bob, (just now|\d+ minutes? ago)$/).waitFor();
  await alice.getByRole("table", { name: "Owned datasets" }).getByRole("link", { name: "Readings", exact: true }).waitFor();
  await screenshots(alice, "a-my-data-owner");

  // 2. alice approves; the share is processed.
  await asked.getByRole("link", { name: "Readings" }).click();
  await alice.getByRole("button", { name: "Approve" }).click();
  await notice(alice, "Approved: sharing starts now.");
  await waitForStatus(alice.getByLabel("Share status"), /^Processed$/, 120_000);

  // 3. The dataset's Access tab: the owner team and TeamB's share, each with AWS's word on it.
  await alice.goto(datasetUrl);
  await alice.getByRole("tab", { name: "Access" }).click();
  await alice.waitForURL((u) => u.searchParams.get("tab") === "access");
  const table = alice.getByRole("table", { name: "Readers" });
  const owner = table.getByRole("row").filter({ hasText: "Owner team" });
  await owner.getByRole("cell", { name: "TeamA", exact: true }).first().waitFor();
  const shared = table.getByRole("row").filter({ has: alice.getByRole("link", { name: "Share", exact: true }) });
  await shared.getByRole("cell", { name: "TeamB", exact: true }).first().waitFor();
  await shared.getByText(/meters/).first().waitFor();
  const state = (await shared.locator(".MuiChip-label").first().innerText()).trim();
  assert.match(state, AWS_WORDS, "each reader says whether AWS agrees");
  if (state === "Missing in AWS") await shared.getByRole("link", { name: "Open the share to re-apply it" }).waitFor();
  await alice.getByText(/readers? of Readings; checked (just now|\d+ minutes? ago)\./).waitFor();
  await screenshots(alice, "a-dataset-access");
  // A reload keeps the tab; "Check again" reads AWS again.
  await alice.reload();
  await table.waitFor();
  await alice.getByRole("button", { name: "Check again" }).click();
  await alice.getByRole("button", { name: "Check again" }).waitFor();
  await table.getByRole("row").filter({ hasText: "Owner team" }).waitFor();

  // A folder has no page: its readers open in a dialog from its row.
  await alice.getByRole("tab", { name: "Overview" }).click();
  await alice.getByRole("table", { name: "Folders" }).getByRole("button", { name: "Access to Exports" }).click();
  const folderAccess = alice.getByRole("dialog", { name: "Who reads folder Exports" });
  await folderAccess.getByRole("table", { name: "Readers" }).getByRole("row").filter({ hasText: "Owner team" }).first().waitFor();
  await screenshots(alice, "a-folder-access");
  await folderAccess.getByRole("button", { name: "Close" }).click();

  // 4. The table's Access tab lists TeamB's share too.
  await alice.goto(`${tableUrl}?tab=access`);
  await alice.getByRole("table", { name: "Readers" }).getByRole("cell", { name: "TeamB", exact: true }).first().waitFor();
  await screenshots(alice, "a-table-access");

  // 5. bob, who does not own Readings, has no Access tab, even from a link.
  await bob.goto(`${datasetUrl}?tab=access`);
  await bob.getByRole("heading", { name: "Readings" }).waitFor();
  await bob.getByRole("table", { name: "Tables" }).waitFor();
  assert.equal(await bob.getByRole("tab", { name: "Access" }).count(), 0, "only the owners see who reads");

  // 6. bob's My data: meters is shared with TeamB, with the way to use it.
  await bob.goto("/my-data");
  const mine = bob.getByRole("table", { name: "Shared with TeamB" });
  const row = mine.getByRole("row").filter({ hasText: "Readings" });
  await row.getByRole("cell", { name: /meters/ }).first().waitFor();
  await bob.getByText("Your teams own no dataset. Create one from Datasets.").waitFor();
  await screenshots(bob, "a-my-data-reader");
  await row.getByRole("link", { name: "How to use meters" }).click();
  await bob.waitForURL((u) => u.pathname === shareUrl);
  await bob.getByRole("region", { name: "How to use this share" }).waitFor();
}

async function activity(alice, bob, { datasetUrl }) {
  // A refused change of bob's, sent as a script would: the trail keeps refusals too.
  const datasetUri = datasetUrl.split("/").pop();
  const answer = await bob.evaluate(async (uri) => {
    const { idToken } = JSON.parse(localStorage.getItem("sluice.tokens"));
    const resp = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${idToken}` },
      body: JSON.stringify({ query: "mutation($uri: String) { updateDataset(datasetUri: $uri, input: { description: \"mine now\" }) { datasetUri } }", variables: { uri } }),
    });
    return resp.json();
  }, datasetUri);
  assert.ok(answer.errors?.length, "bob may not change alice's dataset");

  // The approval just made is there, newest first, with its outcome in words.
  await alice.getByRole("link", { name: "Activity" }).first().click();
  const trail = alice.getByRole("table", { name: "Activity" });
  const approval = trail.getByRole("row").filter({ hasText: "approveShareObject" }).first();
  await approval.getByText("Done", { exact: true }).waitFor();
  await approval.getByText(/^(just now|\d+ minutes? ago)$/).waitFor();
  assert.match(await approval.locator("time").getAttribute("title"), /\d{4}/, "the full date on hover");
  await screenshots(alice, "a-activity");

  // Filter by outcome: only refusals, bob's among them; the filter is in the URL.
  await alice.getByLabel("Outcome").click();
  await alice.getByRole("option", { name: "Refused" }).click();
  await alice.waitForURL((u) => u.searchParams.get("outcome") === "denied");
  await trail.getByRole("row").filter({ hasText: "approveShareObject" }).waitFor({ state: "detached" });
  await trail.getByRole("row").filter({ hasText: "updateDataset" }).filter({ hasText: "bob" }).first().waitFor();
  const outcomes = await trail.locator("tbody tr td:nth-child(5)").allInnerTexts();
  assert.ok(outcomes.length > 0 && outcomes.every((o) => o.trim() === "Refused"), `only refusals: ${outcomes}`);
  await alice.getByLabel("Who (user name)").fill("bob");
  await alice.getByRole("button", { name: "Filter", exact: true }).click();
  await alice.waitForURL((u) => u.searchParams.get("actor") === "bob" && u.searchParams.get("outcome") === "denied");
  await alice.reload();
  assert.equal(await alice.getByLabel("Who (user name)").inputValue(), "bob", "a reload keeps the filters");
  const refused = trail.getByRole("row").filter({ hasText: "updateDataset" }).first();
  await refused.getByText("Refused", { exact: true }).waitFor();
  await screenshots(alice, "a-activity-refused");

  // Export what the filters show, with the session's token.
  const [download] = await Promise.all([alice.waitForEvent("download"), alice.getByRole("button", { name: "Export", exact: true }).click()]);
  assert.match(download.suggestedFilename(), /^sluice-activity-.*\.csv$/);
  const csv = readFileSync(await download.path(), "utf8");
  assert.match(csv, /updateDataset/);
  assert.doesNotMatch(csv, /approveShareObject/, "the export follows the filters");
  await notice(alice, "Exported to");

  // Nothing matches: said in words.
  await alice.goto("/activity?actor=nobody-at-all");
  await alice.getByText("Nothing matches these filters.").waitFor();
}

test("owners see who reads their data, people find their data, and the activity trail filters and exports", { timeout: 900_000 }, async () => {
  const alice = await signIn(browser, "alice");
  const bob = await signIn(browser, "bob");
  await withPictures("access", { alice, bob }, async () => {
    const urls = await setUp(alice, bob);
    await readers(alice, bob, urls);
    await activity(alice, bob, urls);
  });
  await alice.context().close();
  await bob.context().close();
});
