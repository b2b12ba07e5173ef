// Stacks in a real browser: TeamA (alice) tags its environment's stack (one tag cascading to its
// datasets). The server first refuses, beside the row, because the account's pivot role opens no
// tag keys; the account's owner then gets the pivot-role template again with "Any key" (the
// server refuses a reserved prefix beside the control first) and updates the pivot role's stack
// with it, and alice sees "Saved" and the tags again after a reload. moto's CloudFormation keeps
// a role's old tags on a stack update, so aws_owner.py puts the template's role tags on the role
// itself, as AWS's update would. A key given twice is refused by its row before anything is sent,
// and a character AWS refuses is refused by the server, beside the row too. The environment's
// and a dataset's stacks list what CloudFormation (moto) made for them. A folder of the dataset
// gets its own discussion. TeamB (bob), invited to the environment, reads the tags but has
// nothing to edit them with.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { awsOwner, launch, screenshots, signIn, waitForFieldError, waitForFieldOk, waitForStatus, withPictures } from "./browser.mjs";

const RUN = Date.now();
const ORG = `Tags Org ${RUN}`;
const ACCOUNT = "444444444444"; // its own: each account trusts one organization
const ENV = "Tagged lake";
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("stack tags are saved and listed, stack resources show, and a folder has a discussion", { timeout: 600_000 }, async () => {
  const alice = await signIn(browser, "alice");
  const bob = await signIn(browser, "bob");
  await withPictures("stack-tags", { alice, bob }, () => stackPath(alice, bob));
  await alice.context().close();
  await bob.context().close();
});

/** alice's organization and environment; returns the environment page's path. */
async function environment(alice) {
  await alice.goto("/organizations");
  await alice.getByRole("button", { name: "Create organization" }).click();
  const form = alice.getByRole("form", { name: "Create organization" });
  await form.getByLabel("Name").fill(ORG);
  await form.getByLabel("Admin team").selectOption("TeamA");
  await form.getByRole("button", { name: "Create" }).click();
  // TeamB joins the organization, so that it can be invited to the environment later.
  await alice.getByRole("link", { name: ORG }).click();
  await alice.getByLabel("Team to invite").fill("TeamB");
  await alice.getByRole("button", { name: "Invite" }).click();
  await alice.getByRole("table", { name: "Teams" }).getByText("TeamB").waitFor();

  await alice.goto("/environments/new");
  await alice.getByLabel("Organization").selectOption({ label: ORG });
  await alice.getByLabel("ExternalId").waitFor();
  await alice.getByRole("button", { name: "Get the pivot-role template" }).click();
  const [download] = await Promise.all([alice.waitForEvent("download"), alice.getByRole("link", { name: /Save sluice-pivot-role.json/ }).click()]);
  assert.ok(JSON.parse(readFileSync(await download.path(), "utf8")).Resources);
  awsOwner("pivot-role", ACCOUNT, await download.path());
  await alice.getByLabel("Name", { exact: true }).fill(ENV);
  await alice.getByLabel("Team", { exact: true }).selectOption("TeamA");
  await alice.getByLabel("AWS account id").fill(ACCOUNT);
  await alice.getByLabel("Region").selectOption("eu-west-1");
  await alice.getByRole("button", { name: "Link", exact: true }).click();
  await alice.waitForURL(/\/environments\/[a-z0-9]+$/);
  await waitForStatus(alice.getByLabel("Stack status"), /COMPLETE/);
  return new URL(alice.url()).pathname;
}

/** The account owner's second visit to the link page, in a window of its own: the pivot-role
 * template with every tag key open. A reserved prefix is refused by the server first, beside the
 * control. The owner updates the pivot role's stack with it. */
async function openEveryTagKey() {
  const owner = await signIn(browser, "alice");
  await owner.goto("/environments/new");
  await owner.getByLabel("Organization").selectOption({ label: ORG });
  const tagKeys = owner.getByRole("radiogroup", { name: "Key-value tags on stacks" });
  assert.ok(await tagKeys.getByRole("radio", { name: /^None/ }).isChecked(), "no key is open unless the owner says so");
  const prefix = owner.getByLabel("Key prefix");
  await prefix.fill("aws:");
  assert.ok(await tagKeys.getByRole("radio", { name: "Keys starting with" }).isChecked(), "typing a prefix chooses it");
  await owner.getByRole("button", { name: "Get the pivot-role template" }).click();
  await waitForFieldError(prefix, /keys starting with "aws:" are reserved/);
  await screenshots(owner, "t-template-prefix-refused");
  await tagKeys.getByRole("radio", { name: "Any key" }).check();
  await waitForFieldOk(prefix);
  await owner.getByRole("button", { name: "Get the pivot-role template" }).click();
  const [download] = await Promise.all([owner.waitForEvent("download"), owner.getByRole("link", { name: /Save sluice-pivot-role.json/ }).click()]);
  const path = await download.path();
  const roles = Object.values(JSON.parse(readFileSync(path, "utf8")).Resources).filter((r) => r.Type === "AWS::IAM::Role");
  const said = roles.flatMap((r) => r.Properties.Tags ?? []).find((t) => t.Key === "sluice:stack-tag-prefix");
  assert.equal(said?.Value, "", "the template's pivot role opens every key");
  awsOwner("pivot-role", ACCOUNT, path); // an update of the pivot role's stack
  await owner.context().close();
}

/** The cells' texts of each body row of `table`, in order. */
async function bodyRows(table) {
  const rows = table.locator("tbody tr");
  const out = [];
  for (let i = 0; i < (await rows.count()); i += 1) out.push(await rows.nth(i).locator("td").allInnerTexts());
  return out;
}

/** Opens the "Resources" list in `page` and waits for its first resource row, and for the list
 * to have finished unfolding (MUI's Collapse), so a picture shows all of it. */
async function openResources(page) {
  await page.getByRole("button", { name: /^Resources/, expanded: false }).click();
  const table = page.getByRole("table", { name: "Stack resources" });
  await table.locator("tbody tr").first().waitFor();
  await page.locator(".MuiCollapse-entered").filter({ has: page.getByRole("region", { name: /^Resources/ }) }).waitFor();
  return table;
}

async function stackPath(alice, bob) {
  const envUrl = await environment(alice);

  // 1. No tags yet; alice, of the owning team, edits them: one that cascades, one that does not.
  const tags = alice.getByRole("region", { name: "Tags" });
  await tags.getByText(/^No tags\./).waitFor();
  await tags.getByRole("button", { name: "Edit tags" }).click();
  const editor = tags.getByRole("form", { name: "Edit tags" });
  const row = (n) => editor.getByRole("group", { name: `Tag ${n}` });
  await row(1).getByLabel("Key").fill("CostCenter");
  await row(1).getByLabel("Value").fill("1234");
  await row(1).getByLabel("Cascade to datasets").check();
  await editor.getByRole("button", { name: "Add tag" }).click();
  await row(2).getByLabel("Key").fill(" team ");
  await row(2).getByLabel("Value").fill("analytics");
  // The pivot role, deployed from the template as it comes, opens no keys to stack tags: the
  // server refuses, in words, by the first row it cannot take.
  await editor.getByRole("button", { name: "Save tags" }).click();
  await waitForFieldError(row(1).getByLabel("Key"), new RegExp(`pivot role of account ${ACCOUNT}`));
  assert.notEqual(await row(2).getByLabel("Key").getAttribute("aria-invalid"), "true", "one row's message");
  await screenshots(alice, "t-environment-tags-refused");
  // The account's owner opens every key, with the template; the same form then saves.
  await openEveryTagKey();
  await editor.getByRole("button", { name: "Save tags" }).click();
  await tags.getByRole("status").getByText(/^Saved\. The tags apply from the stack's next deploy/).waitFor();
  await editor.waitFor({ state: "detached" });
  const table = tags.getByRole("table", { name: "Tags" });
  await table.getByRole("cell", { name: "team", exact: true }).waitFor();
  assert.deepEqual(await bodyRows(table), [["CostCenter", "1234", "Yes"], ["team", "analytics", "No"]], "sorted by key, the key trimmed");
  await screenshots(alice, "t-environment-tags-saved");

  await alice.reload();
  await table.getByRole("cell", { name: "CostCenter", exact: true }).waitFor();
  assert.deepEqual(await bodyRows(table), [["CostCenter", "1234", "Yes"], ["team", "analytics", "No"]], "the tags are kept");
  assert.equal(await tags.getByRole("status").count(), 0, "a reload says nothing was just saved");

  // 2. A key given twice (in another case) is refused by its row, before anything is sent.
  await tags.getByRole("button", { name: "Edit tags" }).click();
  await editor.getByRole("button", { name: "Add tag" }).click();
  await row(3).getByLabel("Key").fill("costcenter");
  await row(3).getByLabel("Value").fill("5678");
  await editor.getByRole("button", { name: "Save tags" }).click();
  await waitForFieldError(row(3).getByLabel("Key"), /Same key as “CostCenter” above: keys are compared without case/);
  assert.notEqual(await row(1).getByLabel("Key").getAttribute("aria-invalid"), "true", "the first of the two is fine");
  assert.equal(await tags.getByRole("status").count(), 0, "nothing was saved");
  await screenshots(alice, "t-environment-tags-duplicate");

  // The server's own rules show by the row too: '#' is no character of an AWS tag.
  await row(3).getByLabel("Key").fill("cost#center");
  await editor.getByRole("button", { name: "Save tags" }).click();
  const said = await waitForFieldError(row(3).getByLabel("Key"), /holds '#'; tag keys may hold letters, digits/);
  assert.ok(!said.startsWith("tags[2]"), `the message drops the field name: ${said}`);
  assert.equal(await editor.getByRole("alert").count(), 0, "no alert repeats it");
  await editor.getByRole("button", { name: "Cancel" }).click();
  assert.deepEqual(await bodyRows(table), [["CostCenter", "1234", "Yes"], ["team", "analytics", "No"]], "nothing changed");

  // 3. The environment's stack: what CloudFormation made, read on demand, as a table.
  // moto answers ListStackResources with every status CREATE_COMPLETE, and with no logical id
  // or type for some resources (bucket policies): only named rows are checked, not statuses.
  const resources = await openResources(alice);
  const named = (await bodyRows(resources)).filter(([logicalId]) => logicalId !== "—");
  assert.ok(named.length >= 1, "the deployed stack holds resources");
  for (const [logicalId, type, physicalId] of named) {
    assert.match(type, /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/, `${logicalId} has a CloudFormation type`);
    assert.ok(physicalId && physicalId !== "—", `${logicalId} has a physical id`);
  }
  assert.ok(named.some(([, type]) => type === "AWS::S3::Bucket"), "the environment's buckets are listed");
  assert.equal(await alice.getByText('"logicalId"').count(), 0, "never the raw JSON");
  await screenshots(alice, "t-environment-resources");

  // 4. A dataset of the environment: its tags (nothing cascades from a dataset) and resources.
  await alice.goto("/datasets/new");
  await alice.getByLabel("Environment").selectOption({ label: `${ENV} (${ACCOUNT} / eu-west-1)` });
  await alice.getByLabel("Name").fill("Tagged data");
  await alice.getByLabel("Admin team").selectOption("TeamA");
  await alice.getByRole("button", { name: "Create" }).click();
  await alice.waitForURL(/\/datasets\/[a-z0-9]+$/);
  await waitForStatus(alice.getByLabel("Dataset stack"), /COMPLETE/);
  await tags.getByText(/^No tags\./).waitFor();
  await tags.getByRole("button", { name: "Edit tags" }).click();
  assert.equal(await editor.getByLabel("Cascade to datasets").count(), 0, "a dataset's tags do not cascade");
  await row(1).getByLabel("Key").fill("owner");
  await row(1).getByLabel("Value").fill("data team");
  await editor.getByRole("button", { name: "Save tags" }).click();
  await tags.getByRole("status").getByText(/^Saved\./).waitFor();
  await table.getByRole("cell", { name: "owner", exact: true }).waitFor();
  assert.deepEqual(await bodyRows(table), [["owner", "data team"]]);
  const datasetResources = await openResources(alice);
  assert.ok((await bodyRows(datasetResources)).length >= 1, "the dataset's stack holds resources");

  // 5. A folder's discussion, opened from its row, apart from the dataset's own.
  await alice.getByRole("button", { name: "New folder" }).click();
  const folder = alice.getByRole("form", { name: "New folder" });
  await folder.getByLabel("Folder name").fill("Landing");
  await folder.getByLabel("S3 prefix").fill("landing/zone");
  await folder.getByRole("button", { name: "Create folder" }).click();
  const folders = alice.getByRole("table", { name: "Folders" });
  await folders.getByRole("button", { name: "Discussion of Landing", expanded: false }).click();
  await folders.getByRole("button", { name: "Discussion of Landing", expanded: true }).waitFor();
  const thread = alice.getByRole("region", { name: "Discussion of folder Landing" });
  await thread.getByText("No messages yet").waitFor();
  await thread.getByLabel("Add to the discussion").fill("Who drops files here, and when?");
  await thread.getByRole("button", { name: "Post" }).click();
  await thread.getByRole("list", { name: "Messages" }).getByText("Who drops files here, and when?").waitFor();
  await thread.getByText(/^alice · /).waitFor();
  const own = alice.getByRole("region", { name: "Discussion", exact: true });
  await own.getByText("No messages yet").waitFor(); // the dataset's thread is another one
  await screenshots(alice, "t-folder-discussion");
  await alice.reload();
  // The bucket's line and the tags load after the page and move the folders: wait for them.
  await alice.getByText(/^S3 bucket /).waitFor();
  await table.getByRole("cell", { name: "owner", exact: true }).waitFor();
  await folders.getByRole("button", { name: "Discussion of Landing", expanded: false }).click();
  await thread.getByRole("list", { name: "Messages" }).getByText("Who drops files here, and when?").waitFor();

  // 6. TeamB, invited to the environment, reads its tags and resources; it may not edit tags.
  await alice.goto(envUrl);
  await alice.getByLabel("Team to invite").fill("TeamB");
  await alice.getByRole("button", { name: "Invite", exact: true }).click();
  await alice.getByRole("table", { name: "Environment teams" }).getByRole("cell", { name: "TeamB", exact: true }).waitFor();
  await bob.goto(envUrl);
  const bobTags = bob.getByRole("region", { name: "Tags" });
  await bobTags.getByRole("table", { name: "Tags" }).getByRole("cell", { name: "CostCenter", exact: true }).waitFor();
  await bob.getByRole("table", { name: "Environment teams" }).waitFor(); // its rights have loaded
  assert.equal(await bobTags.getByRole("button", { name: "Edit tags" }).count(), 0, "an invited team cannot edit the tags");
  await openResources(bob);
  await screenshots(bob, "t-environment-invited");
}
