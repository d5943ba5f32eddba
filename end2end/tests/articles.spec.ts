import { expect, test } from "@playwright/test";
import { watchForErrors } from "./support";

test.describe("articles for the public", () => {
  test("a visitor finds an article in the list, reads it with its contents, and finds it by search", async ({ page }) => {
    const errors = watchForErrors(page);
    // Readers never download the editor's markdown renderer.
    const editorCode: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/editor/")) editorCode.push(request.url());
    });
    await page.goto("/articles");
    await expect(page.getByRole("heading", { level: 1, name: "安全宣传" })).toBeVisible();
    await page.getByRole("navigation", { name: "文章分类" }).getByRole("link", { name: "安全常识" }).click();
    await expect(page).toHaveURL("/articles/category/safety");
    await page.getByRole("link", { name: "燃气泄漏怎么办？记住这几步" }).click();

    await expect(page.getByRole("heading", { level: 1 })).toHaveText("燃气泄漏怎么办？记住这几步");
    await expect(page.getByText(/分钟读完/)).toBeVisible();
    const toc = page.getByRole("navigation", { name: "目录" });
    await expect(toc).toBeVisible();
    const firstEntry = toc.getByRole("link").first();
    const target = await firstEntry.getAttribute("href");
    await firstEntry.click();
    await expect(page).toHaveURL(new RegExp(`${target}$`));

    await page.goto("/search");
    await page.getByRole("searchbox", { name: "搜索关键词" }).fill("燃气");
    await page.getByRole("button", { name: "搜索" }).click();
    await expect(page.getByRole("status")).toContainText("找到");
    await expect(page.locator("mark").first()).toHaveText("燃气");
    expect(errors).toEqual([]);
    expect(editorCode).toEqual([]);
  });

  test("a long article's table of contents numbers its sections 1 to N, with sub-sections nested", async ({ page }) => {
    await page.goto("/articles/family-emergency-kit");
    const toc = page.getByRole("navigation", { name: "目录" });
    const sections = toc.locator(":scope > ol > li");
    await expect(sections).toHaveCount(5);
    await expect(sections.nth(2).locator(":scope > a")).toHaveText("三、不同家庭的特别准备");
    // The three sub-sections of section 二 are a list of their own inside it, so the outer
    // numbers run 1…5 without gaps.
    const sub = sections.nth(1).locator(":scope > ol > li");
    await expect(sub).toHaveCount(3);
    await expect(sub.first()).toHaveText("1. 应急包（紧急撤离时拿了就走）");
    expect(await toc.locator(":scope > ol > li > a").allTextContents()).toEqual([
      "一、为什么要准备家庭应急物资",
      "二、家庭应急物资储备清单",
      "三、不同家庭的特别准备",
      "四、存放和检查",
      "五、使用注意事项",
    ]);
  });

  test("article pages work with JavaScript switched off", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/articles");
    await page.locator(".article-card a").first().click();
    await expect(page.locator(".article__body")).not.toBeEmpty();
    await context.close();
  });

  test("the site feed lists the articles", async ({ request }) => {
    const response = await request.get("/feed.xml");
    expect(response.ok()).toBe(true);
    const xml = await response.text();
    expect(xml).toContain("<rss version=\"2.0\">");
    expect(xml).toContain("燃气泄漏怎么办");
  });
});
