/**
 * Docker Push Agent as it is sold and used, in chromium: installed from a real registry without its
 * license, the Docker agents page shows the module's lock with its price and the API refuses tokens with
 * its 402; bought alone in the Module Store, the page makes an enrollment token and shows the commands, the
 * agent (its own process, the package's command) enrolls with them and shows online with its engine's
 * containers, and the Docker page adds its host as a source through the form, offers only the actions the
 * admin allowed through the agent, and stops a container through it once "stop" is allowed. A real dockerd. Screenshots at 1366x768 and 390 px land in
 * plugins/docker-push-agent/test-artifacts/.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createContainer, importBusyboxImage, startEngine, type TestEngine } from "@archnest/docker/testing";
import { buyInStore, openSignedInPage } from "@archnest/host/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, type PluginHost, runAgentCli, shot, startPluginHost } from "./harness.js";

let h: PluginHost;
let engine: TestEngine;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let dir: string;
let agent: AgentProcess | undefined;
let pageErrors: string[] = [];

beforeAll(async () => {
  engine = await startEngine();
  await importBusyboxImage(engine);
  await createContainer(engine, { name: "api", script: "trap 'exit 0' TERM; while :; do sleep 1; done" });
  await createContainer(engine, { name: "nightly-backup", script: "true", start: false });
  h = await startPluginHost({ web: true, registry: true });
  dir = mkdtempSync(join(tmpdir(), "an-agent-page-"));
  ({ browser, context, page, pageErrors } = await openSignedInPage(h.url, h.admin));
}, 240_000);

afterAll(async () => {
  await agent?.kill();
  await browser?.close();
  await h?.close();
  await engine?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the Docker agents page", () => {
  it("shows the module's lock until it is bought, and the API refuses tokens with its 402", async () => {
    const refused = await h.request("/api/plugins/docker-push-agent/tokens", { method: "POST", json: {} });
    expect(refused.status).toBe(402);
    expect(await refused.json()).toMatchObject({ error: "module_required", module: "docker-push-agent", price: expect.stringMatching(/^\$/) });
    // Without a session there is nothing to see.
    expect((await fetch(`${h.url}/api/plugins/docker-push-agent/agents`)).status).toBe(401);

    await page.goto(`${h.url}/docker-agents`);
    const lock = page.locator('[data-lock-module="docker-push-agent"]');
    await lock.waitFor();
    expect(await lock.textContent()).toMatch(/\$5/);
    expect(await page.getByTestId("agent-token").isDisabled()).toBe(true);
    await shot(page, "locked-1366");
  });

  it("once bought alone, enrolls an agent with the commands it shows, which comes online with its containers", async () => {
    const store = await context.newPage();
    await buyInStore(store, h.url, "docker-push-agent");
    await store.close();
    expect(((await (await h.request("/api/license")).json()) as { modules: string[] }).modules).toEqual(["docker-push-agent"]);

    await page.goto(`${h.url}/docker-agents`);
    await page.getByTestId("agent-name").fill("edge-1");
    await page.getByTestId("agent-token").click();
    const command = (await page.getByTestId("agent-enroll-npx").textContent()) ?? "";
    const token = /--token (anagent_[\w-]+)/.exec(command)?.[1];
    expect(command).toContain(`npx @archnest/docker-agent enroll --url ${h.url}`);
    expect(token).toBeDefined();
    expect(await page.getByTestId("agent-enroll-docker").textContent()).toContain(`ARCHNEST_ENROLL_TOKEN=${token}`);
    await shot(page, "enroll-1366");

    // What the page says to run, run: `run` enrolls first when given the URL and the token.
    agent = runAgentCli(["run", "--url", h.url, "--token", token as string, "--config", join(dir, "agent.json"), "--socket", engine.socketPath]);
    const row = page.locator('tr[data-agent="edge-1"]');
    await row.locator('[data-testid="agent-status"][data-online="true"]').waitFor({ timeout: 30_000 });
    await expect.poll(async () => await row.getByTestId("agent-counts").textContent(), { timeout: 20_000 }).toContain("1 running / 2 containers");
    await page.getByRole("button", { name: "Done" }).click();
    await row.locator('input[data-action="stop"]').check();
    await expect.poll(() => agent?.output(), { timeout: 10_000 }).toContain("actions allowed now: stop");
    await shot(page, "agents-1366");

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await row.waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "agents-390");
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  it("adds the agent's host as a Docker source through the Docker page's form and stops a container through it", async () => {
    await page.goto(`${h.url}/docker`);
    const form = page.getByTestId("source-form");
    await form.locator("input[required]").first().fill("edge");
    await form.getByTestId("source-kind").selectOption("agent");
    await form.getByTestId("agent-host").selectOption({ index: 0 });
    await form.getByRole("button", { name: "Test and add" }).click();
    const row = page.locator('tr[data-container="api"]');
    await row.waitFor();
    expect(await page.locator("[data-source-id]").textContent()).toContain("agent://edge-1");
    // The agent source does not count against the free cap: the header offers another source, no cap lock.
    expect(await page.getByRole("button", { name: "Add source" }).isVisible()).toBe(true);
    expect(await page.getByTestId("cap-reason").count()).toBe(0);
    // Only what the admin allowed through the agent is offered: stop, not restart nor remove.
    await row.getByRole("button", { name: "Stop api" }).waitFor();
    expect(await row.getByRole("button", { name: "Restart api" }).count()).toBe(0);
    expect(await row.getByRole("button", { name: "Remove api" }).count()).toBe(0);
    await shot(page, "containers-1366");
    await row.getByRole("button", { name: "Stop api" }).click();
    await expect.poll(async () => (await engine.docker.getContainer("api").inspect()).State.Running, { timeout: 20_000 }).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});
