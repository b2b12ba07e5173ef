// Webhooks in a real browser: alice, her organization's admin, adds a webhook pointing at a
// receiver this test runs on 127.0.0.1 (scripts/e2e.sh allows private targets and retries fast),
// sees its signing secret once and copies it, sends a test event and watches it delivered, with
// a signature that verifies with the copied secret. A second webhook whose receiver fails
// dead-letters its test; "Redeliver" gives it a fresh round (the receiver sees the same event
// again), and deleting it asks first. bob, whose team is only invited, sees no webhooks.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { launch, screenshots, signIn, withPictures } from "./browser.mjs";

const RUN = Date.now();
const ORG = `Hooks Org ${RUN}`;
let browser;
let receiver;
/** What the receiver got: { path, signature, body }. */
const received = [];

before(async () => {
  browser = await launch();
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ path: req.url, signature: req.headers["sluice-signature"], body });
      res.writeHead(req.url.startsWith("/ok") ? 204 : 500).end();
    });
  });
  await new Promise((done) => receiver.listen(0, "127.0.0.1", done));
});
after(async () => {
  await browser?.close();
  receiver?.close();
});

test("an organization admin adds, tests, redelivers and deletes webhooks", { timeout: 300_000 }, async () => {
  const alice = await signIn(browser, "alice");
  const bob = await signIn(browser, "bob");
  await alice.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await withPictures("webhooks", { alice, bob }, () => webhookPath(alice, bob));
  await alice.context().close();
  await bob.context().close();
});

const at = (path) => received.filter((r) => r.path === path);

async function until(what, done, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function verifies(secret, header, body) {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2)));
  const expected = createHmac("sha256", secret).update(`${parts.t}.${body}`).digest("hex");
  return expected === parts.v1;
}

async function addWebhook(page, name, url) {
  await page.getByRole("button", { name: "Add webhook" }).click();
  const form = page.getByRole("form", { name: "Add webhook" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("URL").fill(url);
  return form;
}

async function webhookPath(alice, bob) {
  const base = `http://127.0.0.1:${receiver.address().port}`;
  await alice.goto("/organizations");
  await alice.getByRole("button", { name: "Create organization" }).click();
  const create = alice.getByRole("form", { name: "Create organization" });
  await create.getByLabel("Name").fill(ORG);
  await create.getByLabel("Admin team").selectOption("TeamA");
  await create.getByRole("button", { name: "Create" }).click();
  await alice.getByRole("link", { name: ORG }).click();
  await alice.getByLabel("Team to invite").fill("TeamB");
  await alice.getByRole("button", { name: "Invite" }).click();
  await alice.getByRole("table", { name: "Teams" }).getByText("TeamB").waitFor();
  const orgUrl = new URL(alice.url()).pathname;
  await alice.getByText("No webhook yet.").waitFor();

  // 1. A webhook for share failures; the form checks its fields before asking the API.
  let form = await addWebhook(alice, "Ops hook", "");
  await form.getByRole("button", { name: "Add" }).click();
  await form.getByText("Enter the receiver's URL, https://…").waitFor();
  await form.getByLabel("URL").fill(`${base}/ok/ops`);
  await form.getByLabel("share.failed").check();
  await screenshots(alice, "webhook-form");
  await form.getByRole("button", { name: "Add" }).click();
  const secretBox = alice.getByRole("region", { name: "Signing secret" });
  const secret = (await secretBox.getByLabel("Secret").textContent()).trim();
  assert.match(secret, /^whsec_[A-Za-z0-9]{32}$/);
  await secretBox.getByRole("button", { name: "Copy secret" }).click();
  await secretBox.getByRole("button", { name: "Copied" }).waitFor();
  assert.equal(await alice.evaluate(() => navigator.clipboard.readText()), secret, "the copied secret");
  const hooks = alice.getByRole("table", { name: "Webhooks" });
  await hooks.getByRole("row", { name: /Ops hook/ }).getByText("share.failed").waitFor();
  await screenshots(alice, "webhook-secret");
  await secretBox.getByRole("button", { name: "Done" }).click();
  await alice.reload();
  await hooks.getByText("Ops hook").waitFor();
  assert.equal(await alice.getByText(secret).count(), 0, "the secret is never shown again");

  // 2. A test event: delivered, signed with that secret, whatever the event types picked.
  await alice.getByRole("button", { name: "Send a test event to Ops hook" }).click();
  const opsLog = alice.getByRole("table", { name: "Deliveries of Ops hook" });
  await opsLog.getByText("delivered").waitFor();
  await opsLog.getByText("HTTP 204").waitFor();
  assert.equal(at("/ok/ops").length, 1);
  const [{ signature, body }] = at("/ok/ops");
  assert.ok(verifies(secret, signature, body), "the signature verifies with the copied secret");
  const event = JSON.parse(body);
  assert.equal(event.type, "sluice.test");
  await opsLog.getByText(event.id).waitFor();
  await screenshots(alice, "webhook-delivered");

  // 3. A failing receiver: the test is dead-lettered after its attempts; redelivered, it gets a
  //    fresh round of the same event.
  form = await addWebhook(alice, "Broken hook", `${base}/fail/broken`);
  await form.getByRole("button", { name: "Add" }).click();
  await alice.getByRole("region", { name: "Signing secret" }).getByRole("button", { name: "Done" }).click();
  await alice.getByRole("button", { name: "Send a test event to Broken hook" }).click();
  const brokenLog = alice.getByRole("table", { name: "Deliveries of Broken hook" });
  await brokenLog.getByText("dead").waitFor();
  await brokenLog.getByText(/HTTP 500/).waitFor();
  const firstRound = at("/fail/broken").length;
  assert.ok(firstRound >= 2, `retried before giving up: ${firstRound} attempts`);
  await alice.getByLabel("Status").click();
  await alice.getByRole("option", { name: "Dead" }).click();
  await brokenLog.getByText("dead").waitFor();
  await screenshots(alice, "webhook-dead-letter");
  await brokenLog.getByRole("button", { name: /^Redeliver sluice\.test/ }).click();
  await until("a second round of attempts", () => at("/fail/broken").length >= 2 * firstRound);
  const ids = new Set(at("/fail/broken").map((r) => JSON.parse(r.body).id));
  assert.equal(ids.size, 1, "the same event, the same id");
  await brokenLog.getByText("dead").waitFor();

  // 4. Deleting asks first; the webhook and its log go.
  await alice.getByRole("button", { name: "Delete Broken hook" }).click();
  const dialog = alice.getByRole("dialog", { name: "Delete the webhook Broken hook?" });
  await screenshots(alice, "webhook-delete");
  await dialog.getByRole("button", { name: "Delete" }).click();
  await dialog.waitFor({ state: "hidden" });
  await hooks.getByText("Broken hook").waitFor({ state: "detached" });
  await hooks.getByText("Ops hook").waitFor();

  // 5. An invited team's member sees the organization, not its webhooks.
  await bob.goto(orgUrl);
  await bob.getByRole("heading", { name: ORG }).waitFor();
  assert.equal(await bob.getByRole("heading", { name: "Webhooks" }).count(), 0);
}
