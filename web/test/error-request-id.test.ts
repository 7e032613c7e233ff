/**
 * An error the web app shows carries the request id the host logged the request under, so a person can
 * quote it and an admin find the request: the id in the alert is the response's X-Request-Id and the
 * body's requestId. Screenshots land in web/test-artifacts/.
 */
import { mkdirSync } from "node:fs";
import { launchChromium } from "@archnest/host/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "./app-harness.js";

const ARTIFACTS = new URL("../test-artifacts/", import.meta.url).pathname;

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  app = await startApp();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("errors in the web app", () => {
  for (const [name, viewport] of [
    ["error-request-id", { width: 1366, height: 768 }],
    ["error-request-id-narrow", { width: 390, height: 844 }],
  ] as const) {
    it(`shows the host's message with the request id of the refused request (${viewport.width} px)`, async () => {
      const page = await browser.newPage({ viewport });
      page.setDefaultTimeout(10_000);
      await page.goto(app.url);
      await page.getByRole("heading", { name: "Welcome to ArchNest" }).waitFor();
      await page.getByLabel("Username").fill("admin");
      await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
      await page.getByLabel("Confirm password").fill("correct horse battery");
      await page.getByLabel("Setup code").fill("0123456789abcdef0123456789abcdef");
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/api/setup") && r.request().method() === "POST"),
        page.getByRole("button", { name: "Create admin and continue" }).click(),
      ]);
      const requestId = response.headers()["x-request-id"] ?? "";
      expect(await response.json()).toMatchObject({ error: "HOST_ERR_SETUP_CODE", requestId });
      const alert = page.getByRole("alert");
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(new RegExp(`setup code.*\\(request ${requestId}\\)`, "is"));
      // The id stays inside the page at every width: a long unbroken id must not widen it.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.screenshot({ path: `${ARTIFACTS}${name}.png` });
      await page.close();
    });
  }
});
