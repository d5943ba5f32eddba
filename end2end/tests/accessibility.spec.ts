import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type BrowserContextOptions, type Page } from "@playwright/test";
import { ROOT_URL } from "../playwright.config";
import { createStaff, signIn, waitForHydration } from "./support";

// axe-core over every public page and the staff editor: WCAG 2.1 A and AA, failing on any
// serious or critical violation. In the elderly-friendly mode (适老化) the bar for text contrast is
// AAA (7:1, 4.5:1 for large text): that mode exists for older eyes.

/** What axe reports for one rule. */
type Violation = Awaited<ReturnType<AxeBuilder["analyze"]>>["violations"][number];

/** The rule sets run on every page. */
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const BLOCKING = new Set(["serious", "critical"]);

/** A phone as most visitors hold it: the narrowest common Android width. */
const PHONE: BrowserContextOptions = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
};

/** One page to check: where it is, and what must be on screen before it is checked. */
interface PageCase {
  name: string;
  path: string;
  status?: number;
  ready?: (page: Page) => Promise<void>;
}

/** Lists violations one per line: rule, impact, what to do, and the elements at fault. */
function summarize(violations: Violation[]): string {
  return violations
    .map((v) => {
      const targets = v.nodes
        .slice(0, 5)
        .map((n) => `      ${n.target.join(" ")}${n.failureSummary ? ` — ${n.failureSummary.split("\n").slice(1).join(" ").trim()}` : ""}`)
        .join("\n");
      const more = v.nodes.length > 5 ? `\n      … and ${v.nodes.length - 5} more` : "";
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${targets}${more}`;
    })
    .join("\n");
}

/** Runs axe with the WCAG 2.1 A/AA rules and returns the serious and critical violations. */
async function blockingViolations(page: Page): Promise<Violation[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  return results.violations.filter((v) => BLOCKING.has(v.impact ?? ""));
}

/**
 * Any text contrast below AA (4.5:1) or AAA (7:1), whatever axe's impact rating.
 *
 * axe leaves undecided ("incomplete") the cells of a wide table that its scrolling frame clips on
 * a phone; they have the same colours as the cells on screen, which are checked.
 */
async function contrastViolations(page: Page): Promise<Violation[]> {
  const results = await new AxeBuilder({ page })
    .withRules(["color-contrast", "color-contrast-enhanced"])
    .analyze();
  return results.violations;
}

/** Checks the page on screen; a failure names the page and lists what axe found. */
async function expectAccessible(page: Page, label: string, { elder = false } = {}) {
  // Soft: every page is checked and reported, not only the first one at fault.
  const blocking = await blockingViolations(page);
  expect.soft(summarize(blocking), `${label}: serious or critical WCAG 2.1 AA violations`).toBe("");
  if (elder) {
    await expect.soft(page.locator("html"), `${label}: rendered in the elderly-friendly mode`).toHaveClass(/\belder\b/);
    const contrast = await contrastViolations(page);
    expect.soft(summarize(contrast), `${label}: text contrast in the elderly-friendly mode (AAA)`).toBe("");
  }
}

/** Opens a page, waits until its islands are live and checks it. */
async function checkPage(page: Page, item: PageCase, label: string, elder = false) {
  await test.step(`${label}: ${item.name} (${item.path})`, async () => {
    const response = await page.goto(item.path);
    expect(response?.status(), `${item.path} answers`).toBe(item.status ?? 200);
    await waitForHydration(page);
    await item.ready?.(page);
    await expectAccessible(page, `${item.name} (${item.path}, ${label})`, { elder });
  });
}

/** A new browser context, on a phone or not, in the elderly-friendly mode or not. */
async function newVisitor(browser: Browser, { phone = false, elder = false } = {}) {
  const context = await browser.newContext(phone ? PHONE : {});
  if (elder) {
    // The switch's own cookie: the server renders the page in the mode from the first byte.
    await context.addCookies([{ name: "aqxc_elder", value: "1", url: ROOT_URL }]);
  }
  return context;
}

/** Names unique to this worker, so a restarted worker does not collide with its predecessor. */
const run = Date.now().toString(36);

/** What the setup created: the pages that need data to exist. */
const made = {
  contestId: "",
  resultPath: "",
  certificate: "",
  sealedDraw: "",
  revealedDraw: "",
  enterpriseCode: "",
};

/** Every public page, with the data the setup created. */
function publicPages(): PageCase[] {
  const startReady = async (page: Page) => {
    await expect(page.getByRole("button", { name: "开始答题" })).toBeEnabled({ timeout: 15_000 });
  };
  return [
    { name: "home", path: "/" },
    { name: "article list", path: "/articles" },
    { name: "article category", path: "/articles/category/safety" },
    { name: "article", path: "/articles/gas-leak-response" },
    { name: "article with tables", path: "/articles/emergency-numbers" },
    { name: "missing article", path: "/articles/no-such-article", status: 404 },
    { name: "search form", path: "/search" },
    { name: "search results", path: `/search?q=${encodeURIComponent("燃气")}` },
    { name: "search without results", path: `/search?q=${encodeURIComponent("没有这样的文章")}` },
    { name: "inspections overview", path: "/inspections" },
    { name: "check items", path: "/inspections/items" },
    { name: "inspector registry", path: "/inspections/inspectors" },
    { name: "yearly inspection plan", path: "/articles/random-inspection-plan" },
    { name: "enterprise search form", path: "/inspections/search" },
    { name: "enterprise search results", path: `/inspections/search?q=${made.enterpriseCode}` },
    { name: "enterprise search without results", path: `/inspections/search?q=${encodeURIComponent("没有这家企业")}` },
    { name: "inspection statistics", path: "/inspections/statistics" },
    { name: "draw log", path: "/inspections/log" },
    { name: "draw, drawn and not yet revealed", path: made.sealedDraw },
    { name: "draw, revealed with results", path: made.revealedDraw },
    { name: "contest list", path: "/contest" },
    { name: "contest", path: `/contest/${made.contestId}`, ready: startReady },
    {
      name: "practice",
      path: "/contest/practice",
      ready: async (page) => {
        await expect(page.locator(".quiz-options input").first()).toBeVisible({ timeout: 15_000 });
      },
    },
    { name: "leaderboard", path: `/contest/${made.contestId}/leaderboard` },
    { name: "contest result", path: made.resultPath },
    { name: "certificate check form", path: "/contest/certificate" },
    { name: "certificate found", path: `/contest/certificate?code=${made.certificate}` },
    { name: "certificate not found", path: "/contest/certificate?code=NOSUCHCODE" },
    { name: "staff login", path: "/login" },
    { name: "page not found", path: "/no-such-page", status: 404 },
  ];
}

/** Answers the question on screen with its first option. */
async function answerFirstOption(page: Page) {
  const option = page.locator(".quiz-options input").first();
  await option.check();
  await expect(option).toBeChecked();
}

/** Announces a draw through the staff pages and draws it; returns the staff page's URL. */
async function announceAndDraw(page: Page, title: string): Promise<string> {
  await page.goto("/admin/inspections/draws/new");
  await page.getByLabel("任务名称").fill(title);
  await page.getByLabel(/^KP-YJ-01 /).check();
  await page.getByLabel("随机数来源 1").fill("中国福利彩票双色球第 2026141 期开奖号码");
  await page.getByRole("button", { name: "公告任务并冻结名录" }).click();
  await expect(page.getByRole("status").first()).toContainText("抽查任务已公告");
  const staffUrl = page.url();
  await page.getByLabel(/^来源 1/).fill("5, 8, 13, 21, 27, 33, 9");
  await page.getByRole("button", { name: "抽签", exact: true }).click();
  await expect(page.getByRole("status").first()).toContainText("已抽签");
  return staffUrl;
}

test.describe("accessibility (axe-core, WCAG 2.1 AA)", () => {
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    const officer = `a11y-officer-${run}`;
    createStaff(officer, "inspector_admin");
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, officer);

    // Two draws: one drawn and still sealed, one revealed with a result published.
    const sealed = await announceAndDraw(page, `无障碍检查用抽查任务（未公开）${run}`);
    made.sealedDraw = `/inspections/draws/${sealed.match(/draws\/(\d+)/)![1]}`;
    const revealed = await announceAndDraw(page, `无障碍检查用抽查任务（已公开）${run}`);
    made.revealedDraw = `/inspections/draws/${revealed.match(/draws\/(\d+)/)![1]}`;
    const first = page.locator(".staff-result").first();
    await first.getByLabel("检查日期").fill("2026-11-20");
    await first.getByLabel("结果作出日期").fill("2026-11-20");
    await first.getByLabel("检查结果").selectOption({ label: "发现问题已责令改正" });
    await first.getByLabel("发现隐患数").fill("1");
    await first.getByLabel("已整改隐患数").fill("1");
    await first.getByRole("button", { name: "保存检查结果" }).click();
    await expect(page.getByRole("status").first()).toContainText("检查结果已保存");
    await page.goto(revealed);
    await page.getByRole("button", { name: "检查已结束，公开名单" }).click();
    await expect(page.getByRole("status").first()).toContainText("名单已公开");
    await page.getByRole("button", { name: "公开检查结果" }).click();
    await expect(page.getByRole("status").first()).toContainText("检查结果已公开");
    await page.goto(made.revealedDraw);
    made.enterpriseCode = (await page.getByRole("row").nth(1).locator("code").textContent()) ?? "";
    expect(made.enterpriseCode).not.toEqual("");

    // A contest anyone passes, and one attempt slow enough for the leaderboard.
    await context.clearCookies();
    const quizmaster = `a11y-quizmaster-${run}`;
    createStaff(quizmaster, "contest_admin");
    await signIn(page, quizmaster);
    await page.goto("/admin/contests/new");
    await page.getByLabel("竞赛名称").fill(`无障碍检查用知识竞赛 ${run}`);
    await page.getByLabel("题目数量").fill("3");
    await page.getByLabel("及格分（满分 100）").fill("0");
    await page.getByLabel("每人每天答题次数").fill("5");
    await page.getByRole("button", { name: "创建竞赛" }).click();
    await expect(page.getByRole("status").first()).toContainText("竞赛已创建");
    made.contestId = page.url().match(/\/admin\/contests\/(\d+)/)![1];
    await context.close();

    const citizenContext = await browser.newContext();
    const citizen = await citizenContext.newPage();
    await citizen.goto(`/contest/${made.contestId}`);
    await expect(citizen.getByRole("button", { name: "开始答题" })).toBeEnabled({ timeout: 15_000 });
    await citizen.getByLabel(/^昵称/).fill("读屏用户");
    await citizen.getByRole("button", { name: "开始答题" }).click();
    for (let n = 0; n < 3; n++) {
      await answerFirstOption(citizen);
      if (n < 2) await citizen.getByRole("button", { name: "下一题" }).click();
    }
    await citizen.getByRole("button", { name: "检查并交卷" }).click();
    // Faster than 2 s a question is kept off the leaderboard.
    await citizen.waitForTimeout(6_500);
    await citizen.getByRole("button", { name: "确认交卷" }).click();
    await expect(citizen).toHaveURL(/\/contest\/result\//, { timeout: 15_000 });
    made.resultPath = new URL(citizen.url()).pathname;
    const verify = await citizen.getByRole("link", { name: "在本站验证" }).getAttribute("href");
    made.certificate = new URL(verify!, ROOT_URL).searchParams.get("code") ?? "";
    expect(made.certificate).not.toEqual("");
    await citizenContext.close();
  });

  test("every public page on a desktop screen has no serious or critical violation", async ({ browser }) => {
    test.setTimeout(180_000);
    const context = await newVisitor(browser);
    const page = await context.newPage();
    for (const item of publicPages()) await checkPage(page, item, "desktop");
    await context.close();
  });

  test("every public page on a phone has no serious or critical violation", async ({ browser }) => {
    test.setTimeout(180_000);
    const context = await newVisitor(browser, { phone: true });
    const page = await context.newPage();
    for (const item of publicPages()) await checkPage(page, item, "phone");
    await context.close();
  });

  test("every public page in the elderly-friendly mode on a phone meets AAA text contrast", async ({ browser }) => {
    test.setTimeout(180_000);
    const context = await newVisitor(browser, { phone: true, elder: true });
    const page = await context.newPage();
    for (const item of publicPages()) await checkPage(page, item, "phone, elderly mode", true);
    await context.close();
  });

  test("the states a visitor reaches by acting: a quiz under way, practice feedback, a verified draw, a refused sign-in", async ({ browser }) => {
    test.setTimeout(120_000);
    for (const elder of [false, true]) {
      const mode = elder ? "phone, elderly mode" : "phone";
      const context = await newVisitor(browser, { phone: true, elder });
      const page = await context.newPage();

      await test.step(`${mode}: a contest under way and the check before submitting`, async () => {
        await page.goto(`/contest/${made.contestId}`);
        await expect(page.getByRole("button", { name: "开始答题" })).toBeEnabled({ timeout: 15_000 });
        await page.getByLabel(/^昵称/).fill(elder ? "关怀模式读者" : "手机读者");
        await page.getByRole("button", { name: "开始答题" }).click();
        await expect(page.getByRole("timer")).toContainText("剩余时间");
        await answerFirstOption(page);
        await expectAccessible(page, `quiz question (${mode})`, { elder });
        await page.getByRole("button", { name: "第 3 题，未答" }).click();
        await page.getByRole("button", { name: "检查并交卷" }).click();
        await expect(page.getByRole("heading", { name: "交卷前检查" })).toBeVisible();
        await expectAccessible(page, `check before submitting (${mode})`, { elder });
      });

      await test.step(`${mode}: practice with its feedback`, async () => {
        await page.goto("/contest/practice");
        const option = page.locator(".quiz-options input").first();
        await expect(page.locator(".practice[data-hydrated='true']")).toBeVisible({ timeout: 15_000 });
        await option.check();
        await page.getByRole("button", { name: "提交答案" }).click();
        await expect(page.getByText("解析：")).toBeVisible();
        await expectAccessible(page, `practice feedback (${mode})`, { elder });
      });

      await test.step(`${mode}: a draw verified in the browser`, async () => {
        await page.goto(made.revealedDraw);
        await waitForHydration(page);
        await page.getByRole("button", { name: "在浏览器中复核这次抽签" }).click();
        await expect(page.getByText(/^复核通过/)).toBeVisible({ timeout: 15_000 });
        await expectAccessible(page, `draw verification (${mode})`, { elder });
      });

      await test.step(`${mode}: a refused sign-in`, async () => {
        await page.goto("/login");
        await page.getByLabel("用户名").fill("nobody-here");
        await page.getByLabel("密码").fill("not-a-real-password");
        await page.getByRole("button", { name: "登录" }).click();
        await expect(page.getByRole("alert")).toBeVisible();
        await expectAccessible(page, `refused sign-in (${mode})`, { elder });
      });
      await context.close();
    }
  });

  test("the staff article editor has no serious or critical violation", async ({ page }) => {
    test.setTimeout(60_000);
    const editor = `a11y-editor-${run}`;
    createStaff(editor, "editor");
    await signIn(page, editor);

    await page.goto("/admin/articles/new");
    await waitForHydration(page);
    await expectAccessible(page, "new article form");

    await page.getByLabel("标题").fill("无障碍检查用文章");
    await page.getByLabel("网址名").fill(`a11y-check-${run}`);
    await page.getByRole("button", { name: "创建并开始撰写" }).click();
    await expect(page.getByRole("status").first()).toContainText("文章已创建");
    await page.getByLabel("正文（Markdown）").fill(
      "## 预警信号\n\n| 颜色 | 含义 |\n|---|---|\n| 红色 | 12 小时内影响 |\n\n**红色预警时不要外出。**\n\n```\n12350\n```\n",
    );
    await expect(page.locator(".editor__preview table")).toBeVisible();
    await waitForHydration(page);
    await expectAccessible(page, "article editor with the live preview");
  });
});
