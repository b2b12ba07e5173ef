// Shared by the browser tests: Debian's Chromium through playwright-core, sign-in, screenshots,
// and the checks every page gets at desktop and phone size (width, axe-core).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";

/** axe-core from npm, run inside the page (evaluated over the DevTools protocol, which a page's
 * Content-Security-Policy does not apply to). */
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export const BASE = process.env.SLUICE_URL ?? "http://127.0.0.1:8080";
export const RESULTS = new URL("../test-results/", import.meta.url).pathname;
export const PASSWORD = "Passw0rd!";

/** playwright-core gives each launch a fresh profile (its own --user-data-dir). Each context it
 * makes records the Content-Security-Policy violations of its pages, which `screenshots` checks. */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.SLUICE_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await context.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`));
    });
    return context;
  };
  return browser;
}

/** Nothing on the page broke its Content-Security-Policy (a script, style or call it refused). */
export async function assertNoCspViolation(page, what) {
  const seen = await page.evaluate(() => window.__cspViolations ?? []);
  assert.deepEqual(seen, [], `${what} broke its Content-Security-Policy`);
}

/** A fresh browser context (a browser profile of its own: its own localStorage, so its own
 * session) signed in as `user` through the form. */
export async function signIn(browser, user) {
  const context = await browser.newContext({ baseURL: BASE, acceptDownloads: true, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto("/");
  await signInHere(page, user);
  return page;
}

/** Fills the sign-in form `page` shows, and waits until the header names `user`. */
export async function signInHere(page, user) {
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("current-user").getByText(user, { exact: true }).waitFor();
}

let shot = 0;
export async function screenshot(page, name) {
  shot += 1;
  // Transitions are finished first, so a picture shows the settled page, not a fade.
  await page.screenshot({ path: join(RESULTS, `${String(shot).padStart(2, "0")}-${name}.png`), fullPage: true, animations: "disabled" });
}

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1400, height: 900 };

/** Nothing sticks out sideways: the page never scrolls horizontally (tables scroll inside). */
export async function assertFits(page, what) {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `${what} is ${scroll}px wide in a ${width}px window`);
}

/** axe-core finds no serious or critical violation of WCAG 2.2 A/AA (and axe's best practices)
 * on the page as it is; each violation is named with the elements it was found on. A page that
 * re-renders while axe walks it (a poll's answer) can show a violation of nodes already gone, so
 * what one run finds must show again in a second run to fail the test. */
export async function assertAccessible(page, what) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const run = () =>
    page.evaluate(async () => {
      const { violations } = await window.axe.run(document, { resultTypes: ["violations"] });
      return violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.impact} ${v.id} (${v.help}):\n${v.nodes.slice(0, 4).map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1).join(" ").trim()}`).join("\n")}`);
    });
  let found = await run();
  if (found.length) {
    await page.waitForTimeout(300);
    found = await run();
  }
  assert.deepEqual(found, [], `axe-core on ${what} at ${page.viewportSize()?.width}px:\n  ${found.join("\n  ")}`);
}

/** Desktop and phone pictures of the page as it is; at both sizes, the page must fit the window,
 * pass axe-core and have broken nothing of its CSP. */
export async function screenshots(page, name) {
  await page.mouse.move(0, 0);
  const size = page.viewportSize();
  for (const [viewport, suffix] of [[DESKTOP, ""], [PHONE, "-phone"]]) {
    await page.setViewportSize(viewport);
    // The page re-renders for the new width (MUI's media queries answer a frame later).
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await assertFits(page, name);
    await assertAccessible(page, name);
    await assertNoCspViolation(page, name);
    await screenshot(page, `${name}${suffix}`);
  }
  await page.setViewportSize(size ?? DESKTOP);
}

/** Fails unless `locator` is what has focus. */
export async function assertFocused(locator, what) {
  const has = await locator.evaluate((el) => el === document.activeElement).catch(() => false);
  const where = await locator.page().evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName.toLowerCase()} "${(el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 60)}"` : "nothing";
  });
  assert.ok(has, `${what} should have focus; ${where} has it`);
}

/** On a failure, a picture of each user's page as it was, beside the other screenshots. */
export async function withPictures(prefix, pages, body) {
  try {
    await body();
  } catch (e) {
    for (const [name, page] of Object.entries(pages)) {
      await page.screenshot({ path: join(RESULTS, `failure-${prefix}-${name}.png`), fullPage: true }).catch(() => undefined);
    }
    throw e;
  }
}

/** Runs frontend/e2e/aws_owner.py: what an account owner does in AWS (moto), outside Sluice. */
export function awsOwner(...args) {
  const python = process.env.SLUICE_PYTHON ?? "python3";
  execFileSync(python, [new URL("./aws_owner.py", import.meta.url).pathname, ...args], { stdio: "inherit" });
}

/** Waits until the status chip inside `scope` reads one of `wanted`; fails early on a failure. */
export async function waitForStatus(scope, wanted, timeout = 90_000) {
  const deadline = Date.now() + timeout;
  let last = "";
  while (Date.now() < deadline) {
    last = (await scope.getByTestId("status").first().textContent().catch(() => "")) ?? "";
    if (wanted.test(last)) return last;
    if (/FAILED|failed|ROLLBACK/.test(last)) throw new Error(`status went to ${last}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const page = scope.page();
  await page.screenshot({ path: join(RESULTS, "failure.png"), fullPage: true }).catch(() => undefined);
  const text = await page.locator("main").innerText().catch(() => "");
  throw new Error(`status is still ${last || "(none)"} after ${timeout} ms; the page says:\n${text}`);
}

/** The text a field announces as its description (MUI's helper text, tied by aria-describedby). */
export async function description(field) {
  return field.evaluate((el) =>
    (el.getAttribute("aria-describedby") ?? "")
      .split(/\s+/)
      .map((id) => (id && document.getElementById(id)?.textContent) || "")
      .join(" ")
      .trim(),
  );
}

/** Waits until `field` is marked invalid and describes itself with text matching `pattern`. */
export async function waitForFieldError(field, pattern, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  let last = "";
  while (Date.now() < deadline) {
    last = await description(field).catch(() => "");
    if (pattern.test(last) && (await field.getAttribute("aria-invalid")) === "true") return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the field never showed ${pattern}; it says: ${last || "(nothing)"}`);
}

/** Waits until `field` is no longer marked invalid (e.g. once the user edits it). */
export async function waitForFieldOk(field, timeout = 5_000) {
  const deadline = Date.now() + timeout;
  while ((await field.getAttribute("aria-invalid")) === "true") {
    if (Date.now() > deadline) throw new Error(`the field still says: ${await description(field)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
