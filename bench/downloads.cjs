// Which scripts and WASM each kind of page makes a visitor download: opens every page in a fresh
// headless Chromium context (empty cache), waits until the network is idle (lazy islands
// included), and prints one line per script or WASM response: "<page>\t<path>".
// The staff editor is opened signed in, with BENCH_STAFF_USER / BENCH_STAFF_PASSWORD. A path
// ending in "#read" is counted after the visitor has also pressed the read-aloud button.
// Usage (from end2end/, where Playwright is installed): node ../bench/downloads.cjs BASE NAME=PATH...
const { chromium } = require(require.resolve("@playwright/test", { paths: [process.cwd()] }));

(async () => {
  const [base, ...pages] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  for (const item of pages) {
    const [name, path] = item.split(/=(.*)/s);
    const context = await browser.newContext();
    const page = await context.newPage();
    if (path.startsWith("/admin")) {
      await page.goto(`${base}/login`);
      await page.getByLabel("用户名").fill(process.env.BENCH_STAFF_USER);
      await page.getByLabel("密码").fill(process.env.BENCH_STAFF_PASSWORD);
      await page.getByRole("button", { name: "登录" }).click();
      await page.waitForURL(`${base}/admin`);
    }
    const seen = new Set();
    page.on("response", (response) => {
      const url = new URL(response.url());
      if (/\.(js|wasm)$/.test(url.pathname)) seen.add(url.pathname);
    });
    const reading = path.endsWith("#read");
    await page.goto(`${base}${path.replace(/#read$/, "")}`, { waitUntil: "networkidle" });
    if (reading) {
      await page.locator(".read-aloud__play").first().click();
      await page.waitForLoadState("networkidle");
    }
    await page.waitForTimeout(500);
    if (seen.size === 0) console.log(`${name}\t-`);
    for (const file of seen) console.log(`${name}\t${file}`);
    await context.close();
  }
  await browser.close();
})();
