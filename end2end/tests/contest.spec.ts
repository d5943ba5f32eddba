import { expect, test, type Locator, type Page } from "@playwright/test";
import { createStaff, signIn, watchForErrors } from "./support";

/** Presses Tab, as a keyboard user would, until `target` has the focus; fails if it never does. */
async function tabTo(page: Page, target: Locator, most = 60) {
  for (let n = 0; n < most && !(await target.evaluate((el) => el === document.activeElement)); n++) {
    await page.keyboard.press("Tab");
  }
  await expect(target, "reached with the Tab key").toBeFocused();
}

/** Answers the question on screen with the keyboard: the focus is on the question when it
 * appears; Tab into its options, Space on the first, and the focus stays there. */
async function answerWithKeyboard(page: Page) {
  await expect(page.locator(".quiz-question")).toBeFocused();
  const option = page.locator(".quiz-options input").first();
  await tabTo(page, option);
  await page.keyboard.press("Space");
  await expect(option).toBeChecked();
  await expect(option).toBeFocused();
}

test.describe("the knowledge contest", () => {
  test("a citizen takes a contest with the keyboard only, reloads and resumes, submits, sees the review, the certificate and the leaderboard; a second attempt is refused", async ({ page, browser }) => {
    test.setTimeout(120_000);
    createStaff("e2e-quizmaster", "contest_admin");
    await signIn(page, "e2e-quizmaster");
    await page.goto("/admin/contests/new");
    await page.getByLabel("竞赛名称").fill("安全生产月网上知识竞赛");
    await page.getByLabel("题目数量").fill("5");
    await page.getByLabel("及格分（满分 100）").fill("0");
    await page.getByLabel("每人每天答题次数").fill("1");
    await page.getByRole("button", { name: "创建竞赛" }).click();
    await expect(page.getByRole("status").first()).toContainText("竞赛已创建");
    const contestId = page.url().match(/\/admin\/contests\/(\d+)/)![1];

    const citizenContext = await browser.newContext();
    const citizen = await citizenContext.newPage();
    const errors = watchForErrors(citizen);
    await citizen.goto(`/contest/${contestId}`);
    await expect(citizen.getByRole("img", { name: /二维码/ })).toBeVisible();
    const startButton = citizen.getByRole("button", { name: "开始答题" });
    await expect(startButton).toBeEnabled({ timeout: 15_000 });

    // Keyboard only from here on: Tab from the top of the page, Space and Enter.
    await tabTo(citizen, citizen.getByLabel(/^昵称/));
    await citizen.keyboard.type("键盘阿婆");
    await citizen.keyboard.press("Enter");
    await expect(citizen.getByRole("timer")).toContainText("剩余时间");
    await expect(citizen.getByText("第 1 题 / 共 5 题")).toBeVisible();
    await answerWithKeyboard(citizen);
    await tabTo(citizen, citizen.getByRole("button", { name: "下一题" }));
    await citizen.keyboard.press("Enter");
    await expect(citizen.getByText("第 2 题 / 共 5 题")).toBeVisible();
    await answerWithKeyboard(citizen);
    await expect(citizen.getByText("已答 2 / 5 题")).toBeVisible();

    // A reload resumes the same attempt with its answers and its clock.
    await citizen.reload();
    await expect(citizen.getByText("已答 2 / 5 题")).toBeVisible({ timeout: 15_000 });
    await expect(citizen.getByRole("button", { name: "第 2 题，已答" })).toBeVisible();
    await tabTo(citizen, citizen.getByRole("button", { name: "第 3 题，未答" }));
    await citizen.keyboard.press("Enter");
    await expect(citizen.getByText("第 3 题 / 共 5 题")).toBeVisible();
    await answerWithKeyboard(citizen);
    await tabTo(citizen, citizen.getByRole("button", { name: "下一题" }));
    await citizen.keyboard.press("Enter");
    await answerWithKeyboard(citizen);
    await tabTo(citizen, citizen.getByRole("button", { name: "下一题" }));
    await citizen.keyboard.press("Enter");
    await expect(citizen.getByText("第 5 题 / 共 5 题")).toBeVisible();

    // The check before submitting lists the unanswered question.
    await expect(citizen.locator(".quiz-question")).toBeFocused();
    await tabTo(citizen, citizen.getByRole("button", { name: "检查并交卷" }));
    await citizen.keyboard.press("Enter");
    await expect(citizen.getByRole("region", { name: "交卷前检查" })).toBeFocused();
    await expect(citizen.getByText("还有 1 道题没有作答")).toBeVisible();
    // Faster than 2 s a question is flagged and kept off the leaderboard: read like a person.
    await citizen.waitForTimeout(8_000);
    await tabTo(citizen, citizen.getByRole("button", { name: "确认交卷" }));
    await citizen.keyboard.press("Enter");

    await expect(citizen).toHaveURL(/\/contest\/result\//, { timeout: 15_000 });
    await expect(citizen.getByRole("status").first()).toContainText("键盘阿婆");
    await expect(citizen.getByText("解析：").first()).toBeVisible();
    await expect(citizen.getByText("未作答").first()).toBeVisible();
    await expect(citizen.getByRole("img", { name: /竞赛证书/ })).toBeVisible();
    // The certificate is a picture a phone can long-press and save: a PNG, 1080 × 1350
    // (the QR code on it is decoded in the integration tests, server/tests/api/contest.rs).
    const saving = citizen.waitForEvent("download");
    await citizen.getByRole("link", { name: "保存证书图片" }).click();
    const saved = await saving;
    expect(saved.suggestedFilename()).toMatch(/^证书-[A-Z0-9-]+\.png$/);
    const picture = await citizen.request.get((await citizen.getByRole("link", { name: "保存证书图片" }).getAttribute("href")) ?? "");
    expect(picture.headers()["content-type"]).toBe("image/png");
    const bytes = await picture.body();
    expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1080, 1350]);
    expect(await citizen.getByRole("img", { name: /竞赛证书/ }).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1080);
    await tabTo(citizen, citizen.getByRole("link", { name: "在本站验证" }), 120);
    await citizen.keyboard.press("Enter");
    await expect(citizen.getByRole("status")).toContainText("证书有效：键盘阿婆");

    await citizen.goto(`/contest/${contestId}/leaderboard`);
    await expect(citizen.getByRole("rowheader", { name: "键盘阿婆" })).toBeVisible();

    // One attempt a day: the next one is refused with the reason.
    await citizen.goto(`/contest/${contestId}`);
    await expect(startButton.or(citizen.getByRole("button", { name: "开始答题" }))).toBeEnabled({ timeout: 15_000 });
    await citizen.getByLabel(/^昵称/).fill("键盘阿婆");
    await citizen.getByRole("button", { name: "开始答题" }).click();
    await expect(citizen.getByRole("alert")).toContainText("今天的次数已用完");
    // The refusal is an HTTP 422 (a server function's "refused, with a message"), which the
    // browser notes in its console; it is the only thing there.
    expect(errors).toEqual([
      "console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)",
    ]);
    await citizenContext.close();
  });

  test("practice mode gives instant feedback with the explanation, with the keyboard only", async ({ page }) => {
    await page.goto("/contest/practice");
    // The first question is in the page's HTML; answering waits for the island.
    const option = page.locator(".quiz-options input").first();
    await expect(option).toBeVisible();
    await expect(page.locator(".practice[data-hydrated='true']")).toBeVisible({ timeout: 15_000 });
    await tabTo(page, option);
    await page.keyboard.press("Space");
    await expect(option).toBeChecked();
    await tabTo(page, page.getByRole("button", { name: "提交答案" }));
    await page.keyboard.press("Enter");
    await expect(page.getByText("解析：")).toBeVisible();
    await expect(page.getByRole("status").first()).toContainText("已练习 1 题");
    // The focus stays with the question, now marked with its answer, and moves on with it.
    await expect(page.locator(".quiz-question")).toBeFocused();
    await tabTo(page, page.getByRole("button", { name: "下一题" }));
    await page.keyboard.press("Enter");
    await expect(page.getByRole("button", { name: "提交答案" })).toBeVisible();
    await expect(page.locator(".quiz-question")).toBeFocused();
  });
});
