import { expect, test } from "@playwright/test";
import { BASE_URL } from "../playwright.config";
import { loadsIslands, waitForHydration, watchForErrors } from "./support";

test.describe("the portal under the base path /aqxc/", () => {
  test("pages, assets and hydration all work under the prefix", async ({ page }) => {
    const errors = watchForErrors(page);
    const failed: string[] = [];
    page.on("response", (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${BASE_URL}/`);
    await waitForHydration(page);
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "安全宣传" }).click();
    await expect(page).toHaveURL(`${BASE_URL}/articles`);
    await expect(page.getByRole("heading", { level: 1, name: "安全宣传" })).toBeVisible();
    const css = await page.evaluate(() => getComputedStyle(document.querySelector(".site-header")!).backgroundColor);
    expect(css).not.toBe("rgba(0, 0, 0, 0)");
    // An interactive page loads and hydrates the WASM islands under the prefix.
    await page.goto(`${BASE_URL}/contest/practice`);
    expect(await loadsIslands(page)).toBe(true);
    await waitForHydration(page);
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
  });

  test("the elderly-mode server function is reached under the prefix", async ({ page }) => {
    await page.goto(`${BASE_URL}/contest/practice`);
    await waitForHydration(page);
    const saved = page.waitForResponse((r) => r.url() === `${BASE_URL}/api/elder_mode` && r.ok());
    await page.getByRole("button", { name: /关怀模式/ }).click();
    await saved;
    await page.reload();
    await expect(page.locator("html")).toHaveClass(/elder/);
  });

  test("an unknown path under the prefix shows the 404 page", async ({ page }) => {
    const response = await page.goto(`${BASE_URL}/nothing-here`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "页面不存在" })).toBeVisible();
  });
});
