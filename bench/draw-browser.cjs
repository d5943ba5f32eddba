// Times the public "verify this draw" in headless Chromium: loads a page with the verifier
// bundle pointed at a record file, clicks the button, and reports the WASM's own timing of the
// verification plus the wall time from click to verdict (fetch and JSON parsing included).
// Usage (from end2end/, where Playwright is installed): node ../bench/draw-browser.cjs URL
const { chromium } = require(require.resolve("@playwright/test", { paths: [process.cwd()] }));

(async () => {
  const url = process.argv[2];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  const page = await browser.newPage();
  await page.goto(url);
  const button = page.locator("#draw-verifier button");
  await button.waitFor({ state: "visible", timeout: 30_000 });
  const started = Date.now();
  await button.click();
  await page.locator(".verifier__millis").waitFor({ timeout: 600_000 });
  const wall = Date.now() - started;
  const verify = await page.locator(".verifier__millis").textContent();
  const verdict = await page.locator(".verdict").textContent();
  console.log(`browser_verify_ms=${verify} browser_click_to_verdict_ms=${wall} ok=${verdict.includes("复核通过")}`);
  await browser.close();
})();
