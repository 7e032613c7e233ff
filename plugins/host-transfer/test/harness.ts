/**
 * Host-to-Host Transfer as a person meets it: the real host on a loopback port (the web app when asked),
 * this plugin built, packed, signed and installed, one real sshd registered by the shared harness and a
 * second one started here, so every transfer crosses from one SSH server to another.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { addSshHost, type FolderPluginHost, pluginHarness, startSshd, type TestSshd } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import type { TransferJobView } from "../src/server.js";

export type PluginHost = FolderPluginHost;

export const { startPluginHost, shot } = pluginHarness(new URL("..", import.meta.url), (dir) => buildPlugin(dir, { quiet: true }));

/** A screenshot of what the window shows (a dialog over the page), where a full-page one would stretch the backdrop. */
export async function windowShot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: fileURLToPath(new URL(`../test-artifacts/${name}.png`, import.meta.url)) });
}

/** A second sshd, registered as the SSH host "second-sshd". */
export async function secondHost(h: PluginHost): Promise<{ sshd: TestSshd; hostId: string }> {
  const sshd = await startSshd();
  try {
    return { sshd, hostId: await addSshHost(h.t, h.admin, sshd, "second-sshd") };
  } catch (err) {
    await sshd.cleanup();
    throw err;
  }
}

export async function sha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export async function jobs(h: PluginHost): Promise<TransferJobView[]> {
  const res = await h.api("/jobs");
  expect(res.status).toBe(200);
  return ((await res.json()) as { jobs: TransferJobView[] }).jobs;
}

export async function job(h: PluginHost, id: string): Promise<TransferJobView> {
  const found = (await jobs(h)).find((j) => j.id === id);
  if (!found) throw new Error(`no job ${id}`);
  return found;
}

/** Polls the job list until the job satisfies `until` (as the page does), answering the job then. */
export async function waitForJob(h: PluginHost, id: string, until: (j: TransferJobView) => boolean, timeoutMs = 60_000): Promise<TransferJobView> {
  const stopAt = Date.now() + timeoutMs;
  for (;;) {
    const j = await job(h, id);
    if (until(j)) return j;
    if (Date.now() > stopAt) throw new Error(`job ${id} stayed ${j.state} (${JSON.stringify(j.error)})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function post(h: PluginHost, path: string, json: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await h.api(path, { method: "POST", body: JSON.stringify(json), headers: { "content-type": "application/json" } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
