import { expect, test } from "@playwright/test";
import { createStaff, signIn, waitForHydration, watchForErrors } from "./support";

test.describe("writing and publishing an article", () => {
  test("an editor writes an article with a table, a reviewer publishes it, the public finds it", async ({ page, browser }) => {
    test.setTimeout(90_000);
    createStaff("e2e-editor", "editor");
    createStaff("e2e-reviewer", "reviewer");
    const errors = watchForErrors(page);

    await signIn(page, "e2e-editor");
    await page.goto("/admin/articles/new");
    await page.getByLabel("标题").fill("台风天出行安全提示");
    await page.getByLabel("网址名").fill("typhoon-travel");
    await page.getByLabel("分类").selectOption("应急科普");
    await page.getByRole("button", { name: "创建并开始撰写" }).click();
    await expect(page.getByRole("status").first()).toContainText("文章已创建");

    // The live preview (its own WASM bundle) renders while the editor types, before any save.
    await expect(page.getByRole("heading", { name: "实时预览" })).toBeVisible();
    const body = page.getByLabel("正文（Markdown）");
    await body.fill(
      "## 预警信号\n\n| 颜色 | 含义 |\n|---|---|\n| 白色 | 台风可能影响 |\n| 红色 | 12 小时内影响 |\n\n",
    );
    const preview = page.locator(".editor__preview table");
    await expect(preview).toBeVisible();
    await expect(preview).toContainText("12 小时内影响");
    await body.pressSequentially("**红色预警时不要外出。**");
    await expect(page.locator(".editor__preview strong")).toHaveText("红色预警时不要外出。");
    await body.pressSequentially("<img src=x onerror=alert(1)>");
    await expect(page.locator(".editor__preview [onerror]")).toHaveCount(0);
    await body.fill(
      "## 预警信号\n\n| 颜色 | 含义 |\n|---|---|\n| 白色 | 台风可能影响 |\n| 红色 | 12 小时内影响 |\n\n红色预警时不要外出。",
    );
    await page.getByLabel("标签").fill("台风，出行");
    await page.getByRole("button", { name: "保存", exact: true }).click();
    await expect(page.getByRole("status").first()).toHaveText("已保存。");
    await expect(preview).toContainText("12 小时内影响");

    // Autosave keeps a change made after the last save as a version, without applying it.
    await waitForHydration(page);
    await page.getByLabel("正文（Markdown）").fill("还没写完的一段。");
    await expect(page.getByText(/已自动保存（\d\d:\d\d），可在“历史版本”中找回/)).toBeVisible({
      timeout: 40_000,
    });
    const editor = page.url();
    await page.getByRole("link", { name: "历史版本" }).first().click();
    await expect(page.getByRole("row").filter({ hasText: "自动保存（未生效）" })).toHaveCount(1);
    await page.goto(editor);
    await page.getByRole("button", { name: "保存", exact: true }).click();
    await expect(page.getByRole("status").first()).toHaveText("已保存。");
    await page.getByLabel("正文（Markdown）").fill(
      "## 预警信号\n\n| 颜色 | 含义 |\n|---|---|\n| 白色 | 台风可能影响 |\n| 红色 | 12 小时内影响 |\n\n红色预警时不要外出。",
    );
    await page.getByRole("button", { name: "保存", exact: true }).click();
    await page.getByRole("button", { name: "提交审核" }).click();
    await expect(page.getByRole("status").first()).toHaveText("已提交审核。");
    expect(errors).toEqual([]);

    const reviewerContext = await browser.newContext();
    const reviewer = await reviewerContext.newPage();
    await signIn(reviewer, "e2e-reviewer");
    await reviewer.goto("/admin/articles?status=submitted");
    await reviewer.getByRole("link", { name: "台风天出行安全提示" }).click();
    await reviewer.getByRole("button", { name: "立即发布" }).click();
    await expect(reviewer.getByRole("status").first()).toHaveText("已发布。");
    await reviewerContext.close();

    const publicContext = await browser.newContext();
    const visitor = await publicContext.newPage();
    await visitor.goto("/articles");
    await visitor.getByRole("link", { name: "台风天出行安全提示" }).click();
    await expect(visitor.locator(".article__body table")).toContainText("红色");
    const feed = await visitor.request.get("/feed.xml");
    expect(await feed.text()).toContain("台风天出行安全提示");
    await visitor.goto("/search?q=%E4%B8%8D%E8%A6%81%E5%A4%96%E5%87%BA");
    await expect(visitor.getByRole("link", { name: /台风天出行安全提示/ })).toBeVisible();
    await publicContext.close();
  });
});
