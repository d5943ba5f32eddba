import { expect, type Page } from "@playwright/test";

/** Collects console errors and uncaught page errors; a test ends by asserting there are none. */
export function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page: ${error.message}`));
  return errors;
}

/** Waits until the WASM islands on the page have hydrated. */
export async function waitForHydration(page: Page) {
  await expect(page.locator("form.elder-switch[data-hydrated='true']")).toBeVisible({
    timeout: 15_000,
  });
}
