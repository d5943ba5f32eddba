import { expect, test } from "@playwright/test";
import { waitForHydration, watchForErrors } from "./support";

test.describe("the site's shell", () => {
  test("the home page is rendered on the server, readable without JavaScript", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
    await expect(page.getByRole("banner")).toContainText("开平市应急管理局");
    await expect(page.getByRole("heading", { name: "最新文章" })).toBeVisible();
    // The demo articles are imported from content/ at start-up.
    await expect(page.locator(".latest a").first()).toBeVisible();
    await expect(page.getByRole("heading", { name: "最新抽查结果" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "知识竞赛" })).toBeVisible();
    await context.close();
  });

  test("the home page loads without a console or page error", async ({ page }) => {
    const errors = watchForErrors(page);
    await page.goto("/");
    await waitForHydration(page);
    expect(errors).toEqual([]);
  });

  test("the navigation leads to each section and marks the current one", async ({ page }) => {
    await page.goto("/");
    const nav = page.getByRole("navigation", { name: "主导航" });
    for (const [label, path] of [
      ["双随机抽查", "/inspections"],
      ["安全宣传", "/articles"],
      ["知识竞赛", "/contest"],
      ["首页", "/"],
    ]) {
      await nav.getByRole("link", { name: label, exact: true }).click();
      await expect(page).toHaveURL(path);
      await expect(nav.getByRole("link", { name: label, exact: true })).toHaveAttribute(
        "aria-current",
        "page",
      );
    }
  });

  test("the skip link is the first stop of the keyboard and leads to the main content", async ({ page }) => {
    await page.goto("/articles");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "跳到主要内容" });
    await expect(skip).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/#main$/);
  });

  test("the elderly-friendly mode is switched on once and kept after a reload", async ({ page }) => {
    const errors = watchForErrors(page);
    await page.goto("/contest/practice");
    await waitForHydration(page);
    const html = page.locator("html");
    await expect(html).not.toHaveClass(/elder/);
    const fontBefore = await page.evaluate(() => getComputedStyle(document.body).fontSize);

    // On an interactive page the island switches at once and saves the choice in the background.
    const saved = page.waitForResponse((r) => r.url().endsWith("/api/elder_mode") && r.ok());
    await page.getByRole("button", { name: /关怀模式/ }).click();
    await saved;
    await expect(html).toHaveClass(/elder/);
    await expect(page.getByRole("button", { name: /退出关怀模式/ })).toHaveAttribute("aria-pressed", "true");
    const fontAfter = await page.evaluate(() => getComputedStyle(document.body).fontSize);
    expect(parseFloat(fontAfter)).toBeGreaterThan(parseFloat(fontBefore));

    await page.reload();
    await expect(html).toHaveClass(/elder/);
    await page.goto("/");
    await expect(html).toHaveClass(/elder/);
    expect(errors).toEqual([]);
  });

  test("pages that only show information load no script, and their switch still works", async ({ page }) => {
    const scripts: string[] = [];
    page.on("request", (r) => {
      if (/\.(js|wasm)$/.test(new URL(r.url()).pathname)) scripts.push(r.url());
    });
    for (const path of ["/", "/articles", "/inspections", "/contest"]) {
      await page.goto(path);
      await expect(page.getByRole("main")).toBeVisible();
    }
    expect(scripts).toEqual([]);

    // Without an island the switch is a plain form: it posts and comes back to the same page.
    await page.goto("/articles");
    const html = page.locator("html");
    await expect(html).not.toHaveClass(/elder/);
    await page.getByRole("button", { name: "关怀模式" }).click();
    await expect(page).toHaveURL(/\/articles\??$/);
    await expect(html).toHaveClass(/elder/);
    await expect(page.getByRole("button", { name: "退出关怀模式" })).toHaveAttribute("aria-pressed", "true");
    await page.getByRole("button", { name: "退出关怀模式" }).click();
    await expect(page).toHaveURL(/\/articles\??$/);
    await expect(html).not.toHaveClass(/elder/);
    expect(scripts).toEqual([]);
  });

  test("an unknown path shows the 404 page", async ({ page }) => {
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "页面不存在" })).toBeVisible();
    await page.getByRole("link", { name: "返回首页" }).click();
    await expect(page).toHaveURL("/");
  });

  test("a phone-sized screen shows the whole navigation without sideways scrolling", async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto("/");
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    for (const label of ["首页", "双随机抽查", "安全宣传", "知识竞赛"]) {
      await expect(page.getByRole("link", { name: label, exact: true })).toBeInViewport();
    }
  });
});
