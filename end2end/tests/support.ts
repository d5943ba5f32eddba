import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, type Page } from "@playwright/test";

const server = process.env.AQXC_SERVER_BIN ?? "../target/release/server";
const database = `sqlite://${path.resolve(__dirname, "../.tmp/root/portal.db")}`;
/** The password of every account the browser tests create. */
export const PASSWORD = "flood-season-drill-2026";

/** Creates a staff account on the root portal from the command line, as an admin would. */
export function createStaff(username: string, role: string) {
  execFileSync(server, ["admin", "create", "--username", username, "--role", role], {
    input: `${PASSWORD}\n`,
    env: { ...process.env, AQXC_DATABASE_URL: database, RUST_LOG: "warn" },
  });
}

/** Signs in through the login form. */
export async function signIn(page: Page, username: string) {
  await page.goto("/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL("/admin");
}

/** Collects console errors and uncaught page errors; a test ends by asserting there are none. */
export function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page: ${error.message}`));
  return errors;
}

/** Whether the page loads the WASM islands bundle (only the contest and the staff area do). */
export async function loadsIslands(page: Page): Promise<boolean> {
  return (await page.locator("link[rel='modulepreload']").count()) > 0;
}

/** Waits until the WASM islands on the page have hydrated; pages without islands have none. */
export async function waitForHydration(page: Page) {
  if (!(await loadsIslands(page))) return;
  await expect(page.locator("form.elder-switch[data-hydrated='true']")).toBeVisible({
    timeout: 15_000,
  });
}
