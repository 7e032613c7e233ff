// The web app's benchmarks for `npm run bench` (reads the build: run after `npm run build`):
// 1. the shell's initial JavaScript, gzip, before any plugin (target: at most 80 KB);
// 2. the time from navigation to an interactive Glance page in chromium, against the host booted as
//    `npm start` boots it, compared with loading a static file from the same server in the same run.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHROMIUM, CHROMIUM_ARGS, readSetupCode } from "@archnest/host/testing";
import { createTestTrust } from "@archnest/sdk/testing";
import { resolveDefaultDir, shellInitialJs } from "@archnest/web/serve";
import { chromium } from "playwright-core";

const row = (r) => process.stdout.write(`${JSON.stringify(r)}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const size = shellInitialJs(resolveDefaultDir());
row({
  suite: "web",
  name: "shell initial JS (gzip, before plugins)",
  metric: "size",
  value: Math.round((size.gzip / 1024) * 10) / 10,
  unit: "KB",
  target: { max: 80 },
  ratio: false,
  note: `${size.files.length} files, ${Math.round(size.bytes / 1024)} KB raw`,
});

const host = new URL("../../host/dist/", import.meta.url);
const { bootHost } = await import(new URL("boot.js", host).href);
const { loadEnv } = await import(new URL("env.js", host).href);
const { createLogger } = await import(new URL("log/index.js", host).href);
const { serveHost, serverUrl } = await import(new URL("server/index.js", host).href);

const dir = mkdtempSync(join(tmpdir(), "archnest-web-bench-"));
const trust = createTestTrust();
const files = trust.writeFiles(dir);
mkdirSync(join(dir, "core-plugins"));
const config = loadEnv({
  ARCHNEST_DATA_DIR: join(dir, "data"),
  ARCHNEST_MASTER_KEY: randomBytes(32).toString("base64"),
  ARCHNEST_TRUST_ROOT: files.rootPub,
  ARCHNEST_TRUST_KEYRING: files.keyring,
  ARCHNEST_CORE_PLUGINS_DIR: join(dir, "core-plugins"),
  XDG_CONFIG_HOME: join(dir, "config"),
});
const booted = await bootHost(config, { log: createLogger({ level: "error", write: () => {} }) });
const server = serveHost(booted.host, { port: 0, hostname: "127.0.0.1" });
await new Promise((resolve) => server.once("listening", resolve));
const url = serverUrl(server);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
try {
  const setup = await fetch(`${url}/api/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: "bench password 1", setupCode: readSetupCode(config.dataDir) }),
  });
  const cookie = (setup.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const [name, ...rest] = cookie.split("=");
  const context = await browser.newContext();
  await context.addCookies([{ name, value: rest.join("="), url }]);
  const glance = [];
  const baseline = [];
  for (let i = 0; i < 7; i++) {
    // A fresh page each time with the HTTP cache cleared: a first visit, not a warm reload.
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.clearBrowserCache");
    let t = performance.now();
    await page.goto(`${url}/favicon.svg`);
    baseline.push(performance.now() - t);
    t = performance.now();
    await page.goto(`${url}/`);
    await page.getByRole("heading", { name: "Glance", level: 1 }).waitFor();
    await page.getByText("No widgets yet").waitFor();
    glance.push(performance.now() - t);
    await page.close();
  }
  row({
    suite: "web",
    name: "navigation to interactive Glance (chromium, cold cache)",
    metric: "time",
    value: Math.round(median(glance)),
    unit: "ms",
    baseline: Math.round(median(baseline)),
    note: "median of 7; baseline: a static file from the same server",
  });
} finally {
  await browser.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await booted.host.close();
  rmSync(dir, { recursive: true, force: true });
}
