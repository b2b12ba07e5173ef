// The frame on a phone: at 390×844 the header is one row with a menu button, which opens the
// navigation and the user's part, says whether it is open (aria-expanded), takes focus to its
// first link, closes on Escape (focus back on the button) and when a link is followed. On a
// desktop the navigation shows as it is, with no menu button.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, DESKTOP, PHONE, assertFits, launch, screenshot, signIn, withPictures } from "./browser.mjs";

let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** What has focus, as a person would name it. */
const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el ? el.getAttribute("aria-label") ?? el.textContent?.trim() ?? el.tagName : "";
  });

test("on a phone the header folds into a menu that the keyboard can work", { timeout: 60_000 }, async () => {
  const page = await signIn(browser, "alice");
  await withPictures("layout", { alice: page }, async () => {
    const banner = page.getByRole("banner");
    const nav = page.getByRole("navigation", { name: "Main" });
    const menu = banner.getByRole("button", { name: "Menu" });
    assert.ok(await nav.isVisible(), "a desktop shows the navigation");
    assert.ok(await menu.isHidden(), "and no menu button");

    await page.setViewportSize(PHONE);
    await menu.waitFor();
    assert.ok(await nav.isHidden(), "a phone folds the navigation away");
    assert.ok(await page.getByRole("button", { name: "Sign out" }).isHidden(), "and the user's part");
    assert.equal(await menu.getAttribute("aria-expanded"), "false");
    const bar = await banner.boundingBox();
    assert.ok(bar.height <= 64, `the header is one row (${bar.height}px)`);
    await assertFits(page, "the organizations page");

    // Open: the links show, and focus is on the first.
    await menu.click();
    assert.equal(await menu.getAttribute("aria-expanded"), "true");
    await nav.getByRole("link", { name: "Catalog" }).waitFor();
    assert.equal(await focused(page), "Organizations", "focus moves into the menu");
    await page.getByTestId("current-user").getByText("alice", { exact: true }).waitFor();
    await assertFits(page, "the open menu");
    await screenshot(page, "layout-menu-open-phone");

    // Escape closes it, and focus goes back to the button.
    await page.keyboard.press("Escape");
    await nav.waitFor({ state: "hidden" });
    assert.equal(await menu.getAttribute("aria-expanded"), "false");
    assert.equal(await focused(page), "Menu");

    // From the keyboard: Enter opens it, Tab walks its links, Enter follows one, which closes it.
    await page.keyboard.press("Enter");
    await nav.waitFor();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    assert.equal(await focused(page), "Datasets");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/datasets$/);
    await nav.waitFor({ state: "hidden" });
    assert.equal(await menu.getAttribute("aria-expanded"), "false");
    assert.equal(await focused(page), "Menu", "focus is not lost with the hidden link");
    await page.getByRole("heading", { name: "Datasets" }).waitFor();
    await assertFits(page, "the datasets page");

    // Back on a desktop, the navigation shows whatever the menu's state was.
    await menu.click();
    await page.setViewportSize(DESKTOP);
    await menu.waitFor({ state: "hidden" });
    assert.ok(await nav.isVisible());
    await page.setViewportSize(PHONE);
    await page.keyboard.press("Escape");
    await nav.waitFor({ state: "hidden" });
  });
  await page.context().close();
});

test("the sign-in page fits a phone", async () => {
  const context = await browser.newContext({ viewport: PHONE, baseURL: BASE });
  const page = await context.newPage();
  await page.goto("/");
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  await assertFits(page, "the sign-in page");
  await screenshot(page, "layout-sign-in-phone");
  await context.close();
});
