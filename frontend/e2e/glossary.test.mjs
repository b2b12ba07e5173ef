// Glossaries in a real browser: TeamA (alice) writes a glossary "Business terms" with a category
// "Customers" and a term "Customer churn"; TeamB (bob), who owns a dataset but not the glossary,
// links the term to a table, one of its columns and the dataset, where the links wait as
// pending; alice approves the table's link and dismisses the column's on the glossary's page;
// bob then finds the table (and not the dataset, whose link is still pending) in the catalog
// by the term's words and through the Terms facet.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { awsOwner, launch, screenshots, signIn, waitForFieldError, waitForStatus, withPictures } from "./browser.mjs";

const RUN = Date.now();
const ORG = `Glossary Org ${RUN}`;
const ACCOUNT = "333333333333"; // not main_path's: each account trusts one organization
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** bob's own organization, environment and dataset with a table "accounts" (columns id, amount). */
async function bobsTable(bob) {
  await bob.goto("/organizations");
  await bob.getByRole("button", { name: "Create organization" }).click();
  const form = bob.getByRole("form", { name: "Create organization" });
  await form.getByLabel("Name").fill(ORG);
  await form.getByLabel("Admin team").selectOption("TeamB");
  await form.getByRole("button", { name: "Create" }).click();
  await bob.getByRole("link", { name: ORG }).waitFor();

  await bob.goto("/environments/new");
  await bob.getByLabel("Organization").selectOption({ label: ORG });
  await bob.getByLabel("ExternalId").waitFor();
  await bob.getByRole("button", { name: "Get the pivot-role template" }).click();
  const [download] = await Promise.all([bob.waitForEvent("download"), bob.getByRole("link", { name: /Save sluice-pivot-role.json/ }).click()]);
  assert.ok(JSON.parse(readFileSync(await download.path(), "utf8")).Resources);
  awsOwner("pivot-role", ACCOUNT, await download.path());
  await bob.getByLabel("Name", { exact: true }).fill("Team B glossary lake");
  await bob.getByLabel("Team", { exact: true }).selectOption("TeamB");
  await bob.getByLabel("AWS account id").fill(ACCOUNT);
  await bob.getByLabel("Region").selectOption("eu-west-1");
  await bob.getByRole("button", { name: "Link", exact: true }).click();
  await bob.waitForURL(/\/environments\/[a-z0-9]+$/);
  await waitForStatus(bob.getByLabel("Stack status"), /COMPLETE/);

  await bob.goto("/datasets/new");
  await bob.getByLabel("Environment").selectOption({ label: `Team B glossary lake (${ACCOUNT} / eu-west-1)` });
  await bob.getByLabel("Name").fill("CRM");
  await bob.getByLabel("Admin team").selectOption("TeamB");
  await bob.getByRole("button", { name: "Create" }).click();
  await bob.waitForURL(/\/datasets\/[a-z0-9]+$/);
  await waitForStatus(bob.getByLabel("Dataset stack"), /COMPLETE/);
  const bucket = (await bob.locator("code").nth(0).textContent()).trim();
  const glueDb = (await bob.locator("code").nth(1).textContent()).trim();
  awsOwner("glue-tables", ACCOUNT, glueDb, bucket, "accounts");
  await bob.getByRole("button", { name: "Sync tables" }).click();
  await waitForStatus(bob.getByLabel("Table sync"), /^succeeded$/);
  return bob.getByRole("table", { name: "Tables" }).getByRole("link", { name: "accounts" }).getAttribute("href");
}

test("a glossary's term is linked, approved, and finds the table in the catalog", { timeout: 600_000 }, async () => {
  const bob = await signIn(browser, "bob");
  const alice = await signIn(browser, "alice");
  await withPictures("glossary", { alice, bob }, () => glossaryPath(alice, bob));
  await alice.context().close();
  await bob.context().close();
});

async function glossaryPath(alice, bob) {
  const tableUrl = await bobsTable(bob);

  // 1. TeamA writes the glossary: the form checks the name first.
  await alice.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Glossaries" }).click();
  await alice.getByRole("button", { name: "Create glossary" }).click();
  const create = alice.getByRole("form", { name: "Create glossary" });
  await create.getByRole("button", { name: "Create" }).click();
  await waitForFieldError(create.getByLabel("Name"), /Give the glossary a name/);
  await create.getByLabel("Name").fill("Business terms");
  await create.getByLabel("Description").fill("What the business means by the words in its data.");
  await create.getByLabel("Owner team").selectOption("TeamA");
  await create.getByRole("button", { name: "Create" }).click();
  await alice.waitForURL(/\/glossaries\/[a-z0-9]+$/);
  const glossaryUrl = new URL(alice.url()).pathname;
  await alice.getByRole("status").getByText("Glossary “Business terms” created.").waitFor();
  await alice.getByRole("heading", { name: "Business terms" }).waitFor();

  await alice.getByRole("button", { name: "Add category" }).click();
  const newCategory = alice.getByRole("dialog", { name: "New category in Business terms" });
  await newCategory.getByLabel("Name").fill("Customers");
  await newCategory.getByRole("button", { name: "Add" }).click();
  await newCategory.waitFor({ state: "detached" });
  await alice.getByRole("status").getByText("Added category “Customers” to Business terms.").waitFor();
  const tree = alice.getByRole("list", { name: "Glossary tree" });
  await tree.getByRole("button", { name: "Customers", exact: true }).waitFor();

  await alice.getByRole("button", { name: "Actions for Customers" }).click();
  await alice.getByRole("menuitem", { name: "Add term" }).click();
  const newTerm = alice.getByRole("dialog", { name: "New term in Customers" });
  await newTerm.getByLabel("Name").fill("Customer churn");
  await newTerm.getByLabel("Description").fill("Customers who stopped buying in the last 90 days.");
  await newTerm.getByRole("button", { name: "Add" }).click();
  await newTerm.waitFor({ state: "detached" });
  await tree.getByRole("button", { name: "Customer churn", exact: true }).waitFor();
  await alice.getByRole("button", { name: "Collapse Customers" }).waitFor(); // the term hangs under the category

  // A category with a term under it is not deleted outright: the server says what holds it, and
  // deleting everything is a second, confirmed step (cancelled here).
  await alice.getByRole("button", { name: "Actions for Customers" }).click();
  await alice.getByRole("menuitem", { name: "Delete" }).click();
  const del = alice.getByRole("dialog", { name: "Delete Customers?" });
  await del.getByRole("button", { name: "Delete", exact: true }).click();
  await del.getByRole("button", { name: "Delete with everything under it" }).click();
  const cascade = alice.getByRole("dialog", { name: "Delete Customers and everything under it?" });
  await cascade.getByRole("button", { name: "Yes, delete everything" }).waitFor();
  assert.equal(await cascade.getByRole("alert").count(), 1, "the server's reason shows once");
  await screenshots(alice, "g-delete-refused");
  await cascade.getByRole("button", { name: "Cancel" }).click();
  await tree.getByRole("button", { name: "Customer churn", exact: true }).waitFor();
  await screenshots(alice, "g-glossary-tree");

  // 2. TeamB links the term to its table and to a column: not the glossary's team, so pending.
  await bob.goto(tableUrl);
  await bob.getByRole("button", { name: "Edit terms", exact: true }).click();
  const picker = bob.getByRole("dialog", { name: "Terms of accounts" });
  await picker.getByRole("combobox", { name: "Terms" }).fill("churn");
  await bob.getByRole("option", { name: /Customer churn/ }).click();
  await screenshots(bob, "g-term-picker");
  await picker.getByRole("button", { name: "Save terms" }).click();
  await picker.waitFor({ state: "detached" });
  await bob.getByRole("list", { name: "Terms of accounts" }).getByText("Customer churn · pending approval").waitFor();
  await bob.getByRole("status").getByText("Saved").first().waitFor();

  await bob.getByRole("button", { name: "Edit terms of id" }).click();
  const columnPicker = bob.getByRole("dialog", { name: "Terms of id" });
  await columnPicker.getByRole("combobox", { name: "Terms" }).fill("customer");
  await bob.getByRole("option", { name: /Customer churn/ }).click();
  await columnPicker.getByRole("button", { name: "Save terms" }).click();
  await columnPicker.waitFor({ state: "detached" });
  await bob.getByRole("list", { name: "Terms of id" }).getByText("Customer churn · pending approval").waitFor();
  await screenshots(bob, "g-table-terms-pending");

  // And to the dataset, from its page; this link stays pending to the end.
  await bob.getByRole("link", { name: "CRM" }).click();
  await bob.waitForURL(/\/datasets\/[a-z0-9]+$/);
  await bob.getByRole("group", { name: "Terms" }).getByText("No terms").waitFor();
  await bob.getByRole("button", { name: "Edit terms", exact: true }).click();
  const datasetPicker = bob.getByRole("dialog", { name: "Terms of CRM" });
  await datasetPicker.getByRole("combobox", { name: "Terms" }).fill("Customer churn");
  await bob.getByRole("option", { name: /Customer churn/ }).click();
  await datasetPicker.getByRole("button", { name: "Save terms" }).click();
  await bob.getByRole("list", { name: "Terms of CRM" }).getByText("Customer churn · pending approval").waitFor();
  await screenshots(bob, "g-dataset-terms-pending");

  // 3. TeamA approves the table's link and dismisses the column's, after confirming.
  await alice.goto(glossaryUrl);
  const links = alice.getByRole("region", { name: "Linked to" }).getByRole("list", { name: "Links" });
  const tableLink = links.getByRole("listitem").filter({ hasText: "(table)" });
  await tableLink.getByText("pending approval").waitFor();
  await links.getByRole("listitem").filter({ hasText: "(dataset)" }).getByText("pending approval").waitFor();
  await screenshots(alice, "g-links-pending");
  await tableLink.getByRole("button", { name: /^Approve / }).click();
  await alice.getByRole("status").getByText(/^Approved the link from “Customer churn” to accounts/).waitFor();
  await tableLink.getByText("approved", { exact: true }).waitFor();
  const columnLink = links.getByRole("listitem").filter({ hasText: "(column)" });
  await columnLink.getByRole("button", { name: /^Dismiss / }).click();
  await alice.getByRole("dialog", { name: /^Dismiss the link Customer churn → / }).getByRole("button", { name: "Dismiss" }).click();
  await alice.getByRole("status").getByText(/^Dismissed the link from “Customer churn”/).waitFor();
  await columnLink.waitFor({ state: "detached" });
  await tree.getByRole("button", { name: "Customer churn", exact: true }).click(); // the term's own links
  await alice.getByText("The term “Customer churn”").waitFor();
  await screenshots(alice, "g-links-approved");

  // bob's table: its term is approved; the column's link is gone.
  await bob.goto(tableUrl);
  const tableTerms = bob.getByRole("list", { name: "Terms of accounts" });
  await tableTerms.getByText("Customer churn", { exact: true }).waitFor();
  assert.equal(await tableTerms.getByText(/pending approval/).count(), 0);
  await bob.getByRole("table", { name: "Columns" }).getByRole("row").filter({ hasText: "id" }).getByText("No terms").waitFor();
  // alice's team owns the glossary, not the dataset: no "Edit terms" for her on bob's table.
  await alice.goto(tableUrl);
  await alice.getByRole("list", { name: "Terms of accounts" }).getByText("Customer churn", { exact: true }).waitFor();
  assert.equal(await alice.getByRole("button", { name: "Edit terms", exact: true }).count(), 0);

  // 4. The catalog finds the table by the term's words (once reindexed), and by the Terms facet.
  const hits = bob.getByRole("list", { name: "Search results" });
  const hit = hits.getByRole("listitem").filter({ has: bob.getByRole("link", { name: "accounts", exact: true }) });
  const deadline = Date.now() + 60_000;
  for (;;) {
    await bob.goto("/catalog");
    await bob.getByLabel("Search the catalog").fill("customer churn");
    await bob.getByRole("button", { name: "Search", exact: true }).click();
    await bob.waitForURL(/\/catalog\?q=customer/);
    if (await hit.first().waitFor({ timeout: 2_000 }).then(() => true, () => false)) break;
    assert.ok(Date.now() < deadline, "the table never turned up for its term in the catalog");
  }
  await hit.getByLabel(/^\d+ upvotes?$/).waitFor();
  const termFacet = bob.getByRole("group", { name: "Terms" });
  await termFacet.getByRole("checkbox", { name: /^Customer churn \(\d+\)$/ }).click();
  await bob.waitForURL(/terms=Customer(\+|%20)churn/);
  await termFacet.getByRole("checkbox", { name: /^Customer churn \(\d+\)$/, checked: true }).waitFor();
  await hit.waitFor();
  // The dataset's link still waits for approval: it does not count for the term.
  assert.equal(await hits.getByRole("link", { name: "CRM", exact: true }).count(), 0, "a pending link finds nothing");
  await bob.getByLabel("Sort by").selectOption("votes");
  await bob.waitForURL(/sort=votes/);
  await hit.waitFor();
  await screenshots(bob, "g-catalog-terms-facet");

  // The term alone, with no words, finds it too.
  await bob.goto(`/catalog?terms=${encodeURIComponent("Customer churn")}`);
  await hit.waitFor();
}
