import { defineConfig, devices } from "@playwright/test";

// The release server binary, built by `cargo leptos build --release` (scripts/test.sh says where).
const server = process.env.AQXC_SERVER_BIN ?? "../target/release/server";
const siteRoot = process.env.AQXC_SITE_ROOT ?? "../target/site";

/** One portal instance on its own port and fresh database, at the root or under a base path. */
function portal(name: string, port: number, basePath: string) {
  const data = `.tmp/${name}`;
  return {
    command: `rm -rf ${data} && mkdir -p ${data} && exec ${server} serve`,
    url: `http://127.0.0.1:${port}${basePath === "/" ? "" : basePath.replace(/\/$/, "")}/healthz`,
    env: {
      AQXC_LISTEN: `127.0.0.1:${port}`,
      // As in production: the origin visitors use (absolute URLs, the contest QR code).
      AQXC_PUBLIC_ORIGIN: `http://127.0.0.1:${port}`,
      AQXC_DATABASE_URL: `sqlite://${data}/portal.db`,
      AQXC_BASE_PATH: basePath,
      AQXC_SITE_ROOT: siteRoot,
      AQXC_CONTENT_DIR: "../content",
      RUST_LOG: "warn",
    },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore" as const,
    stderr: "pipe" as const,
  };
}

export const ROOT_URL = "http://127.0.0.1:3101";
export const BASE_URL = "http://127.0.0.1:3102/aqxc";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  workers: 1,
  retries: 0,
  reporter: "list",
  use: {
    baseURL: ROOT_URL,
    locale: "zh-CN",
    trace: "off",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
          ],
        },
      },
    },
  ],
  webServer: [portal("root", 3101, "/"), portal("base", 3102, "/aqxc/")],
});
