// Notifications in a real browser: TeamB (bob) requests a table of TeamA's (alice's) dataset and
// submits; alice's bell shows "1" once she moves to another page, the Notifications page shows
// the request (marked unread, with a relative time), and opening it marks it read and lands on
// the share, where she approves. bob's bell then counts the approval and the "ready" notice; he
// filters to Unread (in the URL), opens the approval from the keyboard, and "Mark all as read"
// says how many it marked and clears the badge. Each user's notifications from earlier tests are
// marked read first, so the counts are this test's own. carol, whose team was told nothing, sees
// what will come there.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { awsOwner, launch, screenshots, signIn, waitForStatus, withPictures } from "./browser.mjs";

const RUN = Date.now();
const ORG = `Notify Org ${RUN}`;
const ACCOUNT_A = "555555555555"; // their own: each account trusts one organization
const ACCOUNT_B = "666666666666";
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("a request and its approval reach each team's bell and Notifications page", { timeout: 600_000 }, async () => {
  const alice = await signIn(browser, "alice");
  const bob = await signIn(browser, "bob");
  await withPictures("notifications", { alice, bob }, () => notificationPath(alice, bob));
  await alice.context().close();
  await bob.context().close();
});

/** The header's bell, whatever it counts. */
const bell = (page) => page.getByRole("banner").getByRole("link", { name: /^Notifications/ });

/** Waits until the bell is named `name` ("Notifications, 2 unread", or "Notifications" at 0). */
async function waitForBell(page, name, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  let last = "";
  while (Date.now() < deadline) {
    last = (await bell(page).getAttribute("aria-label").catch(() => "")) ?? "";
    if (last === name) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the bell says "${last}", not "${name}"`);
}

/** Marks what earlier tests left unread, so the counts below are this test's. */
async function markAllRead(page) {
  await page.goto("/notifications");
  await page.getByRole("button", { name: "Mark all as read" }).click();
  await page.getByRole("status").getByText(/^(Nothing was unread\.|Marked \d+ notifications? as read\.)$/).waitFor();
  await waitForBell(page, "Notifications");
}

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

/** alice's organization (TeamB invited), environment and dataset "Invoices" with a table
 * "invoices"; bob's environment. Returns the table's path. */
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
  await linkEnvironment(alice, "Notify A lake", ACCOUNT_A, "TeamA");

  await alice.goto("/datasets/new");
  await alice.getByLabel("Environment").selectOption({ label: `Notify A lake (${ACCOUNT_A} / eu-west-1)` });
  await alice.getByLabel("Name").fill("Invoices");
  await alice.getByLabel("Admin team").selectOption("TeamA");
  await alice.getByRole("button", { name: "Create" }).click();
  await alice.waitForURL(/\/datasets\/[a-z0-9]+$/);
  await waitForStatus(alice.getByLabel("Dataset stack"), /COMPLETE/);
  const bucket = (await alice.locator("code").nth(0).textContent()).trim();
  const glueDb = (await alice.locator("code").nth(1).textContent()).trim();
  awsOwner("glue-tables", ACCOUNT_A, glueDb, bucket, "invoices");
  await alice.getByRole("button", { name: "Sync tables" }).click();
  await waitForStatus(alice.getByLabel("Table sync"), /^succeeded$/);
  const tableUrl = await alice.getByRole("table", { name: "Tables" }).getByRole("link", { name: "invoices" }).getAttribute("href");

  await linkEnvironment(bob, "Notify B lake", ACCOUNT_B, "TeamB");
  return tableUrl;
}

async function notificationPath(alice, bob) {
  await markAllRead(alice);
  await markAllRead(bob);
  const tableUrl = await setUp(alice, bob);

  // 1. TeamB requests the table and submits the request.
  await bob.goto(tableUrl);
  await bob.getByRole("button", { name: "Request access" }).click();
  await bob.getByLabel("Into environment").selectOption({ label: `Notify B lake (${ACCOUNT_B} / eu-west-1, TeamB)` });
  await bob.getByLabel("Purpose").fill("quarterly close");
  await bob.getByRole("button", { name: "Create request" }).click();
  await bob.waitForURL(/\/shares\/[a-z0-9]+$/);
  const shareUrl = new URL(bob.url()).pathname;
  await bob.getByRole("button", { name: "Submit" }).click();
  await waitForStatus(bob.getByLabel("Share status"), /^Submitted$/);

  // 2. alice's bell counts it once she moves to another page, and leads to her notifications.
  await alice.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Shares" }).click();
  await waitForBell(alice, "Notifications, 1 unread");
  assert.equal(await bell(alice).getByText("1", { exact: true }).count(), 1, "the badge shows 1");
  await bell(alice).click();
  await alice.waitForURL((u) => u.pathname === "/notifications");
  const list = (page) => page.getByRole("list", { name: "Notifications" });
  const request = list(alice).getByRole("link", { name: /^Unread: bob of team TeamB asks for access to dataset Invoices: approve or reject/ });
  await request.waitFor();
  await request.getByText("To TeamA").waitFor();
  const time = request.locator("time");
  assert.match(await time.textContent(), /^(just now|\d+ minutes? ago)$/, "when, in words");
  assert.match(await time.getAttribute("title"), /20\d\d/, "the full date on hover");
  await screenshots(alice, "n-alice-request");

  // 3. Opening it marks it read and lands on the share, whose request alice approves.
  await request.click();
  await alice.waitForURL((u) => u.pathname === shareUrl);
  await waitForBell(alice, "Notifications");
  assert.equal(await bell(alice).getByText("1", { exact: true }).count(), 0, "no badge at 0");
  await alice.getByRole("button", { name: "Approve" }).click();
  await waitForStatus(alice.getByLabel("Share status"), /^Processed$/, 120_000);
  await alice.goto("/notifications");
  await list(alice).getByRole("link", { name: /^bob of team TeamB asks for access to dataset Invoices/ }).waitFor(); // read now

  // 4. bob's bell counts the approval and the share being ready; Unread shows just those.
  await bob.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Datasets" }).click();
  await waitForBell(bob, "Notifications, 2 unread");
  await bell(bob).click();
  await bob.getByRole("button", { name: "Unread", exact: true }).click();
  await bob.waitForURL((u) => u.pathname === "/notifications" && u.searchParams.get("show") === "unread");
  await bob.getByText("2 unread", { exact: true }).waitFor(); // the All list is gone
  const rows = list(bob).getByRole("link");
  assert.equal(await rows.count(), 2);
  // Newest first: the share was ready after it was approved.
  assert.match(await rows.nth(0).innerText(), /team TeamB's access to dataset Invoices is ready/);
  const approval = rows.nth(1);
  assert.match(await approval.innerText(), /alice approved the request: team TeamB's access to dataset Invoices is being granted/);
  await approval.getByText("To TeamB").waitFor();
  await screenshots(bob, "n-bob-unread");

  // 5. From the keyboard: the approval opens the share and is read; back, Unread holds one.
  await approval.focus();
  await bob.keyboard.press("Enter");
  await bob.waitForURL((u) => u.pathname === shareUrl);
  await waitForBell(bob, "Notifications, 1 unread");
  await bob.goBack();
  await bob.waitForURL((u) => u.searchParams.get("show") === "unread");
  await bob.getByText("1 unread", { exact: true }).waitFor();
  await list(bob).getByRole("link", { name: /alice approved the request: team TeamB's access to dataset Invoices/ }).waitFor({ state: "detached" });
  assert.equal(await rows.count(), 1);

  // 6. "Mark all as read" says how many, and the badge goes.
  await bob.getByRole("button", { name: "Mark all as read" }).click();
  await bob.getByRole("status").getByText("Marked 1 notification as read.").waitFor();
  await waitForBell(bob, "Notifications");
  await bob.getByText("Nothing unread.").waitFor();
  await screenshots(bob, "n-bob-all-read");
  await bob.getByRole("button", { name: "All", exact: true }).click();
  await bob.waitForURL((u) => u.pathname === "/notifications" && !u.searchParams.has("show"));
  await list(bob).getByRole("link", { name: /^alice approved the request: team TeamB's access to dataset Invoices/ }).waitFor();
  assert.equal(await list(bob).getByRole("link", { name: /^Unread:/ }).count(), 0, "nothing is marked unread");
  await screenshots(bob, "n-bob-all");
}

test("a user whose teams were told nothing is told what will come", async () => {
  // carol's TeamC requests nothing and owns no dataset in these tests.
  const carol = await signIn(browser, "carol");
  await waitForBell(carol, "Notifications");
  await bell(carol).click();
  await carol.getByText("Nothing yet: you'll be told here when a request needs you or your team's request is decided.").waitFor();
  await screenshots(carol, "n-carol-empty");
  await carol.context().close();
});
