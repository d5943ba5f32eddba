import { expect, test, type Page } from "@playwright/test";
import { waitForHydration, watchForErrors } from "./support";

// What a citizen meets on a fresh portal: the demo world, read-aloud, the whole of 一公开.

const DEMO_DRAW = "【演示数据】2026年第四季度安全生产“双随机、一公开”抽查";
const DEMO_CONTEST = "【演示数据】“安全生产月”安全知识竞赛";

/**
 * Replaces the browser's speech synthesis with a recorder before any page script runs: the
 * texts handed to it are kept in `window.__spoken`. `voices` are the voices the device has.
 */
async function recordSpeech(page: Page, voices: { lang: string; name: string }[]) {
  await page.addInitScript((voices) => {
    const spoken: string[] = [];
    const rates: number[] = [];
    (window as unknown as { __spoken: string[]; __rates: number[] }).__spoken = spoken;
    (window as unknown as { __rates: number[] }).__rates = rates;
    class Utterance {
      text: string;
      lang = "";
      rate = 1;
      voice: unknown = null;
      onend: (() => void) | null = null;
      onerror: ((e: { error: string }) => void) | null = null;
      constructor(text: string) {
        this.text = text;
      }
    }
    let paused = false;
    const synth = {
      getVoices: () => voices,
      addEventListener: () => {},
      speak(u: Utterance) {
        spoken.push(u.text);
        rates.push(u.rate);
        // Each sentence "ends" a moment later, unless the reading is paused.
        const end = () => (paused ? setTimeout(end, 50) : u.onend?.());
        setTimeout(end, 200);
      },
      pause: () => {
        paused = true;
      },
      resume: () => {
        paused = false;
      },
      cancel: () => {},
    };
    Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
    Object.defineProperty(window, "SpeechSynthesisUtterance", { value: Utterance, configurable: true });
  }, voices);
}

test.describe("a portal that is alive on first start", () => {
  test("the home page lists a revealed draw and an open contest, and the visitor verifies the demo draw", async ({ page }) => {
    const errors = watchForErrors(page);
    await page.goto("/");
    await expect(page.getByRole("link", { name: DEMO_DRAW })).toBeVisible();
    await expect(page.getByRole("link", { name: DEMO_CONTEST })).toBeVisible();

    await page.getByRole("link", { name: DEMO_DRAW }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(DEMO_DRAW);
    await waitForHydration(page);
    await page.getByRole("button", { name: "在浏览器中复核这次抽签" }).click();
    await expect(page.getByText("复核通过：重新计算的结果与公开名单、抽签承诺完全一致。")).toBeVisible({ timeout: 15_000 });
    await expect(page.locator(".verify-check--bad")).toHaveCount(0);

    // Its results are published, and the demo contest has people on its leaderboard.
    await expect(page.getByText(/发现问题已责令改正/).first()).toBeVisible();
    await page.goto("/contest");
    await page.getByRole("link", { name: DEMO_CONTEST }).first().click();
    await page.getByRole("link", { name: "查看排行榜" }).click();
    await expect(page.getByText("演示·陈阿姨")).toBeVisible();
    expect(errors).toEqual([]);
  });

  test("the 双随机 section publishes the inspector registry, the plan and the rules", async ({ page }) => {
    await page.goto("/inspections");
    const basis = page.getByRole("region", { name: "一单两库一细则" });
    await basis.getByRole("link", { name: "执法检查人员名录库" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("执法检查人员名录库");
    const rows = page.locator("table tbody tr");
    expect(await rows.count()).toBeGreaterThan(20);
    await expect(rows.first().locator("td").first()).toHaveText(/^\d{11}$/);
    // No personal phone number is published.
    expect(await page.locator("main").innerText()).not.toMatch(/1[3-9]\d{9}/);
    const csv = await page.request.get("/api/v1/inspectors.csv");
    expect(csv.headers()["content-type"]).toContain("text/csv");
    expect(await csv.text()).toContain("执法证号,姓名,单位,执法领域");

    await page.goto("/inspections");
    await basis.getByRole("link", { name: "年度抽查计划" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("抽查工作计划");
    await page.goto("/inspections");
    await basis.getByRole("link", { name: "实施细则" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("实施细则");
    const documents = await (await page.request.get("/api/v1/documents")).json();
    expect(documents.documents.map((d: { key: string }) => d.key)).toEqual(["plan", "rules"]);
  });
});

test.describe("read-aloud (朗读)", () => {
  test("an article is read aloud in Chinese, sentence by sentence, with pause and speed, from the keyboard", async ({ page }) => {
    await recordSpeech(page, [
      { lang: "en-US", name: "English" },
      { lang: "zh-CN", name: "普通话" },
    ]);
    await page.goto("/articles/gas-leak-response");
    const title = (await page.getByRole("heading", { level: 1 }).textContent()) ?? "";
    const play = page.getByRole("button", { name: "▶ 朗读全文" });
    await expect(play).toBeVisible();
    await page.getByRole("combobox", { name: "语速" }).selectOption({ label: "慢" });
    await play.focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("button", { name: "❚❚ 暂停" })).toBeVisible();
    const spokenSoFar = () => page.evaluate(() => (window as unknown as { __spoken: string[] }).__spoken);
    // The title first (a sentence at a time: it may be two), then the summary and the text.
    await expect.poll(async () => (await spokenSoFar()).length).toBeGreaterThan(4);
    const spoken = await spokenSoFar();
    expect(spoken.join("").startsWith(title.trim())).toBe(true);
    const article = (await page.locator(".article").innerText()).replace(/\s+/g, "");
    expect(article).toContain(spoken[spoken.length - 1].replace(/\s+/g, ""));
    // At the speed chosen (慢).
    expect(await page.evaluate(() => (window as unknown as { __rates: number[] }).__rates[0])).toBe(0.75);

    await page.getByRole("button", { name: "❚❚ 暂停" }).click();
    await expect(page.getByRole("button", { name: "▶ 继续" })).toBeVisible();
    await page.getByRole("button", { name: "■ 停止" }).click();
    await expect(page.getByText("已停止。")).toBeVisible();
  });

  test("where the device has no Chinese voice, the control says so", async ({ page }) => {
    await recordSpeech(page, [{ lang: "en-US", name: "English" }]);
    await page.goto("/articles/gas-leak-response");
    await page.getByRole("button", { name: "▶ 朗读全文" }).click();
    await expect(page.getByText(/这台设备没有中文语音，无法朗读/)).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __spoken: string[] }).__spoken)).toEqual([]);
  });

  test("a practice question and its options are read aloud", async ({ page }) => {
    await recordSpeech(page, [{ lang: "zh-CN", name: "普通话" }]);
    await page.goto("/contest/practice");
    const stem = (await page.locator(".quiz-question__stem").textContent()) ?? "";
    await page.getByRole("button", { name: "▶ 朗读本题" }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { __spoken: string[] }).__spoken.join(""))).toContain(stem.trim().slice(0, 10));
  });

  test("an article page loads the read-aloud script and no WebAssembly", async ({ page }) => {
    const loaded: string[] = [];
    page.on("request", (request) => loaded.push(new URL(request.url()).pathname));
    await page.goto("/articles/gas-leak-response");
    await expect(page.getByRole("button", { name: "▶ 朗读全文" })).toBeVisible();
    expect(loaded.filter((p) => p.endsWith(".wasm"))).toEqual([]);
    expect(loaded).toContain("/read-aloud.js");
  });
});

test.describe("practice offline, installable", () => {
  test("once visited, practice works after going offline and reloading, answered from the kept bank", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchForErrors(page);
    await page.goto("/contest/practice");
    await expect(page.locator("html[data-offline-ready]")).toBeAttached({ timeout: 30_000 });
    await expect(page.getByText(/本页已保存在这台设备上/)).toBeVisible();

    const manifest = await (await page.request.get("/manifest.webmanifest")).json();
    expect(manifest.start_url).toBe("/contest/practice");
    expect(manifest.display).toBe("standalone");
    const icon = await page.request.get(manifest.icons[0].src);
    expect(icon.headers()["content-type"]).toBe("image/png");

    await context.setOffline(true);
    // The network is gone for pages that have no worker.
    const other = await context.newPage();
    await expect(other.goto("/articles")).rejects.toThrow();
    await other.close();

    await page.reload();
    await expect(page.locator(".practice[data-hydrated='true']")).toBeVisible({ timeout: 15_000 });
    const stem = (await page.locator(".quiz-question__stem").textContent()) ?? "";
    expect(stem).not.toEqual("");
    await page.locator(".quiz-options input").first().check();
    const checked = page.waitForResponse((r) => r.url().endsWith("/api/practice_check"));
    await page.getByRole("button", { name: "提交答案" }).click();
    // Answered by the worker from the kept bank, not by the server (which sends nosniff).
    expect((await checked).headers()["x-content-type-options"]).toBeUndefined();
    await expect(page.locator(".verdict")).toHaveText(/回答正确|回答错误|部分正确/);
    await expect(page.getByText("解析：")).toBeVisible();
    await page.getByRole("button", { name: "下一题" }).click();
    await expect(page.locator(".quiz-question__stem")).not.toHaveText(stem);
    await expect(page.getByRole("status").first()).toContainText("已练习 1 题");
    expect(errors).toEqual([]);
    await context.close();
  });
});
