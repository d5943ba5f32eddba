import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { watchForErrors } from "./support";

const server = process.env.AQXC_SERVER_BIN ?? "../target/release/server";
// The database of the portal served at the root (see playwright.config.ts).
const database = `sqlite://${path.resolve(__dirname, "../.tmp/root/portal.db")}`;
const ADMIN_PASSWORD = "flood-season-drill-2026";
const EDITOR_PASSWORD = "typhoon-signal-white-9";

/** Runs `server admin …` against the running portal's database, the password on stdin. */
function adminCommand(args: string[], stdin: string): string {
  return execFileSync(server, ["admin", ...args], {
    input: stdin,
    env: { ...process.env, AQXC_DATABASE_URL: database, RUST_LOG: "warn" },
  }).toString();
}

async function signIn(page: Page, username: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
}

test.describe("staff accounts", () => {
  test("an admin from the command line creates an editor, who sees only the editor's area", async ({ page, browser }) => {
    const out = adminCommand(["create", "--username", "chief", "--role", "admin", "--display-name", "陈主任"], `${ADMIN_PASSWORD}\n`);
    expect(out).toContain("created account `chief`");

    const errors = watchForErrors(page);
    await signIn(page, "chief", ADMIN_PASSWORD);
    await expect(page).toHaveURL("/admin");
    await expect(page.getByRole("heading", { name: "工作台" })).toBeVisible();
    const staffNav = page.getByRole("navigation", { name: "工作人员导航" });
    await staffNav.getByRole("link", { name: "账号管理" }).click();
    await expect(page).toHaveURL("/admin/users");

    const form = page.locator("#new-account");
    await form.getByLabel("用户名").fill("liwei");
    await form.getByLabel("姓名").fill("李伟");
    await form.getByLabel("初始密码").fill(EDITOR_PASSWORD);
    await form.getByLabel("文章编辑").check();
    await form.getByRole("button", { name: "创建账号" }).click();
    await expect(page.getByRole("status")).toContainText("已创建账号 liwei");
    await expect(page.getByRole("table")).toContainText("李伟");
    expect(errors).toEqual([]);

    const editorContext = await browser.newContext();
    const editor = await editorContext.newPage();
    await signIn(editor, "liwei", EDITOR_PASSWORD);
    await expect(editor).toHaveURL("/admin");
    const editorNav = editor.getByRole("navigation", { name: "工作人员导航" });
    await expect(editorNav.getByRole("link", { name: "文章管理" })).toBeVisible();
    await expect(editorNav.getByRole("link", { name: "账号管理" })).toHaveCount(0);
    await expect(editorNav.getByRole("link", { name: "审计日志" })).toHaveCount(0);
    await editorNav.getByRole("link", { name: "文章管理" }).click();
    await expect(editor.getByRole("heading", { level: 1, name: "文章管理" })).toBeVisible();

    const denied = await editor.goto("/admin/users");
    expect(denied?.status()).toBe(403);
    await expect(editor.getByRole("heading", { name: "无权访问" })).toBeVisible();
    await expect(editor.getByText("李伟")).toHaveCount(0);
    await editorContext.close();
  });

  test("a wrong password is refused with a message that names no account", async ({ page }) => {
    await signIn(page, "nobody-here", "not-a-real-password");
    await expect(page.getByRole("alert")).toHaveText("用户名或密码不正确。");
    await expect(page.getByLabel("用户名")).toHaveValue("nobody-here");
  });

  test("the browser sees the security headers and the cookie flags", async ({ page, context }) => {
    adminCommand(["create", "--username", "auditor", "--role", "admin"], `${ADMIN_PASSWORD}\n`);
    const errors = watchForErrors(page);
    const response = await page.goto("/login");
    const headers = response!.headers();
    const csp = headers["content-security-policy"];
    expect(csp).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+ 'wasm-unsafe-eval';/);
    expect(csp).not.toContain("'nonce-");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");

    await page.getByLabel("用户名").fill("auditor");
    await page.getByLabel("密码").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "登录" }).click();
    await expect(page).toHaveURL("/admin");

    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "aqxc_session");
    expect(session).toBeDefined();
    expect(session!.httpOnly).toBe(true);
    expect(session!.sameSite).toBe("Lax");
    expect(session!.secure).toBe(false); // plain HTTP on loopback; Secure over HTTPS
    const csrf = cookies.find((c) => c.name === "aqxc_csrf");
    expect(csrf?.httpOnly).toBe(true);
    // Scripts on the page cannot read either cookie.
    expect(await page.evaluate(() => document.cookie)).not.toContain("aqxc_session");
    // The islands hydrate under this policy: no violation was reported.
    expect(errors).toEqual([]);

    await page.getByRole("button", { name: "退出登录" }).click();
    await expect(page.getByRole("status")).toHaveText("您已安全退出。");
    const after = await page.goto("/admin");
    expect(after?.status()).toBe(401);
  });
});
