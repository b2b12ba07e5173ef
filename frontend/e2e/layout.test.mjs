// The frame on a phone: at 390×844 the header is one row with a menu button, which opens the
// navigation and the user's part, says whether it is open (aria-expanded), takes focus to its
// first link, closes on Escape (focus back on the button) and when a link is followed. On a
// desktop the navigation shows as it is, with no menu button.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  BASE, DESKTOP, PHONE, assertAccessible, assertFits, assertFocused, launch, screenshot, screenshots, signIn, withPictures,
} from "./browser.mjs";

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
    assert.equal(await focused(page), "My data", "focus moves into the menu, on its first link");
    await page.getByTestId("current-user").getByText("alice", { exact: true }).waitFor();
    await assertFits(page, "the open menu");
    await assertAccessible(page, "the open menu");
    await screenshot(page, "layout-menu-open-phone");

    // Escape closes it, and focus goes back to the button.
    await page.keyboard.press("Escape");
    await nav.waitFor({ state: "hidden" });
    assert.equal(await menu.getAttribute("aria-expanded"), "false");
    assert.equal(await focused(page), "Menu");

    // From the keyboard: Enter opens it, Tab walks its links, Enter follows one, which closes it.
    await page.keyboard.press("Enter");
    await nav.waitFor();
    for (let i = 0; i < 3; i++) await page.keyboard.press("Tab"); // past My data, Organizations, Environments
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
  await screenshots(page, "sign-in");
  await context.close();
});

/** How the element with focus shows it: its outline (or, for a checkbox or switch, whose input
 * is invisible, its button's), or a text field's focused border; "none" when nothing shows. */
const ring = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "none";
    const field = el.closest(".MuiInputBase-root");
    if (field) return field.classList.contains("Mui-focused") ? "the field's border" : "none";
    const s = getComputedStyle(el.closest(".Mui-focusVisible") ?? el);
    return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2 ? `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}` : "none";
  });

test("from the keyboard: a skip link, a focus ring on every stop, and focus on what is wrong", { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ baseURL: BASE, viewport: DESKTOP });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await withPictures("keyboard", { page }, async () => {
    // Sign-in: an empty field takes focus, then the server's "wrong password" does.
    await page.goto("/organizations");
    const username = page.getByLabel("Username");
    const password = page.getByLabel("Password");
    await assertFocused(username, "the username field, on arrival");
    await page.keyboard.press("Enter");
    await assertFocused(username, "the empty username field");
    assert.equal(await username.getAttribute("aria-invalid"), "true");
    await username.fill("alice");
    await page.keyboard.press("Enter");
    await assertFocused(password, "the empty password field");
    await password.fill("not-the-password");
    await page.keyboard.press("Enter");
    const wrong = page.getByRole("alert").filter({ hasText: "Wrong username or password." });
    await wrong.waitFor();
    await assertFocused(wrong, "the sign-in error");
    assert.notEqual(await ring(page), "none", "the focused error shows it has focus");
    await screenshots(page, "keyboard-wrong-password");
    await password.fill("Passw0rd!");
    await page.keyboard.press("Enter");
    await page.getByTestId("current-user").getByText("alice", { exact: true }).waitFor();

    // The first Tab stop is "Skip to content", shown when it has focus; it leads to the page.
    await page.goto("/organizations");
    await page.getByRole("button", { name: "Create organization" }).waitFor();
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await assertFocused(skip, "the skip link");
    const box = await skip.boundingBox();
    assert.ok(box && box.y >= 0 && box.x >= 0, `the skip link is on screen when focused: ${JSON.stringify(box)}`);
    assert.notEqual(await ring(page), "none");
    await screenshot(page, "keyboard-skip-link");
    await page.keyboard.press("Enter");
    await assertFocused(page.getByRole("main"), "the page's main part");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => !!document.activeElement?.closest("main")), true, "the next stop is on the page, past the header");

    // Every stop from the top of the page shows a ring: header links on the dark bar, buttons, a switch.
    await page.goto("/organizations");
    await page.getByRole("button", { name: "Create organization" }).waitFor();
    const stops = [];
    for (;;) {
      await page.keyboard.press("Tab");
      const name = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null; // past the last stop
        return (el.getAttribute("aria-label") ?? el.closest("label")?.textContent ?? el.textContent ?? "").trim().slice(0, 40) || el.tagName;
      });
      if (name === null || stops.length > 40) break;
      const shown = await ring(page);
      stops.push(`${name}: ${shown}`);
      assert.notEqual(shown, "none", `no focus ring on "${name}" (stops so far: ${stops.join("; ")})`);
    }
    for (const stop of ["Sluice", "Datasets", "Sign out", "Show archived", "Create organization"]) {
      assert.ok(stops.some((s) => s.startsWith(`${stop}:`)), `the walk passed ${stop}: ${stops.join("; ")}`);
    }

    // A form refused by its own checks: focus on the field that says why.
    await page.getByRole("button", { name: "Create organization" }).focus();
    await page.keyboard.press("Enter");
    const form = page.getByRole("form", { name: "Create organization" });
    await form.getByRole("button", { name: "Create" }).focus();
    await page.keyboard.press("Enter");
    await form.getByText("Give the organization a name.").waitFor();
    await assertFocused(form.getByLabel("Name"), "the organization's empty name");
    await screenshots(page, "keyboard-form-error");
  });
  await context.close();
});
