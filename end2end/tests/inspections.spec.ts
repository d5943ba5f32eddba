import path from "node:path";
import { expect, test } from "@playwright/test";
import { createStaff, signIn, waitForHydration, watchForErrors } from "./support";

test.describe("a random inspection draw, from announcement to public verification", () => {
  test("an officer draws, records and reveals; a visitor sees only the commitment first, then verifies the draw in the browser", async ({ page, browser }) => {
    test.setTimeout(120_000);
    createStaff("e2e-officer", "inspector_admin");
    const errors = watchForErrors(page);
    await signIn(page, "e2e-officer");

    // The registries: the demo data is loaded at start; the officer re-imports the inspectors.
    await page.goto("/admin/inspections");
    await page.getByLabel("导入执法人员名录").setInputFiles(path.resolve(__dirname, "../../content/registries/inspectors.csv"));
    await page.getByRole("button", { name: "导入", exact: true }).nth(1).click();
    await expect(page.locator(".notice--success")).toContainText("更新 36 条");

    // Announce: the defaults stratify by the three focus groups, then by risk.
    await page.getByRole("link", { name: "新建抽查任务" }).click();
    await page.getByLabel("任务名称").fill("2026 年 12 月安全生产双随机抽查");
    await page.getByLabel(/^KP-YJ-01 /).check();
    await page.getByLabel("随机数来源 1").fill("中国福利彩票双色球第 2026140 期开奖号码");
    await page.getByRole("button", { name: "公告任务并冻结名录" }).click();
    await expect(page.getByRole("status").first()).toContainText("抽查任务已公告");
    const staffUrl = page.url();

    await page.getByLabel(/^来源 1/).fill("3, 11, 19, 25, 30, 32, 7");
    await page.getByRole("button", { name: "抽签", exact: true }).click();
    await expect(page.getByRole("status").first()).toContainText("已抽签");
    const firstName = (await page.locator(".staff-result h3").first().textContent()) ?? "";
    expect(firstName).not.toEqual("");

    // Before the reveal, the public sees the commitment and not the list.
    const visitorContext = await browser.newContext();
    const visitor = await visitorContext.newPage();
    const visitorErrors = watchForErrors(visitor);
    await visitor.goto("/inspections");
    await visitor.getByRole("link", { name: "2026 年 12 月安全生产双随机抽查" }).click();
    await expect(visitor.getByText("结果摘要（SHA-256）")).toBeVisible();
    await expect(visitor.getByText("3、11、19、25、30、32、7")).toBeVisible();
    await expect(visitor.getByText(firstName)).toHaveCount(0);

    // The officer records a result, reveals the list and publishes the results.
    const first = page.locator(".staff-result").first();
    await first.getByLabel("检查日期").fill("2026-11-20");
    await first.getByLabel("结果作出日期").fill("2026-11-20");
    await first.getByLabel("检查结果").selectOption({ label: "发现问题已责令改正" });
    await first.getByLabel("发现隐患数").fill("2");
    await first.getByLabel("已整改隐患数").fill("2");
    await first.getByRole("button", { name: "保存检查结果" }).click();
    await expect(page.getByRole("status").first()).toContainText("检查结果已保存");
    await expect(page.locator(".staff-result").first().getByText(/公开期限 2026-12-18/)).toBeVisible();
    await page.goto(staffUrl);
    await page.getByRole("button", { name: "检查已结束，公开名单" }).click();
    await expect(page.getByRole("status").first()).toContainText("名单已公开");
    await page.getByRole("button", { name: "公开检查结果" }).click();
    await expect(page.getByRole("status").first()).toContainText("检查结果已公开");
    expect(errors).toEqual([]);

    // After the reveal: the list with results, and a verification the visitor runs themself.
    await visitor.reload();
    await expect(visitor.getByRole("rowheader", { name: firstName })).toBeVisible();
    await expect(visitor.getByText(/发现问题已责令改正/).first()).toBeVisible();
    await waitForHydration(visitor);
    await visitor.getByRole("button", { name: "在浏览器中复核这次抽签" }).click();
    await expect(visitor.getByText("复核通过：重新计算的结果与公开名单、抽签承诺完全一致。")).toBeVisible({ timeout: 15_000 });
    await expect(visitor.locator(".verify-check--bad")).toHaveCount(0);
    await expect(visitor.getByText("3.7.11.19.25.30.32./")).toBeVisible();

    // The visitor finds the enterprise by its code.
    const code = (await visitor.getByRole("row").nth(1).locator("code").textContent()) ?? "";
    await visitor.goto("/inspections/search");
    await visitor.getByLabel("企业名称或统一社会信用代码").fill(code);
    await visitor.getByRole("button", { name: "查询" }).click();
    await expect(visitor.getByRole("status")).toHaveText("找到 1 家企业");
    await expect(visitor.getByRole("heading", { name: firstName })).toBeVisible();
    expect(visitorErrors).toEqual([]);
    await visitorContext.close();
  });
});
